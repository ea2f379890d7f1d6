"""/_admin: the emulator's own control panel (no WB counterpart, no auth: local use only)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from agentiq.emulator.faults import FaultConfig
from agentiq.emulator.state import ALL_CATEGORIES, Emulator, SellerState

router = APIRouter(prefix="/_admin", tags=["emulator admin"])


class SellerIn(BaseModel):
    name: str = "Демо продавец"
    seed: int = 1
    feedbacks: int = Field(200, ge=0, le=5_000_000)
    questions: int = Field(100, ge=0, le=5_000_000)
    chats: int = Field(30, ge=0, le=20_000)
    token_type: str = "personal"


class TokenIn(BaseModel):
    token_type: str = "personal"
    categories: list[str] = list(ALL_CATEGORIES)
    read_only: bool = False
    expires_at: datetime | None = None


class RevokeIn(BaseModel):
    token: str


class FaultsIn(BaseModel):
    error_rate: dict[int, float] = {}
    latency_ms: int = Field(0, ge=0)
    timeout_rate: float = Field(0.0, ge=0, le=1)
    timeout_s: float = Field(60.0, ge=0)
    malformed_json_rate: float = Field(0.0, ge=0, le=1)
    broken_item_rate: float = Field(0.0, ge=0, le=1)
    control_char_rate: float = Field(0.0, ge=0, le=1)
    moderation_reject_rate: float | None = Field(None, ge=0, le=1)


class LiveIn(BaseModel):
    enabled: bool = True
    every_s: float = Field(5.0, gt=0)


class BuyerChatIn(BaseModel):
    feedback_id: str
    text: str = Field("Здравствуйте! Пишу по поводу своего отзыва.", min_length=1, max_length=1000)


class TickIn(BaseModel):
    channel: str | None = None


def _emulator(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def _state(request: Request, seller_id: str) -> SellerState:
    try:
        return _emulator(request).seller(seller_id)
    except KeyError:
        raise HTTPException(404, "Продавец не найден") from None


def summary(emulator: Emulator, state: SellerState, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "seller_id": state.seller_id,
        "name": state.name,
        "feedbacks": state.feedback_total,
        "questions": state.question_total,
        "chats": len(state.chats),
        "events": len(state.events),
        "faults": state.faults.to_dict(),
        "live": state.live_stop is not None,
        "received_answers": [{**asdict(r), "at": r.at.isoformat()} for r in state.received_answers],
    }
    if full:
        out["links"] = state.links()
        out["chat_ids"] = state.chat_ids
        if state.feedback_total <= 10_000:
            out["feedback_ids"] = state.feedback_ids
        if state.question_total <= 10_000:
            out["question_ids"] = state.question_ids
    del emulator
    return out


@router.post("/sellers")
def create_seller(request: Request, body: SellerIn) -> dict[str, Any]:
    seller = _emulator(request).add_seller(
        body.name,
        seed=body.seed,
        feedbacks=body.feedbacks,
        questions=body.questions,
        chats=body.chats,
        token_type=body.token_type,
    )
    return {"seller_id": seller.seller_id, "token": seller.token, "name": seller.name}


@router.get("/sellers")
def list_sellers(request: Request) -> list[dict[str, Any]]:
    emulator = _emulator(request)
    return [summary(emulator, s) for s in emulator.sellers()]


@router.get("/sellers/{seller_id}")
def seller_detail(request: Request, seller_id: str) -> dict[str, Any]:
    return summary(_emulator(request), _state(request, seller_id), full=True)


@router.post("/sellers/{seller_id}/tokens")
def issue_token(request: Request, seller_id: str, body: TokenIn) -> dict[str, str]:
    _state(request, seller_id)
    try:
        token = _emulator(request).issue_token(
            seller_id,
            token_type=body.token_type,
            categories=tuple(body.categories),
            read_only=body.read_only,
            expires_at=body.expires_at,
        )
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"token": token}


@router.post("/tokens/revoke")
def revoke_token(request: Request, body: RevokeIn) -> dict[str, bool]:
    _emulator(request).revoke_token(body.token)
    return {"revoked": True}


@router.put("/sellers/{seller_id}/faults")
def set_faults(request: Request, seller_id: str, body: FaultsIn) -> dict[str, Any]:
    _state(request, seller_id)
    try:
        faults = FaultConfig(**body.model_dump())
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    _emulator(request).set_faults(seller_id, faults)
    return faults.to_dict()


@router.post("/sellers/{seller_id}/tick")
def tick(request: Request, seller_id: str, body: TickIn) -> dict[str, str]:
    _state(request, seller_id)
    channel, item_id = _emulator(request).tick(seller_id, body.channel)
    return {"channel": channel, "id": item_id}


@router.post("/sellers/{seller_id}/buyer-chat")
def buyer_chat(request: Request, seller_id: str, body: BuyerChatIn) -> dict[str, str]:
    """The author of a feedback opens a chat about the same product (linking ground truth)."""
    _state(request, seller_id)
    try:
        chat_id = _emulator(request).buyer_chat(seller_id, body.feedback_id, body.text)
    except KeyError:
        raise HTTPException(404, "feedback not found") from None
    return {"chatID": chat_id}


@router.post("/sellers/{seller_id}/live")
def live(request: Request, seller_id: str, body: LiveIn) -> dict[str, Any]:
    _state(request, seller_id)
    emulator = _emulator(request)
    if body.enabled:
        emulator.start_live_traffic(seller_id, every_s=body.every_s)
    else:
        emulator.stop_live_traffic(seller_id)
    return {"live": body.enabled, "every_s": body.every_s}


@router.post("/sellers/{seller_id}/rotate-reply-signs")
def rotate_reply_signs(request: Request, seller_id: str) -> dict[str, bool]:
    _state(request, seller_id)
    _emulator(request).rotate_reply_signs(seller_id)
    return {"rotated": True}
