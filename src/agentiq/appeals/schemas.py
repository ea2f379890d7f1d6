"""Payloads of the appeals API: the queue, outcomes, approval rates and rating impact."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Outcome = Literal["proposed", "submitted", "approved", "rejected", "dismissed"]


class MarkedSpan(BaseModel):
    start: int
    end: int
    words: str


class AppealOut(BaseModel):
    id: int
    interaction_id: int
    nm_id: int | None
    rating: int
    cause: str
    cause_label: str
    wb_reason: str
    confidence: float
    review_text: str
    spans: list[MarkedSpan]
    appeal_text: str
    status: str
    submitted_at: datetime | None
    decided_at: datetime | None
    occurred_at: datetime
    cabinet_url: str
    # How much the product's rating moves if WB approves this appeal.
    rating_gain: float | None = None


class OutcomeIn(BaseModel):
    status: Outcome
    # The day it happened in the WB cabinet, if not today.
    on: date | None = None
    appeal_text: str | None = Field(default=None, max_length=2000)


class CauseRate(BaseModel):
    cause: str
    cause_label: str
    submitted: int
    approved: int
    rejected: int
    approval_rate: float | None  # approved / decided; None before anything was decided


class NegativeImpact(BaseModel):
    interaction_id: int
    nm_id: int | None = None
    rating: int
    text: str
    cause: str | None
    cause_label: str | None
    appeal_status: str | None
    appealable: bool
    # Rating change if this review stopped counting.
    shift: float


class ProductImpact(BaseModel):
    nm_id: int
    name: str
    reviews_counted: int
    rating: float | None
    open_appeals: int
    # The rating if every open appeal is approved, and the gain over today's.
    rating_if_approved: float | None
    gain: float
    target: float
    target_reached: bool
    appeals_needed: int | None
    fives_needed: int | None
    negatives: list[NegativeImpact] = Field(default_factory=list)
