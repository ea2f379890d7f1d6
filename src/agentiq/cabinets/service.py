"""Cabinet life cycle. The WB token is encrypted before it touches the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.cabinets.repository import CabinetRepository
from agentiq.kit.crypto import SecretBox
from agentiq.kit.errors import ValidationFailed
from agentiq.models import MarketplaceConnection

# Filled in by the WB connector: inspects a token (type, categories, expiry) offline.
TokenInspector = Callable[[str], dict[str, Any]]
_inspectors: list[TokenInspector] = []


def register_token_inspector(inspector: TokenInspector) -> None:
    _inspectors.append(inspector)


def _inspect(token: str) -> dict[str, Any]:
    for inspector in _inspectors:
        return inspector(token)
    return {}


async def add_cabinet(
    session: AsyncSession,
    secrets: SecretBox,
    seller_id: int,
    *,
    name: str,
    token: str,
    is_sandbox: bool = False,
    is_demo: bool = False,
) -> MarketplaceConnection:
    token = token.strip()
    name = name.strip()
    if not name:
        raise ValidationFailed("Укажите название кабинета", details={"name": "Укажите название"})
    if len(token) < 10 or any(ch.isspace() for ch in token):
        message = "Токен выглядит неполным: скопируйте его из кабинета WB целиком"
        raise ValidationFailed(message, details={"token": message})
    info = _inspect(token)
    cabinet = MarketplaceConnection(
        name=name[:200],
        token_encrypted=secrets.encrypt(token),
        token_type=str(info.get("token_type", "unknown")),
        token_expires_at=info.get("expires_at"),
        token_check=info.get("summary", {}),
        is_sandbox=is_sandbox,
        is_demo=is_demo,
    )
    CabinetRepository(session, seller_id).add(cabinet)
    await session.flush()
    return cabinet


async def rename_cabinet(
    session: AsyncSession, seller_id: int, cabinet_id: int, name: str
) -> MarketplaceConnection:
    cabinet = await CabinetRepository(session, seller_id).get(cabinet_id)
    name = name.strip()
    if not name:
        raise ValidationFailed("Укажите название кабинета", details={"name": "Укажите название"})
    cabinet.name = name[:200]
    await session.flush()
    return cabinet


async def remove_cabinet(session: AsyncSession, seller_id: int, cabinet_id: int) -> None:
    repo = CabinetRepository(session, seller_id)
    await repo.delete(await repo.get(cabinet_id))
    await session.flush()


def cabinet_token(secrets: SecretBox, cabinet: MarketplaceConnection) -> str:
    """The plain token, for the WB client only; never log or return it."""
    return secrets.decrypt(cabinet.token_encrypted)


AfterAdd = Callable[[MarketplaceConnection], Awaitable[None]]
