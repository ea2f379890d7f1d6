from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin


class LinkCandidate(IdMixin, TenantMixin, Base):
    """A possible link between two touches: level A/B/C with confidence and reasons."""

    __tablename__ = "link_candidates"
    __table_args__ = (UniqueConstraint("interaction_id", "candidate_id"),)

    interaction_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(String(1))
    confidence: Mapped[float] = mapped_column(Float)
    reasoning_signals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
