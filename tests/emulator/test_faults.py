"""Fault switches: injected statuses, latency, hangs, malformed JSON, broken items."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from agentiq.emulator import Emulator, FaultConfig

from .conftest import CHAT, FB

LIST = f"{FB}/api/v1/feedbacks"
PARAMS = {"isAnswered": "true", "take": 50, "skip": 0}


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_injected_status(http, auth, emulator: Emulator, seller, status: int) -> None:
    emulator.set_faults(seller.seller_id, FaultConfig(error_rate={status: 1.0}))
    r = http.get(LIST, params=PARAMS, headers=auth)
    assert r.status_code == status
    assert r.json()["status"] == status
    if status == 429:
        assert int(r.headers["X-Ratelimit-Retry"]) >= 1
    emulator.set_faults(seller.seller_id, FaultConfig())
    assert http.get(LIST, params=PARAMS, headers=auth).status_code == 200


def test_injected_error_does_not_apply_write(http, auth, emulator: Emulator, seller) -> None:
    emulator.set_faults(seller.seller_id, FaultConfig(error_rate={503: 1.0}))
    r = http.post(
        f"{FB}/api/v1/feedbacks/answer", json={"id": "a" * 20, "text": "Ответ"}, headers=auth
    )
    assert r.status_code == 503
    assert emulator.seller(seller.seller_id).received_answers == []


def test_partial_error_rate_is_roughly_honoured(http, auth, emulator: Emulator, seller) -> None:
    emulator.set_faults(seller.seller_id, FaultConfig(error_rate={500: 0.5}))
    codes = [http.get(f"{FB}/api/v1/feedbacks/count", headers=auth).status_code for _ in range(80)]
    assert 15 <= codes.count(500) <= 65 and set(codes) == {200, 500}


def test_latency(http, auth, emulator: Emulator, seller) -> None:
    emulator.set_faults(seller.seller_id, FaultConfig(latency_ms=300))
    started = time.perf_counter()
    assert http.get(f"{FB}/api/v1/feedbacks/count", headers=auth).status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_timeout_hangs_after_applying_the_write(base_url, auth, emulator: Emulator, seller) -> None:
    emulator.set_faults(seller.seller_id, FaultConfig(timeout_rate=1.0, timeout_s=3))
    with httpx.Client(base_url=base_url, timeout=0.5) as client, pytest.raises(httpx.ReadTimeout):
        client.post(
            f"{FB}/api/v1/feedbacks/answer", json={"id": "b" * 20, "text": "Ответ"}, headers=auth
        )
    # The outcome is unknown to the client, but WB did receive it: exactly what read-back is for.
    received = emulator.seller(seller.seller_id).received_answers
    assert [a.item_id for a in received] == ["b" * 20]


def test_malformed_json(raw_http, auth, emulator: Emulator, seller) -> None:
    emulator.set_faults(seller.seller_id, FaultConfig(malformed_json_rate=1.0))
    r = raw_http.get(LIST, params=PARAMS, headers=auth)
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)


def test_broken_items(raw_http, auth, emulator: Emulator, seller) -> None:
    emulator.set_faults(seller.seller_id, FaultConfig(broken_item_rate=1.0))
    items = raw_http.get(LIST, params=PARAMS, headers=auth).json()["data"]["feedbacks"]
    healthy_keys = set(emulator.render_feedback(emulator.seller(seller.seller_id), 0))
    for item in items:
        missing = healthy_keys - set(item)
        nulled = [k for k, v in item.items() if v is None]
        assert missing or nulled or any(isinstance(v, (str, int)) for v in item.values())
    assert any(healthy_keys - set(i) for i in items) or any(None in i.values() for i in items)
    chats = raw_http.get(f"{CHAT}/api/v1/seller/chats", headers=auth).json()["result"]
    assert chats


def test_faults_over_admin_endpoint(http, auth, seller) -> None:
    r = http.put(f"/_admin/sellers/{seller.seller_id}/faults", json={"error_rate": {"502": 1.0}})
    assert r.status_code == 200
    assert http.get(f"{FB}/api/v1/feedbacks/count", headers=auth).status_code == 502
    assert (
        http.put(
            f"/_admin/sellers/{seller.seller_id}/faults", json={"error_rate": {"404": 1.0}}
        ).status_code
        == 400
    )
    http.put(f"/_admin/sellers/{seller.seller_id}/faults", json={})
    assert http.get(f"{FB}/api/v1/feedbacks/count", headers=auth).status_code == 200
    http.post("/_admin/tokens/revoke", json={"token": seller.token})
    assert http.get(f"{FB}/api/v1/feedbacks/count", headers=auth).status_code == 401


def test_admin_create_seller_and_ground_truth(http) -> None:
    r = http.post(
        "/_admin/sellers",
        json={"name": "Тест", "seed": 5, "feedbacks": 40, "questions": 10, "chats": 3},
    )
    assert r.status_code == 200
    created = r.json()
    auth = {"Authorization": created["token"]}
    count = http.get(
        f"{FB}/api/v1/feedbacks/count", params={"isAnswered": "true"}, headers=auth
    ).json()["data"]
    truth = http.get(f"/_admin/sellers/{created['seller_id']}").json()
    assert (
        truth["feedbacks"] == 40
        and len(truth["feedback_ids"]) == 40
        and len(truth["chat_ids"]) == 3
    )
    assert 0 < count < 40
