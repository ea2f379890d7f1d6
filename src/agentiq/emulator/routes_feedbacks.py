"""feedbacks-api host: Feedbacks and Questions (REFERENCE §2, §3), served under /feedbacks-api."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from agentiq.emulator import generator as gen
from agentiq.emulator import params as p
from agentiq.emulator import wire
from agentiq.emulator.gate import Call, Rejected, gate
from agentiq.emulator.state import OperationRefused

router = APIRouter(prefix="/feedbacks-api")

FEEDBACK_TAKE_MAX = 5000
FEEDBACK_SKIP_MAX = 199_990
QUESTION_WINDOW_MAX = 10_000
ANSWER_MIN, ANSWER_MAX = 2, 5000


async def _read(request: Request, *, write: bool = False) -> Call:
    return await gate(request, host="feedbacks", scope="feedbacks_questions", write=write)


@router.get("/ping")
async def ping(request: Request) -> Response:
    call = await gate(request, host="feedbacks", scope="ping:feedbacks", write=False)
    ts = call.emulator.now().astimezone(gen.MSK).replace(microsecond=0).isoformat()
    return await call.send(wire.json_response({"TS": ts, "Status": "OK"}))


# ----- feedbacks -----


@router.get("/api/v1/new-feedbacks-questions")
async def new_feedbacks_questions(request: Request) -> Response:
    call = await _read(request)
    em, st = call.emulator, call.state
    data = {
        "hasNewQuestions": em.has_new(st, gen.QUESTION),
        "hasNewFeedbacks": em.has_new(st, gen.FEEDBACK),
    }
    return await call.send(wire.legacy_ok(data))


@router.get("/api/v1/feedbacks/count-unanswered")
async def feedbacks_count_unanswered(request: Request) -> Response:
    call = await _read(request)
    em, st = call.emulator, call.state
    total = em.count_feedbacks(
        st, em.feedback_segments(st, answered=False, date_from=None, date_to=None)
    )
    midnight = int(em.moscow_midnight_ts())
    today = em.count_feedbacks(
        st, em.feedback_segments(st, answered=False, date_from=midnight, date_to=None)
    )
    return await call.send(
        wire.legacy_ok({"countUnanswered": total, "countUnansweredToday": today})
    )


@router.get("/api/v1/feedbacks/count")
async def feedbacks_count(request: Request) -> Response:
    call = await _read(request)
    q = request.query_params
    answered = p.opt_bool(q, "isAnswered", default=True)
    date_from, date_to = p.opt_int(q, "dateFrom"), p.opt_int(q, "dateTo")
    em, st = call.emulator, call.state
    segments = em.feedback_segments(st, answered=answered, date_from=date_from, date_to=date_to)
    return await call.send(wire.legacy_ok(em.count_feedbacks(st, segments)))


@router.get("/api/v1/feedbacks")
async def feedbacks_list(request: Request) -> Response:
    call = await _read(request)
    q = request.query_params
    answered = p.req_bool(q, "isAnswered")
    take, skip = p.req_int(q, "take"), p.req_int(q, "skip")
    nm_id, desc = p.opt_int(q, "nmId"), p.order_desc(q)
    date_from, date_to = p.opt_int(q, "dateFrom"), p.opt_int(q, "dateTo")
    if not 0 < take <= FEEDBACK_TAKE_MAX or not 0 <= skip <= FEEDBACK_SKIP_MAX:
        raise p.bad(
            "Something went wrong",
            [f"take must be 1..{FEEDBACK_TAKE_MAX}, skip must be 0..{FEEDBACK_SKIP_MAX}"],
        )
    em, st = call.emulator, call.state
    segments = em.feedback_segments(st, answered=answered, date_from=date_from, date_to=date_to)
    items = em.list_feedbacks(st, segments, nm_id=nm_id, skip=skip, take=take, desc=desc)
    unanswered = em.count_feedbacks(
        st, em.feedback_segments(st, answered=False, date_from=None, date_to=None)
    )
    data = {
        "countUnanswered": unanswered,
        "countArchive": st.feedback_total - unanswered,
        "feedbacks": items,
    }
    return await call.send(wire.legacy_ok(data), items_key=("data", "feedbacks"))


@router.get("/api/v1/feedbacks/archive")
async def feedbacks_archive(request: Request) -> Response:
    call = await _read(request)
    q = request.query_params
    take, skip = p.req_int(q, "take"), p.req_int(q, "skip")
    nm_id, desc = p.opt_int(q, "nmId"), p.order_desc(q)
    if not 0 < take <= FEEDBACK_TAKE_MAX or skip < 0:
        raise p.bad("Something went wrong", [f"take must be 1..{FEEDBACK_TAKE_MAX}"])
    em, st = call.emulator, call.state
    segments = em.feedback_segments(st, answered=None, date_from=None, date_to=None)
    items = em.list_feedbacks(st, segments, nm_id=nm_id, skip=skip, take=take, desc=desc)
    return await call.send(wire.legacy_ok({"feedbacks": items}), items_key=("data", "feedbacks"))


@router.get("/api/v1/feedback")
async def feedback_one(request: Request) -> Response:
    call = await _read(request)
    st = call.state
    i = st.feedback_index(request.query_params.get("id", ""))
    if i is None:
        raise Rejected(wire.legacy_error(422, "Невозможно получить отзыв по id"))
    return await call.send(wire.legacy_ok(call.emulator.render_feedback(st, i)))


async def _answer_body(request: Request) -> tuple[str, str]:
    """Content-type and JSON checks of fbapi, in WB's order and words."""
    ctype = request.headers.get("content-type")
    if not ctype:
        raise Rejected(wire.fbapi_error("content-type header not specified"))
    mime = ctype.split(";")[0].strip().lower()
    if "/" not in mime:
        raise Rejected(wire.fbapi_error(f"content-type is not a valid mime-type: {ctype}"))
    if mime != "application/json":
        raise Rejected(wire.fbapi_error(f"not a json content-type: {mime}"))
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise Rejected(wire.fbapi_error("Неверный синтаксис JSON")) from None
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("id"), str)
        or not isinstance(body.get("text"), str)
    ):
        raise Rejected(wire.fbapi_error("Неверный синтаксис JSON"))
    text: str = body["text"]
    if not ANSWER_MIN <= len(text) <= ANSWER_MAX:
        raise Rejected(
            wire.fbapi_error(f"Длина ответа должна быть от {ANSWER_MIN} до {ANSWER_MAX} символов")
        )
    return body["id"], text


