"""Tokens (category, read-only, expiry, revocation), validation texts, rate limits."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from agentiq.emulator import Emulator

from .conftest import CHAT, FB, FakeClock

LIST = f"{FB}/api/v1/feedbacks"
PARAMS = {"isAnswered": "false", "take": 1, "skip": 0}


def test_token_payload_is_wb_shaped(emulator: Emulator, seller) -> None:
    payload = jwt.decode(seller.token, options={"verify_signature": False})
    assert payload["acc"] == 3 and payload["for"] == "self" and payload["sid"] == seller.seller_id
    assert payload["s"] & (1 << 7) and payload["s"] & (1 << 9) and not payload["s"] & (1 << 30)
    base = jwt.decode(
        emulator.issue_token(seller.seller_id, token_type="base"),
        options={"verify_signature": False},
    )
    assert base["acc"] == 1
    test = jwt.decode(
        emulator.issue_token(seller.seller_id, token_type="test"),
        options={"verify_signature": False},
    )
    assert test["acc"] == 2 and test["t"] is True


def test_raw_and_bearer_accepted(http, seller) -> None:
    assert http.get(LIST, params=PARAMS, headers={"Authorization": seller.token}).status_code == 200
    assert (
        http.get(
            LIST, params=PARAMS, headers={"Authorization": f"Bearer {seller.token}"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("header", [None, "garbage", "Bearer abc.def.ghi"])
def test_missing_or_malformed_token_401(http, header) -> None:
    headers = {"Authorization": header} if header else {}
    r = http.get(LIST, params=PARAMS, headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["title"] == "unauthorized" and r.json()["status"] == 401


def test_scope_expiry_revocation_read_only(
    http, emulator: Emulator, seller, clock: FakeClock
) -> None:
    chat_only = emulator.issue_token(seller.seller_id, categories=("chat",))
    r = http.get(LIST, params=PARAMS, headers={"Authorization": chat_only})
    assert r.status_code == 401 and "token scope not allowed" in r.json()["detail"]
    assert (
        http.get(f"{CHAT}/api/v1/seller/chats", headers={"Authorization": chat_only}).status_code
        == 200
    )
    assert http.get(f"{FB}/ping", headers={"Authorization": chat_only}).status_code == 401
    assert http.get(f"{CHAT}/ping", headers={"Authorization": chat_only}).status_code == 200

    short = emulator.issue_token(seller.seller_id, expires_at=clock.now + timedelta(hours=1))
    assert http.get(LIST, params=PARAMS, headers={"Authorization": short}).status_code == 200
    clock.advance(3601)
    r = http.get(LIST, params=PARAMS, headers={"Authorization": short})
    assert r.status_code == 401 and "expired" in r.json()["detail"]

    emulator.revoke_token(seller.token)
    assert http.get(LIST, params=PARAMS, headers={"Authorization": seller.token}).status_code == 401

    read_only = emulator.issue_token(seller.seller_id, read_only=True)
    ro = {"Authorization": read_only}
    assert http.get(LIST, params=PARAMS, headers=ro).status_code == 200
    r = http.post(
        f"{FB}/api/v1/feedbacks/answer", json={"id": "x" * 20, "text": "Ответ"}, headers=ro
    )
    assert r.status_code == 401 and "scope not allowed" in r.json()["detail"]

    test_token = emulator.issue_token(seller.seller_id, token_type="test")
    assert http.get(LIST, params=PARAMS, headers={"Authorization": test_token}).status_code == 401


@pytest.mark.parametrize(
    ("path", "params", "text"),
    [
        (LIST, {"take": 1, "skip": 0}, "Плохой формат isAnswered"),
        (LIST, {"isAnswered": "maybe", "take": 1, "skip": 0}, "Плохой формат isAnswered"),
        (LIST, {"isAnswered": "true", "take": 5001, "skip": 0}, "Something went wrong"),
        (LIST, {"isAnswered": "true", "take": 10, "skip": 199_991}, "Something went wrong"),
        (LIST, {"isAnswered": "true", "skip": 0}, "Плохой формат take"),
        (
            LIST,
            {"isAnswered": "true", "take": 1, "skip": 0, "dateFrom": "yesterday"},
            "Плохой формат dateFrom",
        ),
        (f"{FB}/api/v1/feedbacks/count", {"dateTo": "x"}, "Плохой формат dateTo"),
        (
            f"{FB}/api/v1/questions",
            {"isAnswered": "true", "take": 5000, "skip": 5001},
            "Something went wrong",
        ),
        (f"{FB}/api/v1/questions", {"take": 1, "skip": 0}, "Плохой формат isAnswered"),
    ],
)
def test_validation_texts(http, auth, path, params, text) -> None:
    r = http.get(path, params=params, headers=auth)
    assert r.status_code == 400
    body = r.json()
    assert body["error"] is True and body["errorText"] == text and body["data"] is None


def test_limits_at_the_edge_pass(http, auth) -> None:
    assert (
        http.get(
            LIST, params={"isAnswered": "true", "take": 5000, "skip": 199_990}, headers=auth
        ).status_code
        == 200
    )
    q = {"isAnswered": "true", "take": 5000, "skip": 5000}
    assert http.get(f"{FB}/api/v1/questions", params=q, headers=auth).status_code == 200
    count = http.get(f"{FB}/api/v1/feedbacks/count", headers=auth)  # isAnswered defaults to true
    assert count.status_code == 200 and isinstance(count.json()["data"], int)


def test_answer_body_checks(http, auth) -> None:
    url = f"{FB}/api/v1/feedbacks/answer"
    r = http.post(
        url,
        content=b'{"id":"a","text":"bb"}',
        headers={**auth, "Content-Type": "application/javascript"},
    )
    assert (
        r.status_code == 400
        and r.json()["detail"] == "not a json content-type: application/javascript"
    )
    r = http.post(url, content=b"{oops", headers={**auth, "Content-Type": "application/json"})
    assert r.json()["detail"] == "Неверный синтаксис JSON"
    r = http.post(url, content=b"{}", headers=auth)
    assert r.status_code == 400 and r.json()["detail"] == "content-type header not specified"
    r = http.post(url, json={"id": "a" * 20, "text": "x"}, headers=auth)
    assert r.status_code == 400 and r.json()["origin"] == "fbapi"


@pytest.fixture
def limited(server, clock: FakeClock) -> Emulator:
    em = Emulator(rate_limits=True, clock=clock)
    server[1].state.emulator = em
    return em


def test_feedbacks_bucket_burst_then_429(http, limited: Emulator, clock: FakeClock) -> None:
    auth = {"Authorization": limited.add_seller(feedbacks=20, questions=20, chats=2).token}
    remaining = []
    for k in range(6):  # feedbacks and questions share one bucket of 6
        path = LIST if k % 2 else f"{FB}/api/v1/questions"
        r = http.get(path, params=PARAMS, headers=auth)
        assert r.status_code == 200
        remaining.append(int(r.headers["X-Ratelimit-Remaining"]))
    assert remaining == [5, 4, 3, 2, 1, 0]
    r = http.get(LIST, params=PARAMS, headers=auth)
    assert r.status_code == 429
    assert "X-Ratelimit-Remaining" not in r.headers
    assert r.headers["X-Ratelimit-Retry"] == "1" and r.headers["X-Ratelimit-Limit"] == "6"
    assert r.headers["X-Ratelimit-Reset"] == "2"
    body = r.json()
    assert body["title"] == "too many requests" and body["status"] == 429
    assert r.headers["content-type"].startswith("application/problem+json")
    clock.advance(0.34)  # 3 per second refill
    assert http.get(LIST, params=PARAMS, headers=auth).status_code == 200
    assert http.get(LIST, params=PARAMS, headers=auth).status_code == 429
    # Chat has its own buckets.
    assert (
        http.get(f"{CHAT}/api/v1/seller/chats", headers=auth).headers["X-Ratelimit-Remaining"]
        == "9"
    )


def test_chat_bucket_10_per_10s(http, limited: Emulator, clock: FakeClock) -> None:
    auth = {"Authorization": limited.add_seller(feedbacks=5, questions=5, chats=2).token}
    codes = [http.get(f"{CHAT}/api/v1/seller/events", headers=auth).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    clock.advance(1.0)
    assert http.get(f"{CHAT}/api/v1/seller/events", headers=auth).status_code == 200


def test_base_token_hourly_limits(http, limited: Emulator, clock: FakeClock) -> None:
    seller = limited.add_seller(feedbacks=5, questions=5, chats=2, token_type="base")
    auth = {"Authorization": seller.token}
    assert http.get(LIST, params=PARAMS, headers=auth).status_code == 200
    r = http.get(LIST, params=PARAMS, headers=auth)
    assert r.status_code == 429 and r.headers["X-Ratelimit-Retry"] == "720"  # 5 per hour
    assert http.get(f"{CHAT}/api/v1/seller/chats", headers=auth).status_code == 200
    r = http.get(f"{CHAT}/api/v1/seller/chats", headers=auth)
    assert r.status_code == 429 and r.headers["X-Ratelimit-Retry"] == "3600"
    clock.advance(720)
    assert http.get(LIST, params=PARAMS, headers=auth).status_code == 200


def test_limits_are_per_seller(http, limited: Emulator) -> None:
    a = {"Authorization": limited.add_seller(seed=1, feedbacks=5, questions=5, chats=1).token}
    b = {"Authorization": limited.add_seller(seed=2, feedbacks=5, questions=5, chats=1).token}
    for _ in range(6):
        http.get(LIST, params=PARAMS, headers=a)
    assert http.get(LIST, params=PARAMS, headers=a).status_code == 429
    assert http.get(LIST, params=PARAMS, headers=b).status_code == 200
