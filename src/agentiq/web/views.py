"""Turn rows into what a page shows, in Russian (no DB access here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentiq.models import MarketplaceConnection

TOKEN_TYPES = {
    "personal": "Персональный",
    "base": "Базовый",
    "basic": "Базовый",
    "test": "Тестовый",
    "service": "Сервисный",
    "unknown": "Тип не определён",
}
SYNC_STATUSES = {
    "idle": "Ожидает синхронизации",
    "running": "Синхронизация…",
    "syncing": "Синхронизация…",
    "ok": "Синхронизировано",
    "error": "Ошибка синхронизации",
    "paused": "Приостановлено",
}


@dataclass
class CabinetView:
    id: int
    name: str
    is_demo: bool
    is_sandbox: bool
    token_type: str
    token_expires_at: datetime | None
    checks: list[str]
    sync_status: str
    sync_label: str
    sync_error: str | None
    last_sync_at: datetime | None

    @property
    def is_syncing(self) -> bool:
        return self.sync_status in {"running", "syncing"}


def _checks(token_check: dict[str, Any]) -> list[str]:
    """Whatever the connector found about the token, as short Russian phrases."""
    lines: list[str] = []
    for key, value in (token_check or {}).items():
        if isinstance(value, bool):
            lines.append(f"{key}: {'да' if value else 'нет'}")
        elif isinstance(value, list | tuple):
            lines.append(f"{key}: {', '.join(str(v) for v in value)}")
        elif value not in (None, ""):
            lines.append(f"{key}: {value}")
    return lines


def cabinet_view(row: MarketplaceConnection) -> CabinetView:
    return CabinetView(
        id=row.id,
        name=row.name,
        is_demo=row.is_demo,
        is_sandbox=row.is_sandbox,
        token_type=TOKEN_TYPES.get(row.token_type, row.token_type),
        token_expires_at=row.token_expires_at,
        checks=_checks(row.token_check),
        sync_status=row.sync_status,
        sync_label=SYNC_STATUSES.get(row.sync_status, row.sync_status),
        sync_error=row.sync_error,
        last_sync_at=row.last_sync_at,
    )
