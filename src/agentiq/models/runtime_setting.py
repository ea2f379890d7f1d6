from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, IdMixin, TenantMixin, TimestampMixin


class RuntimeSetting(IdMixin, TenantMixin, TimestampMixin, Base):
    """Namespaced per-seller settings changed at run time (AI, auto-answer, SLA, ...).

    Secret values (e.g. an LLM key) live only in `value_encrypted`.
    """

    __tablename__ = "runtime_settings"
    __table_args__ = (UniqueConstraint("seller_id", "namespace", "key"),)

    namespace: Mapped[str] = mapped_column(String(50))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    value_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
