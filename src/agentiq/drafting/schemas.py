"""Schemas of the drafting API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class GeneratedDraftOut(BaseModel):
    """A draft just generated, with how it was made."""

    id: int
    text: str
    model: str
    prompt_version: str
    variant: int
    latency_ms: int
    prompt_tokens: int
    completion_tokens: int
    source: str
    fallback_reason: str | None


class AIDraftOut(BaseModel):
    draft: GeneratedDraftOut
    warnings: list[dict[str, Any]]
    context: dict[str, Any]