@router.post("/api/v1/feedbacks/answer")
async def feedback_answer(request: Request) -> Response:
    call = await _read(request, write=True)
    feedback_id, text = await _answer_body(request)
    call.emulator.answer_feedback(call.state, feedback_id, text)
    return await call.send(Response(status_code=204))


@router.patch("/api/v1/feedbacks/answer")
async def feedback_answer_edit(request: Request) -> Response:
    call = await _read(request, write=True)
    feedback_id, text = await _answer_body(request)
    try:
        call.emulator.edit_feedback_answer(call.state, feedback_id, text)
    except OperationRefused as exc:
        raise Rejected(wire.fbapi_error(exc.text)) from None
    return await call.send(Response(status_code=204))


@router.post("/api/v1/feedbacks/order/return")
async def feedback_order_return(request: Request) -> Response:
    call = await _read(request, write=True)
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise p.bad("failed to decode JSON request.") from None
    feedback_id = body.get("feedbackId") if isinstance(body, dict) else None
    if not isinstance(feedback_id, str) or not feedback_id:
        raise p.bad("Неправильный id в запросе")
    try:
        call.emulator.request_return(call.state, feedback_id)
    except OperationRefused as exc:
        status = 422 if exc.kind == "unprocessable" else 400
        raise Rejected(wire.legacy_error(status, exc.text)) from None
    return await call.send(wire.legacy_ok(None))


# ----- questions -----


