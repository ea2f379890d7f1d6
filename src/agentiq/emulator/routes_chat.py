"""buyer-chat-api host: chats, events cursor, send message, attachments (REFERENCE §6)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from agentiq.emulator import generator as gen
from agentiq.emulator import wire
from agentiq.emulator.gate import Call, Rejected, gate
from agentiq.emulator.state import OperationRefused, chat_last_message

router = APIRouter(prefix="/buyer-chat-api")

MESSAGE_MAX = 1000
REPLY_SIGN_MAX = 255
FILE_MAX = 5 * 1024 * 1024
FILES_TOTAL_MAX = 30 * 1024 * 1024
FILE_TYPES = {"image/jpeg", "image/png", "application/pdf"}

# Smallest valid bodies, so a client that sniffs content still sees the right kind of file.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _chat(request: Request, scope: str, *, write: bool = False) -> Call:
    return await gate(request, host="chat", scope=scope, write=write)


@router.get("/ping")
async def ping(request: Request) -> Response:
    call = await _chat(request, "ping:chat")
    ts = call.emulator.now().astimezone(gen.MSK).replace(microsecond=0).isoformat()
    return await call.send(wire.json_response({"TS": ts, "Status": "OK"}))


@router.get("/api/v1/seller/chats")
async def chats(request: Request) -> Response:
    call = await _chat(request, "chat:chats")
    em, st = call.emulator, call.state
    with st.lock:
        result = [
            {
                "chatID": c.chat_id,
                "replySign": em.reply_sign(st, c),
                "clientName": c.client_name,
                "goodCard": dict(c.good_card),
                "lastMessage": chat_last_message(c),
            }
            for c in st.chats
        ]
    return await call.send(wire.chat_ok(result), items_key=("result",))


@router.get("/api/v1/seller/events")
async def events(request: Request) -> Response:
    call = await _chat(request, "chat:events")
    raw = request.query_params.get("next")
    after: int | None = None
    if raw is not None:
        try:
            after = int(raw)
        except ValueError:
            raise Rejected(wire.chat_error(400, 'Invalid value for "next"')) from None
        if after < 0:
            raise Rejected(wire.chat_error(400, "Invalid number"))
    em, st = call.emulator, call.state
    batch = em.events_after(st, after)
    signs = {c.chat_id: em.reply_sign(st, c) for c in st.chats}
    for event in batch:
        if event.get("isNewChat"):
            event["replySign"] = signs.get(str(event["chatID"]), "")
    result: dict[str, Any] = {"next": after or 0, "totalEvents": len(batch), "events": batch}
    if batch:
        result["next"] = batch[-1]["addTimestamp"]
        result["oldestEventTime"] = batch[0]["addTime"]
        result["newestEventTime"] = batch[-1]["addTime"]
    return await call.send(wire.chat_ok(result), items_key=("result", "events"))


@router.post("/api/v1/seller/message")
async def send_message(request: Request) -> Response:
    call = await _chat(request, "chat:message", write=True)
    try:
        form = await request.form(max_files=50)
    except Exception:
        raise Rejected(
            wire.chat_error(400, 'Invalid value for "replySign"', problem=True)
        ) from None
    sign = form.get("replySign")
    if not isinstance(sign, str) or not sign or len(sign) > REPLY_SIGN_MAX:
        raise Rejected(wire.chat_error(400, 'Invalid value for "replySign"', problem=True))
    text = form.get("message") or ""
    if not isinstance(text, str) or len(text) > MESSAGE_MAX:
        raise Rejected(wire.chat_error(400, 'Invalid value for "message"', problem=True))
    uploads = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
    if not text.strip() and not uploads:
        raise Rejected(wire.chat_error(400, 'Invalid value for "message"', problem=True))
    files = await _accept_files(call, uploads)
    try:
        chat, ts = call.emulator.send_message(call.state, sign, text, files)
    except OperationRefused as exc:
        raise Rejected(wire.chat_error(400, exc.text, problem=True)) from None
    result = {
        "addTime": ts,
        "chatID": chat.chat_id,
        "sign": call.emulator.reply_sign(call.state, chat),
    }
    return await call.send(wire.json_response({"result": result, "errors": []}))


async def _accept_files(call: Call, uploads: list[UploadFile]) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = []
    total = 0
    for upload in uploads:
        content = await upload.read()
        code = call.state.rng.getrandbits(44).to_bytes(6, "big").hex().upper()[:11]
        if len(content) > FILE_MAX:
            raise Rejected(
                wire.chat_error(400, f"{code}: attachment too big. Max size: 5MiB", problem=True)
            )
        if (upload.content_type or "") not in FILE_TYPES:
            raise Rejected(
                wire.chat_error(
                    400, f'{code}: "{upload.filename}" has unsupported mime type', problem=True
                )
            )
        total += len(content)
        if total > FILES_TOTAL_MAX:
            raise Rejected(wire.chat_error(400, f"{code}: attachments too big", problem=True))
        download_id = gen.chat_uuid(call.state.data.seed, len(call.state.attachments), 7777)
        item = {
            "contentType": upload.content_type,
            "date": call.emulator.now().strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "downloadID": download_id,
            "name": upload.filename or "file",
            "url": f"https://chat-basket-01.wbbasket.ru/vol1/{download_id}",
            "size": len(content),
        }
        call.state.attachments[download_id] = {**item, "_content": content}
        files.append(item)
    return files


def moderation_of(download_id: str) -> str:
    """Deterministic: about one in ten files is still pending, one in twenty was rejected."""
    bucket = int(download_id.replace("-", "")[:8], 16) % 20 if download_id else 0
    return "pending" if bucket in (0, 1) else "rejected" if bucket == 2 else "ok"


@router.get("/api/v1/seller/download/{download_id}")
async def download(request: Request, download_id: str) -> Response:
    call = await _chat(request, "chat:download")
    item = call.state.attachments.get(download_id)
    if item is None:
        raise Rejected(wire.chat_error(400, "invalid fileID", title="invalid fileID"))
    if "_content" in item:  # our own upload: already moderated
        return await call.send(Response(item["_content"], media_type=item["contentType"]))
    verdict = moderation_of(download_id)
    if verdict == "pending":
        return await call.send(
            wire.json_response({"moderationState": "pending", "retrySeconds": 30}, 202)
        )
    if verdict == "rejected":
        raise Rejected(
            wire.chat_error(
                451, "moderation error", title="Unavailable for Legal Reasons", problem=True
            )
        )
    if item.get("contentType") == "application/pdf":
        return await call.send(Response(PDF, media_type="application/pdf"))
    return await call.send(Response(JPEG, media_type="image/jpeg"))
