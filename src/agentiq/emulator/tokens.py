"""WB-shaped API tokens: JWT payloads with `acc`, `for`, `t`, `s` bitmask, `id`, `sid`, `exp`.

Signed with HS256 and a key that only the emulator knows; the point is the payload shape and
the checks WB's gateway makes (category bits, read-only bit, expiry, revocation).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

# Bit positions as numbered in WB's token table (REFERENCE §1.2).
CATEGORY_BITS: dict[str, int] = {
    "content": 1,
    "analytics": 2,
    "prices": 3,
    "marketplace": 4,
    "statistics": 5,
    "promotion": 6,
    "feedbacks_questions": 7,
    "chat": 9,
    "supplies": 10,
    "returns": 11,
    "documents": 12,
    "finance": 13,
    "users": 16,
}
READ_ONLY_BIT = 30

TOKEN_TYPES = ("base", "test", "personal", "service")
TOKEN_LIFETIME = timedelta(days=180)


class TokenRejected(Exception):
    """The gateway refuses the token; `detail` goes into the 401 problem body."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class TokenClaims:
    token_id: str
    seller_id: str
    token_type: str
    categories: frozenset[str]
    read_only: bool
    expires_at: datetime


def _type_fields(token_type: str) -> dict[str, object]:
    if token_type == "base":
        return {"acc": 1}
    if token_type == "test":
        return {"acc": 2, "t": True}
    if token_type == "personal":
        return {"acc": 3, "for": "self"}
    if token_type == "service":
        return {"acc": 4, "for": f"asid:{uuid.uuid4()}"}
    raise ValueError(f"unknown token type {token_type!r}; expected one of {TOKEN_TYPES}")


def _type_from_payload(payload: dict[str, object]) -> str:
    return {1: "base", 2: "test", 3: "personal", 4: "service"}.get(int(payload.get("acc", 0)), "")  # type: ignore[call-overload]


def encode_token(
    key: str,
    *,
    seller_id: str,
    token_type: str,
    categories: tuple[str, ...] | list[str],
    read_only: bool,
    expires_at: datetime,
) -> tuple[str, str]:
    """Return (token, token_id)."""
    bits = 0
    for name in categories:
        if name not in CATEGORY_BITS:
            raise ValueError(f"unknown token category {name!r}")
        bits |= 1 << CATEGORY_BITS[name]
    if read_only:
        bits |= 1 << READ_ONLY_BIT
    token_id = str(uuid.uuid4())
    payload: dict[str, object] = {
        "ent": 1,
        "exp": int(expires_at.timestamp()),
        "id": token_id,
        "iid": 0,
        "oid": 0,
        "s": bits,
        "sid": seller_id,
        "uid": 0,
        **_type_fields(token_type),
    }
    return jwt.encode(payload, key, algorithm="HS256", headers={"kid": "emulator"}), token_id


def decode_token(key: str, raw: str, *, now: datetime) -> TokenClaims:
    """Check signature and expiry against the emulator clock (not the wall clock)."""
    token = raw.strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    if not token:
        raise TokenRejected("empty Authorization header")
    try:
        payload = jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False})
    except jwt.InvalidSignatureError:
        raise TokenRejected("token problem; token signature is invalid") from None
    except jwt.PyJWTError as exc:
        raise TokenRejected(f"token problem; token is malformed: {exc}") from None
    try:
        exp = datetime.fromtimestamp(int(payload["exp"]), tz=now.tzinfo)
        bits = int(payload["s"])
        claims = TokenClaims(
            token_id=str(payload["id"]),
            seller_id=str(payload["sid"]),
            token_type=_type_from_payload(payload),
            categories=frozenset(n for n, b in CATEGORY_BITS.items() if bits >> b & 1),
            read_only=bool(bits >> READ_ONLY_BIT & 1),
            expires_at=exp,
        )
    except (KeyError, TypeError, ValueError):
        raise TokenRejected("token problem; token is malformed: bad payload") from None
    if exp <= now:
        raise TokenRejected("token problem; token is expired")
    return claims