@router.get("/api/v1/questions/count-unanswered")
async def questions_count_unanswered(request: Request) -> Response:
    call = await _read(request)
    em, st = call.emulator, call.state
    total = em.count_questions(
        st, em.question_segments(st, answered=False, date_from=None, date_to=None)
    )
    midnight = int(em.moscow_midnight_ts())
    today = em.count_questions(
        st, em.question_segments(st, answered=False, date_from=midnight, date_to=None)
    )
    return await call.send(
        wire.legacy_ok({"countUnanswered": total, "countUnansweredToday": today})
    )


@router.get("/api/v1/questions/count")
async def questions_count(request: Request) -> Response:
    call = await _read(request)
    q = request.query_params
    answered = p.opt_bool(q, "isAnswered", default=True)
    date_from, date_to = p.opt_int(q, "dateFrom"), p.opt_int(q, "dateTo")
    em, st = call.emulator, call.state
    segments = em.question_segments(
        st, answered=bool(answered), date_from=date_from, date_to=date_to
    )
    return await call.send(wire.legacy_ok(em.count_questions(st, segments)))


@router.get("/api/v1/questions")
async def questions_list(request: Request) -> Response:
    call = await _read(request)
    q = request.query_params
    answered = p.req_bool(q, "isAnswered")
    take, skip = p.req_int(q, "take"), p.req_int(q, "skip")
    nm_id, desc = p.opt_int(q, "nmId"), p.order_desc(q)
    date_from, date_to = p.opt_int(q, "dateFrom"), p.opt_int(q, "dateTo")
    if take <= 0 or skip < 0 or take + skip > QUESTION_WINDOW_MAX:
        raise p.bad("Something went wrong", [f"take + skip must not exceed {QUESTION_WINDOW_MAX}"])
    em, st = call.emulator, call.state
    segments = em.question_segments(st, answered=answered, date_from=date_from, date_to=date_to)
    items = em.list_questions(st, segments, nm_id=nm_id, skip=skip, take=take, desc=desc)
    unanswered = em.count_questions(
        st, em.question_segments(st, answered=False, date_from=None, date_to=None)
    )
    data = {
        "countUnanswered": unanswered,
        "countArchive": st.question_total - unanswered,
        "questions": items,
    }
    return await call.send(wire.legacy_ok(data), items_key=("data", "questions"))


@router.get("/api/v1/question")
async def question_one(request: Request) -> Response:
    call = await _read(request)
    st = call.state
    i = st.question_index(request.query_params.get("id", ""))
    if i is None:
        raise Rejected(wire.legacy_error(422, "Невозможно получить вопрос по id"))
    return await call.send(wire.legacy_ok(call.emulator.render_question(st, i)))


def _question_patch(body: Any) -> tuple[str, bool | None, str | None, str | None]:
    """(id, wasViewed, answer text, state) after WB's `oneOf` body rules."""
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
        raise p.bad("Something went wrong")
    if "wasViewed" in body and "answer" not in body:
        if not isinstance(body["wasViewed"], bool):
            raise p.bad("Something went wrong")
        return body["id"], body["wasViewed"], None, None
    answer, state = body.get("answer"), body.get("state")
    if not isinstance(answer, dict) or not isinstance(answer.get("text"), str):
        raise p.bad("Something went wrong")
    if state not in ("wbRu", "none"):
        raise p.bad("Something went wrong")
    if state == "wbRu" and not answer["text"].strip():
        raise p.bad("Something went wrong")
    return body["id"], None, answer["text"], state


@router.patch("/api/v1/questions")
async def question_patch(request: Request) -> Response:
    call = await _read(request, write=True)
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise p.bad("Something went wrong") from None
    question_id, viewed, text, state = _question_patch(body)
    em, st = call.emulator, call.state
    try:
        if viewed is not None:
            em.mark_question_viewed(st, question_id, viewed)
        else:
            em.patch_question(st, question_id, text or "", state or "wbRu")
    except OperationRefused as exc:
        status = 404 if exc.kind == "not_found" else 422
        raise Rejected(wire.legacy_error(status, exc.text)) from None
    return await call.send(wire.legacy_ok(None))
