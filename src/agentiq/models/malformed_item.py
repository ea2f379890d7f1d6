from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin


class MalformedItem(IdMixin, TenantMixin, Base):
    """A WB item the sync skipped because it did not parse: re-read by the next runs until
    it parses or is recorded as permanently bad.

    Reviews and questions are asked for again by id (WB may have fixed them); chat events
    cannot be asked for again, so the raw event is kept and parsed again.
    """

    __tablename__ = "malformed_items"
    __table_args__ = (UniqueConstraint("connection_id", "channel", "external_id"),)

    connection_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("marketplace_connections.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=1)
    permanent: Mapped[bool] = mapped_column(default=False)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_tried_at: Mapped[datetime] = mapped_column(default=utcnow)
