"""Analytics payloads: every figure carries its source (wb_api, fallback, demo or mixed)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

Unit = Literal["count", "share", "minutes", "per_operator_hour", "per_operator_day"]


class Kpi(BaseModel):
    value: float | None
    previous: float | None
    # value - previous (share points for shares); relative change where previous is not 0.
    change: float | None
    change_pct: float | None
    unit: Unit
    source: str | None
    note: str | None = None


class Period(BaseModel):
    date_from: date
    date_to: date
    days: int
    previous_from: date
    previous_to: date


class QualityDay(BaseModel):
    day: date
    accepted: int
    edited: int
    manual: int
    auto: int


class VolumeDay(BaseModel):
    day: date
    review: int
    question: int
    chat: int


class HistogramBin(BaseModel):
    label: str
    upper_minutes: float | None
    review: int
    question: int
    chat: int


class RatingCount(BaseModel):
    rating: int
    count: int


class Complaint(BaseModel):
    nm_id: int
    product: str
    topic: str
    topic_label: str
    count: int


class Section(BaseModel):
    source: str | None


class QualitySection(Section):
    accepted: Kpi
    edited: Kpi
    manual: Kpi
    auto_answers: Kpi
    history: list[QualityDay]


class MoneyEstimate(BaseModel):
    available: bool
    low: float | None = None
    high: float | None = None
    reliability: str | None = None
    reason: str


class Communication(BaseModel):
    period: Period
    cabinet_id: int | None
    channel: str | None
    source: str | None
    kpis: dict[str, Kpi]
    by_channel: dict[str, dict[str, Kpi]]
    quality: QualitySection
    volume: list[VolumeDay]
    volume_source: str | None
    response_histogram: list[HistogramBin]
    response_histogram_source: str | None
    ratings: list[RatingCount]
    ratings_source: str | None
    top_complaints: list[Complaint]
    top_complaints_source: str | None
    money: MoneyEstimate


class AlertOut(BaseModel):
    id: int
    kind: str
    severity: str
    status: str
    title: str
    detail: str
    action: str
    link: str
    figures: dict[str, object]
    first_seen_at: datetime
    last_seen_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    delivery_state: str

    model_config = {"from_attributes": True}


class AlertFeed(BaseModel):
    open: list[AlertOut]
    history: list[AlertOut]
