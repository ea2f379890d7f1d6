"""Every operation, in success and in its documented errors, matches WB's OpenAPI documents.

The `http` fixture validates each response it sees (conftest.check_against_spec); this test
makes sure every operation and status is actually exercised, and that the checker bites.
"""

from __future__ import annotations

import os

import httpx
import pytest

from agentiq.emulator import Emulator, FaultConfig

from . import spec
from .conftest import CHAT, FB

# On a developer's machine without the WB documents this is skipped; in CI it must run, so
# missing documents fail it there instead of passing silently.
IN_CI = bool(os.environ.get("CI"))
pytestmark = pytest.mark.skipif(
    not spec.available() and not IN_CI, reason=f"WB OpenAPI specs not found in {spec.SPECS}"
)


@pytest.fixture(autouse=True)
def _specs_present() -> None:
    if not spec.available():
        pytest.fail(f"CI is set but the WB OpenAPI specs are not in {spec.SPECS}", pytrace=False)


def test_every_operation_and_status_validates(
    http: httpx.Client, emulator: Emulator, seller, auth
) -> None:
    covered: set[tuple[str, str, int]] = set()

    def hit(method: str, path: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
        r = http.request(method, path, **kwargs)  # validated by the response hook
        covered.add((method, spec.spec_path(path)[1], r.status_code))
        return r

    fb = hit(
        "GET",
        f"{FB}/api/v1/feedbacks",
        params={"isAnswered": "false", "take": 20, "skip": 0},
        headers=auth,
    )
    fid = fb.json()["data"]["feedbacks"][0]["id"]
    hit(
        "GET",
        f"{FB}/api/v1/feedbacks",
        params={"isAnswered": "true", "take": 200, "skip": 0},
        headers=auth,
    )
    hit("GET", f"{FB}/api/v1/feedbacks", params={"take": 1, "skip": 0}, headers=auth)
    hit("GET", f"{FB}/api/v1/feedbacks/count", params={"isAnswered": "false"}, headers=auth)
    hit("GET", f"{FB}/api/v1/feedbacks/count", params={"dateFrom": "x"}, headers=auth)
    hit("GET", f"{FB}/api/v1/feedbacks/count-unanswered", headers=auth)
    hit("GET", f"{FB}/api/v1/new-feedbacks-questions", headers=auth)
    hit("GET", f"{FB}/api/v1/feedbacks/archive", params={"take": 100, "skip": 0}, headers=auth)
    hit("GET", f"{FB}/api/v1/feedbacks/archive", params={"take": 0, "skip": 0}, headers=auth)
    hit("GET", f"{FB}/api/v1/feedback", params={"id": fid}, headers=auth)
    hit("GET", f"{FB}/api/v1/feedback", params={"id": "nope"}, headers=auth)
    hit("POST", f"{FB}/api/v1/feedbacks/answer", json={"id": fid, "text": "Спасибо!"}, headers=auth)
    hit(
        "POST",
        f"{FB}/api/v1/feedbacks/answer",
        content=b"{",
        headers={**auth, "Content-Type": "application/json"},
    )
    hit(
        "PATCH",
        f"{FB}/api/v1/feedbacks/answer",
        json={"id": fid, "text": "Спасибо большое!"},
        headers=auth,
    )
    hit("PATCH", f"{FB}/api/v1/feedbacks/answer", json={"id": fid, "text": "Ещё раз"}, headers=auth)
    able = next(f for f in fb.json()["data"]["feedbacks"] if f["isAbleReturnProductOrders"])
    hit(
        "POST", f"{FB}/api/v1/feedbacks/order/return", json={"feedbackId": able["id"]}, headers=auth
    )
    hit(
        "POST", f"{FB}/api/v1/feedbacks/order/return", json={"feedbackId": able["id"]}, headers=auth
    )
    hit("POST", f"{FB}/api/v1/feedbacks/order/return", json={}, headers=auth)
    hit("GET", f"{FB}/ping", headers=auth)

    qs = hit(
        "GET",
        f"{FB}/api/v1/questions",
        params={"isAnswered": "false", "take": 5, "skip": 0},
        headers=auth,
    )
    qid = qs.json()["data"]["questions"][0]["id"]
    hit(
        "GET",
        f"{FB}/api/v1/questions",
        params={"isAnswered": "true", "take": 100, "skip": 0},
        headers=auth,
    )
    hit(
        "GET",
        f"{FB}/api/v1/questions",
        params={"isAnswered": "true", "take": 9000, "skip": 2000},
        headers=auth,
    )
    hit("GET", f"{FB}/api/v1/questions/count", params={"isAnswered": "true"}, headers=auth)
    hit("GET", f"{FB}/api/v1/questions/count", params={"isAnswered": "x"}, headers=auth)
    hit("GET", f"{FB}/api/v1/questions/count-unanswered", headers=auth)
    hit("GET", f"{FB}/api/v1/question", params={"id": qid}, headers=auth)
    hit("GET", f"{FB}/api/v1/question", params={"id": "nope"}, headers=auth)
    hit("PATCH", f"{FB}/api/v1/questions", json={"id": qid, "wasViewed": True}, headers=auth)
    body = {"id": qid, "answer": {"text": "Ответ"}, "state": "wbRu"}
    hit("PATCH", f"{FB}/api/v1/questions", json=body, headers=auth)
    hit("PATCH", f"{FB}/api/v1/questions", json=body, headers=auth)
    hit("PATCH", f"{FB}/api/v1/questions", json=body, headers=auth)  # second edit: 422
    hit("PATCH", f"{FB}/api/v1/questions", json={"id": "x" * 20, "wasViewed": True}, headers=auth)
    hit("PATCH", f"{FB}/api/v1/questions", json={"nothing": 1}, headers=auth)

    chats = hit("GET", f"{CHAT}/api/v1/seller/chats", headers=auth).json()["result"]
    hit("GET", f"{CHAT}/api/v1/seller/events", headers=auth)
    hit("GET", f"{CHAT}/api/v1/seller/events", params={"next": "soon"}, headers=auth)
    hit(
        "POST",
        f"{CHAT}/api/v1/seller/message",
        data={"replySign": chats[0]["replySign"], "message": "Привет"},
        headers=auth,
    )
    hit(
        "POST",
        f"{CHAT}/api/v1/seller/message",
        data={"replySign": "1:bad", "message": "Привет"},
        headers=auth,
    )
    hit("GET", f"{CHAT}/ping", headers=auth)
    from agentiq.emulator.routes_chat import moderation_of

    state = emulator.seller(seller.seller_id)
    extra = emulator.add_seller(seed=99, feedbacks=10, questions=10, chats=300)
    extra_auth = {"Authorization": extra.token}
    for download_id in list(emulator.seller(extra.seller_id).attachments)[:200]:
        hit("GET", f"{CHAT}/api/v1/seller/download/{download_id}", headers=extra_auth)
    hit("GET", f"{CHAT}/api/v1/seller/download/none", headers=auth)
    del state, moderation_of

    # Gateway errors: 401 (bad token, wrong category) and 429 and injected 5xx.
    hit("GET", f"{FB}/api/v1/feedbacks/count", headers={"Authorization": "junk"})
    hit("GET", f"{CHAT}/api/v1/seller/chats", headers={"Authorization": "junk"})
    hit("GET", f"{FB}/ping", headers={"Authorization": "junk"})
    for status in (429, 503):
        emulator.set_faults(seller.seller_id, FaultConfig(error_rate={status: 1.0}))
        hit("GET", f"{FB}/api/v1/feedbacks/count", headers=auth)
        hit("GET", f"{CHAT}/api/v1/seller/events", headers=auth)
    emulator.set_faults(seller.seller_id, FaultConfig())

    expected = {
        ("GET", "/api/v1/feedbacks", 200),
        ("GET", "/api/v1/feedbacks", 400),
        ("GET", "/api/v1/feedbacks/count", 400),
        ("GET", "/api/v1/feedbacks/archive", 400),
        ("GET", "/api/v1/feedback", 422),
        ("POST", "/api/v1/feedbacks/answer", 204),
        ("POST", "/api/v1/feedbacks/answer", 400),
        ("PATCH", "/api/v1/feedbacks/answer", 204),
        ("PATCH", "/api/v1/feedbacks/answer", 400),
        ("POST", "/api/v1/feedbacks/order/return", 200),
        ("POST", "/api/v1/feedbacks/order/return", 422),
        ("POST", "/api/v1/feedbacks/order/return", 400),
        ("GET", "/api/v1/questions", 400),
        ("GET", "/api/v1/question", 422),
        ("PATCH", "/api/v1/questions", 200),
        ("PATCH", "/api/v1/questions", 404),
        ("PATCH", "/api/v1/questions", 422),
        ("PATCH", "/api/v1/questions", 400),
        ("GET", "/api/v1/seller/events", 400),
        ("POST", "/api/v1/seller/message", 200),
        ("POST", "/api/v1/seller/message", 400),
        ("GET", "/api/v1/seller/download/{id}", 200),
        ("GET", "/api/v1/seller/download/{id}", 202),
        ("GET", "/api/v1/seller/download/{id}", 451),
        ("GET", "/api/v1/seller/download/{id}", 400),
        ("GET", "/ping", 200),
        ("GET", "/ping", 401),
        ("GET", "/api/v1/feedbacks/count", 401),
        ("GET", "/api/v1/feedbacks/count", 429),
        ("GET", "/api/v1/seller/events", 429),
        ("GET", "/api/v1/seller/events", 503),
    }
    assert expected <= covered, sorted(expected - covered)


def test_checker_rejects_invented_and_mistyped_fields() -> None:
    chat = b'{"result":[{"chatID":"1:x","clientID":"123","replySign":"s"}],"errors":null}'
    with pytest.raises(AssertionError, match="clientID"):
        spec.validate("GET", f"{CHAT}/api/v1/seller/chats", 200, "application/json", chat)
    fb = b'{"data":{"feedbacks":[{"id":"a","productValuation":"5"}]},"error":false}'
    with pytest.raises(AssertionError, match="productValuation"):
        spec.validate("GET", f"{FB}/api/v1/feedbacks", 200, "application/json", fb)
    with pytest.raises(AssertionError, match="content-type"):
        spec.validate("GET", f"{FB}/api/v1/feedbacks/count", 401, "application/json", b"{}")
    with pytest.raises(AssertionError, match="not documented"):
        spec.validate("GET", f"{CHAT}/api/v1/seller/chats", 400, "application/json", b"{}")
