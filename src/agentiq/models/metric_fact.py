from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, IdMixin, TenantMixin


class MetricFact(IdMixin, TenantMixin, Base):
    """One measured value; `source` says where it came from (wb_api, fallback, demo)."""

    __tablename__ = "metric_facts"
    __table_args__ = (Index("ix_metric_facts_metric", "seller_id", "metric", "period_start"),)

    metric: Mapped[str] = mapped_column(String(80))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    dimensions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
