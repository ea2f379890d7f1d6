from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin


class MetricFact(IdMixin, TenantMixin, Base):
    """One reporting event (received, first response, reply sent, SLA met/missed, ...).

    Written in the same transaction as the change it describes; `source` says where the
    underlying data came from (wb_api, fallback, demo). Analytics reads these rows and their
    daily roll-up (`metric_daily`), never the inbox table.
    """

    __tablename__ = "metric_facts"
    __table_args__ = (Index("ix_metric_facts_metric", "seller_id", "metric", "occurred_at"),)

    metric: Mapped[str] = mapped_column(String(40))
    # The event's class: accepted/edited/manual/auto for replies, met/missed for SLA...
    outcome: Mapped[str] = mapped_column(String(20), default="")
    value: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(20))
    connection_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("marketplace_connections.id", ondelete="SET NULL"), default=None
    )
    interaction_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="SET NULL"), default=None
    )
    user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    channel: Mapped[str] = mapped_column(String(20))
    # Question intent, chat topic or the review's main complaint signal.
    intent: Mapped[str | None] = mapped_column(String(40), default=None)
    rating: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    nm_id: Mapped[int | None] = mapped_column(default=None)
    occurred_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MetricDaily(IdMixin, TenantMixin, Base):
    """Facts pre-aggregated per UTC day and dimension, kept up to date in the same transaction.

    Dimensions that do not apply are stored as 0 / "" (not NULL) so the unique key works on
    both backends: `nm_id` only for complaints (top complaints, repeat issues), `bucket` is a
    response-time histogram bucket or, for replies, the hour of day (operator-hours).
    """

    __tablename__ = "metric_daily"
    __table_args__ = (
        UniqueConstraint(
            "seller_id",
            "day",
            "metric",
            "connection_id",
            "channel",
            "outcome",
            "source",
            "intent",
            "rating",
            "nm_id",
            "user_id",
            "bucket",
            name="uq_metric_daily_key",
        ),
        Index("ix_metric_daily_day", "seller_id", "metric", "day"),
    )

    day: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(40))
    connection_id: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(20))
    intent: Mapped[str] = mapped_column(String(40), default="")
    rating: Mapped[int] = mapped_column(SmallInteger, default=0)
    nm_id: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int] = mapped_column(default=0)
    bucket: Mapped[int] = mapped_column(SmallInteger, default=0)
    count: Mapped[int] = mapped_column(default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
