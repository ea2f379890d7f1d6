"""Life cycle of feedbacks, questions and chats as REFERENCE §12 describes it."""

from __future__ import annotations

import httpx

from agentiq.emulator import Emulator

from .conftest import CHAT, FB, FakeClock


def _open_feedbacks(http: httpx.Client, auth: dict[str, str], take: int = 5) -> list[dict]:
    r = http.get(
        f"{FB}/api/v1/feedbacks",
        params={"isAnswered": "false", "take": take, "skip": 0},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    return r.json()["data"]["feedbacks"]


def test_answer_moderation_publish_and_archive(
    http, auth, emulator: Emulator, clock: FakeClock, seller
) -> None:
    before = http.get(f"{FB}/api/v1/feedbacks/count-unanswered", headers=auth).json()["data"]
    target = _open_feedbacks(http, auth)[0]
    assert target["answer"] is None and target["state"] == "none"

    r = http.post(
        f"{FB}/api/v1/feedbacks/answer",
        json={"id": target["id"], "text": "Спасибо за отзыв!"},
        headers=auth,
    )
    assert r.status_code == 204 and r.content == b""

    item = http.get(f"{FB}/api/v1/feedback", params={"id": target["id"]}, headers=auth).json()[
        "data"
    ]
    assert item["state"] == "wbRu"
    assert item["answer"] == {
        "text": "Спасибо за отзыв!",
        "state": "reviewRequired",
        "editable": True,
    }
    clock.advance(6)
    item = http.get(f"{FB}/api/v1/feedback", params={"id": target["id"]}, headers=auth).json()[
        "data"
    ]
    assert item["answer"]["state"] == "wbRu"

    after = http.get(f"{FB}/api/v1/feedbacks/count-unanswered", headers=auth).json()["data"]
    assert after["countUnanswered"] == before["countUnanswered"] - 1
    open_ids = {f["id"] for f in _open_feedbacks(http, auth, take=5000)}
    assert target["id"] not in open_ids
    archive = http.get(
        f"{FB}/api/v1/feedbacks/archive", params={"take": 5000, "skip": 0}, headers=auth
    )
    assert target["id"] in {f["id"] for f in archive.json()["data"]["feedbacks"]}
    answered = http.get(
        f"{FB}/api/v1/feedbacks",
        params={"isAnswered": "true", "take": 5000, "skip": 0},
        headers=auth,
    ).json()["data"]["feedbacks"]
    assert target["id"] in {f["id"] for f in answered}


def test_moderation_can_reject(http, base_url, clock: FakeClock, server) -> None:
    em = Emulator(rate_limits=False, moderation_delay_s=1, moderation_reject_rate=1.0, clock=clock)
    server[1].state.emulator = em
    seller = em.add_seller(seed=3, feedbacks=50, questions=5, chats=1)
    auth = {"Authorization": seller.token}
    fid = _open_feedbacks(http, auth)[0]["id"]
    http.post(
        f"{FB}/api/v1/feedbacks/answer", json={"id": fid, "text": "Ответ продавца"}, headers=auth
    )
    clock.advance(2)
    item = http.get(f"{FB}/api/v1/feedback", params={"id": fid}, headers=auth).json()["data"]
    assert item["answer"]["state"] == "rejected"


def test_one_edit_within_60_days_then_refusal(http, auth, clock: FakeClock) -> None:
    fid = _open_feedbacks(http, auth)[0]["id"]
    http.post(
        f"{FB}/api/v1/feedbacks/answer", json={"id": fid, "text": "Первый ответ"}, headers=auth
    )
    r = http.patch(
        f"{FB}/api/v1/feedbacks/answer",
        json={"id": fid, "text": "Исправленный ответ"},
        headers=auth,
    )
    assert r.status_code == 204
    item = http.get(f"{FB}/api/v1/feedback", params={"id": fid}, headers=auth).json()["data"]
    assert item["answer"]["text"] == "Исправленный ответ" and item["answer"]["editable"] is False
    r = http.patch(
        f"{FB}/api/v1/feedbacks/answer", json={"id": fid, "text": "Ещё раз"}, headers=auth
    )
    assert r.status_code == 400 and r.json()["origin"] == "fbapi"

    other = _open_feedbacks(http, auth)[0]["id"]
    http.post(f"{FB}/api/v1/feedbacks/answer", json={"id": other, "text": "Ответ"}, headers=auth)
    clock.advance(61 * 86400)
    r = http.patch(
        f"{FB}/api/v1/feedbacks/answer", json={"id": other, "text": "Поздно"}, headers=auth
    )
    assert r.status_code == 400


def test_unknown_id_answer_is_204_and_recorded(http, auth, emulator: Emulator, seller) -> None:
    r = http.post(
        f"{FB}/api/v1/feedbacks/answer",
        json={"id": "nosuchfeedback000000", "text": "Ответ"},
        headers=auth,
    )
    assert r.status_code == 204
    received = emulator.seller(seller.seller_id).received_answers
    assert [(a.kind, a.item_id, a.known) for a in received] == [
        ("feedback_answer", "nosuchfeedback000000", False)
    ]


def test_duplicate_answer_is_counted(http, auth, emulator: Emulator, seller) -> None:
    fid = _open_feedbacks(http, auth)[0]["id"]
    for _ in range(2):
        assert (
            http.post(
                f"{FB}/api/v1/feedbacks/answer", json={"id": fid, "text": "Ответ"}, headers=auth
            ).status_code
            == 204
        )
    received = [a for a in emulator.seller(seller.seller_id).received_answers if a.item_id == fid]
    assert [a.duplicate for a in received] == [False, True]


def test_question_states(http, auth) -> None:
    qs = http.get(
        f"{FB}/api/v1/questions", params={"isAnswered": "false", "take": 3, "skip": 0}, headers=auth
    ).json()
    q1, q2 = qs["data"]["questions"][:2]
    assert q1["state"] == "suppliersPortalSynch" and q1["answer"] is None

    r = http.patch(f"{FB}/api/v1/questions", json={"id": q1["id"], "wasViewed": True}, headers=auth)
    assert r.status_code == 200 and r.json() == {
        "data": None,
        "error": False,
        "errorText": "",
        "additionalErrors": None,
    }
    assert (
        http.get(f"{FB}/api/v1/question", params={"id": q1["id"]}, headers=auth).json()["data"][
            "wasViewed"
        ]
        is True
    )

    body = {"id": q1["id"], "answer": {"text": "Размер соответствует таблице."}, "state": "wbRu"}
    assert http.patch(f"{FB}/api/v1/questions", json=body, headers=auth).status_code == 200
    q = http.get(f"{FB}/api/v1/question", params={"id": q1["id"]}, headers=auth).json()["data"]
    assert (
        q["state"] == "wbRu"
        and q["answer"]["editable"] is True
        and q["answer"]["createDate"].endswith("Z")
    )
    body["answer"] = {"text": "Исправлено: берите на размер больше."}
    assert http.patch(f"{FB}/api/v1/questions", json=body, headers=auth).status_code == 200
    r = http.patch(f"{FB}/api/v1/questions", json=body, headers=auth)
    assert r.status_code == 422 and r.json()["errorText"] == "Не удалось отредактировать вопрос"

    reject = {"id": q2["id"], "answer": {"text": "Отклонено"}, "state": "none"}
    assert http.patch(f"{FB}/api/v1/questions", json=reject, headers=auth).status_code == 200
    assert (
        http.get(f"{FB}/api/v1/question", params={"id": q2["id"]}, headers=auth).json()["data"][
            "state"
        ]
        == "none"
    )
    after = http.get(
        f"{FB}/api/v1/questions/count", params={"isAnswered": "false"}, headers=auth
    ).json()["data"]
    assert after == qs["data"]["countUnanswered"] - 2

    missing = http.patch(
        f"{FB}/api/v1/questions", json={"id": "x" * 20, "wasViewed": True}, headers=auth
    )
    assert missing.status_code == 404


def test_events_cursor_and_sent_message(
    http, auth, emulator: Emulator, seller, clock: FakeClock
) -> None:
    emulator.events_batch = 7
    seen: list[dict] = []
    params: dict[str, int] = {}
    while True:
        r = http.get(f"{CHAT}/api/v1/seller/events", params=params, headers=auth).json()["result"]
        if r["totalEvents"] == 0:
            assert r["events"] == []
            break
        assert r["totalEvents"] == len(r["events"]) <= 7
        assert r["next"] == r["events"][-1]["addTimestamp"]
        seen.extend(r["events"])
        params = {"next": r["next"]}
    state = emulator.seller(seller.seller_id)
    assert [e["eventID"] for e in seen] == [e["eventID"] for e in state.events]
    stamps = [e["addTimestamp"] for e in seen]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all("replySign" in e for e in seen if e.get("isNewChat"))

    chat = http.get(f"{CHAT}/api/v1/seller/chats", headers=auth).json()["result"][0]
    clock.advance(60)
    r = http.post(
        f"{CHAT}/api/v1/seller/message",
        data={"replySign": chat["replySign"], "message": "Добрый день!"},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert r.json()["result"]["chatID"] == chat["chatID"]
    new = http.get(f"{CHAT}/api/v1/seller/events", params=params, headers=auth).json()["result"]
    assert new["totalEvents"] == 1
    event = new["events"][0]
    assert (event["sender"], event["source"], event["message"]["text"]) == (
        "seller",
        "seller-public-api",
        "Добрый день!",
    )
    chats = {
        c["chatID"]: c
        for c in http.get(f"{CHAT}/api/v1/seller/chats", headers=auth).json()["result"]
    }
    assert chats[chat["chatID"]]["lastMessage"]["text"] == "Добрый день!"
    assert state.received_answers[-1].kind == "chat_message"


def test_stale_or_wrong_reply_sign_refused(http, auth, emulator: Emulator, seller) -> None:
    sign = http.get(f"{CHAT}/api/v1/seller/chats", headers=auth).json()["result"][0]["replySign"]
    bad = http.post(
        f"{CHAT}/api/v1/seller/message",
        data={"replySign": sign[:-4] + "0000", "message": "Тест"},
        headers=auth,
    )
    assert bad.status_code == 400 and bad.json()["detail"] == "Invalid signature"
    emulator.rotate_reply_signs(seller.seller_id)
    stale = http.post(
        f"{CHAT}/api/v1/seller/message", data={"replySign": sign, "message": "Тест"}, headers=auth
    )
    assert stale.status_code == 400 and stale.headers["content-type"].startswith(
        "application/problem+json"
    )
    fresh = http.get(f"{CHAT}/api/v1/seller/chats", headers=auth).json()["result"][0]["replySign"]
    assert fresh != sign
    ok = http.post(
        f"{CHAT}/api/v1/seller/message", data={"replySign": fresh, "message": "Тест"}, headers=auth
    )
    assert ok.status_code == 200


def test_message_validation_and_files(http, auth) -> None:
    sign = http.get(f"{CHAT}/api/v1/seller/chats", headers=auth).json()["result"][0]["replySign"]
    long = http.post(
        f"{CHAT}/api/v1/seller/message",
        data={"replySign": sign, "message": "я" * 1001},
        headers=auth,
    )
    assert long.status_code == 400 and long.json()["detail"] == 'Invalid value for "message"'
    video = http.post(
        f"{CHAT}/api/v1/seller/message",
        data={"replySign": sign},
        files=[("file", ("clip.mp4", b"0" * 10, "video/mp4"))],
        headers=auth,
    )
    assert video.status_code == 400 and "unsupported mime type" in video.json()["detail"]
    ok = http.post(
        f"{CHAT}/api/v1/seller/message",
        data={"replySign": sign, "message": "Фото"},
        files=[("file", ("photo.png", b"\x89PNG....", "image/png"))],
        headers=auth,
    )
    assert ok.status_code == 200


def test_download_states(http, auth, emulator: Emulator, seller) -> None:
    from agentiq.emulator.routes_chat import moderation_of

    state = emulator.seller(seller.seller_id)
    statuses = {}
    for download_id in state.attachments:
        r = http.get(f"{CHAT}/api/v1/seller/download/{download_id}", headers=auth)
        statuses[moderation_of(download_id)] = r
    assert statuses, "generator made no attachments"
    if "ok" in statuses:
        assert statuses["ok"].status_code == 200 and statuses["ok"].content
    if "pending" in statuses:
        assert statuses["pending"].status_code == 202
        assert statuses["pending"].json() == {"moderationState": "pending", "retrySeconds": 30}
    if "rejected" in statuses:
        assert statuses["rejected"].status_code == 451
    bad = http.get(f"{CHAT}/api/v1/seller/download/nope", headers=auth)
    assert bad.status_code == 400 and bad.json()["detail"] == "invalid fileID"


def test_order_return(http, auth) -> None:
    feedbacks = _open_feedbacks(http, auth, take=300)
    able = next(f for f in feedbacks if f["isAbleReturnProductOrders"])
    r = http.post(
        f"{FB}/api/v1/feedbacks/order/return", json={"feedbackId": able["id"]}, headers=auth
    )
    assert r.status_code == 200 and r.json()["error"] is False
    again = http.post(
        f"{FB}/api/v1/feedbacks/order/return", json={"feedbackId": able["id"]}, headers=auth
    )
    assert (
        again.status_code == 422
        and again.json()["errorText"] == "Запрос на возврат покупок недоступен"
    )
    item = http.get(f"{FB}/api/v1/feedback", params={"id": able["id"]}, headers=auth).json()["data"]
    assert item["returnProductOrdersDate"]


def test_live_traffic_tick(http, auth, emulator: Emulator, seller, clock: FakeClock) -> None:
    before = http.get(f"{FB}/api/v1/feedbacks/count-unanswered", headers=auth).json()["data"][
        "countUnanswered"
    ]
    clock.advance(10)
    channel, fid = emulator.tick(seller.seller_id, "review")
    assert channel == "review"
    after = http.get(f"{FB}/api/v1/feedbacks/count-unanswered", headers=auth).json()["data"]
    assert after["countUnanswered"] == before + 1
    newest = http.get(
        f"{FB}/api/v1/feedbacks", params={"isAnswered": "false", "take": 1, "skip": 0}, headers=auth
    )
    assert newest.json()["data"]["feedbacks"][0]["id"] == fid
    r = http.post(f"/_admin/sellers/{seller.seller_id}/tick", json={"channel": "chat"})
    assert r.status_code == 200 and r.json()["channel"] == "chat"
