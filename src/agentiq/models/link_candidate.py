from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin


class LinkCandidate(IdMixin, TenantMixin, Base):
    """A possible link between two touches: level B/C with confidence and reasons.

    One row per unordered pair (`interaction_id` < `candidate_id`), so a link is the same
    row from either side and the thread is symmetric by construction. `verdict` is the
    operator's judgement (confirmed | rejected), the ground for linking precision.
    """

    __tablename__ = "link_candidates"
    __table_args__ = (
        UniqueConstraint("interaction_id", "candidate_id"),
        Index("ix_link_candidates_precision", "seller_id", "level", "verdict"),
    )

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
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    verdict: Mapped[str | None] = mapped_column(String(20), default=None)
    verdict_at: Mapped[datetime | None] = mapped_column(default=None)
    verdict_by_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
