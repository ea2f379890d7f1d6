"""Every connector operation against the WB emulator over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from agentiq.marketplaces.wb.client import check_connection
from agentiq.marketplaces.wb.errors import WBAuthError, WBBadRequest, WBNotFound
from agentiq.marketplaces.wb.schemas import (
    AttachmentFile,
    AttachmentPending,
    AttachmentRejected,
    Feedback,
    Question,
)
from agentiq.marketplaces.wb.token import describe_connection
from tests.marketplaces.conftest import RunningEmulator, make_client


@pytest.fixture
def seller(fast_wb: RunningEmulator):
    return fast_wb.emulator.add_seller("Тест", seed=11, feedbacks=300, questions=150, chats=12)


@pytest.fixture
def wb(fast_wb: RunningEmulator, seller, http: httpx.AsyncClient):
    return make_client(fast_wb, seller.token, http, cabinet_key=seller.seller_id)


async def test_sends_raw_token_and_user_agent(fast_wb, seller, wb) -> None:
    before = len(fast_wb.hits)
    await wb.ping("feedbacks")
    assert fast_wb.hits[before].path == "/feedbacks-api/ping"
    assert wb._headers["Authorization"] == seller.token  # raw, no "Bearer"
    assert wb._headers["User-Agent"].startswith("AgentIQ/")


async def test_ping_both_hosts(wb) -> None:
    assert (await wb.ping("feedbacks")).ok
    assert (await wb.ping("chat")).ok


async def test_feedback_counts_match_ground_truth(fast_wb, seller, wb) -> None:
    state = fast_wb.emulator.seller(seller.seller_id)
    unanswered = await wb.count_feedbacks(is_answered=False)
    answered = await wb.count_feedbacks(is_answered=True)
    assert 0 < unanswered + answered <= state.feedback_total
    counts = await wb.count_unanswered_feedbacks()
    assert counts.count_unanswered == unanswered
    page = await wb.list_feedbacks(is_answered=False, take=5000, skip=0)
    assert len(page.items) == unanswered and not page.invalid
    assert page.count_unanswered == unanswered
    assert all(isinstance(item, Feedback) and not item.is_answered for item in page.items)
    assert {item.id for item in page.items} <= set(state.feedback_ids)


async def test_feedback_date_filter_and_order(wb) -> None:
    page = await wb.list_feedbacks(is_answered=True, take=50, skip=0, order="dateAsc")
    dates = [item.created_date for item in page.items]
    assert dates == sorted(dates)
    middle = dates[len(dates) // 2]
    later = await wb.list_feedbacks(
        is_answered=True, take=5000, skip=0, date_from=middle, order="dateDesc"
    )
    assert later.items and all(
        item.created_date >= middle.replace(microsecond=0) for item in later.items
    )
    assert [i.created_date for i in later.items] == sorted(
        (i.created_date for i in later.items), reverse=True
    )


async def test_answer_then_edit_once_then_refused(fast_wb, seller, wb) -> None:
    page = await wb.list_feedbacks(is_answered=False, take=1, skip=0)
    target = page.items[0]
    await wb.answer_feedback(target.id, "Спасибо за отзыв! Рады, что товар понравился.")
    back = await wb.get_feedback(target.id)
    assert back.answer is not None and back.answer.text.startswith("Спасибо")
    assert back.answer.editable is True
    await wb.edit_feedback_answer(target.id, "Спасибо за отзыв! Ждём вас снова.")
    back = await wb.get_feedback(target.id)
    assert back.answer is not None and back.answer.text.endswith("снова.")
    assert back.answer.editable is False
    with pytest.raises(WBBadRequest) as info:
        await wb.edit_feedback_answer(target.id, "Третья версия ответа")
    assert info.value.wb_text
    received = fast_wb.emulator.seller(seller.seller_id).received_answers
    kinds = [r.kind for r in received if r.item_id == target.id]
    assert kinds == ["feedback_answer", "feedback_edit"]


async def test_answer_to_unknown_id_is_accepted_like_wb(wb) -> None:
    # WB returns 204 for any id; only a read-back can tell.
    await wb.answer_feedback("unknown-id-000000000", "Спасибо за отзыв!")
    with pytest.raises(WBNotFound):
        await wb.get_feedback("unknown-id-000000000")


async def test_archive_and_order_return(wb) -> None:
    archive = await wb.list_archived_feedbacks(take=100, skip=0)
    assert archive.items and not archive.invalid
    # Unanswered only: answered ones are counted (paging stays right) but never parsed.
    fresh = await wb.list_archived_feedbacks(take=100, skip=0, unanswered_only=True)
    answered = sum(item.is_answered for item in archive.items)
    assert answered and fresh.passed_over == answered and fresh.size == archive.size
    assert [f.id for f in fresh.items] == [f.id for f in archive.items if not f.is_answered]
    page = await wb.list_feedbacks(is_answered=False, take=5000, skip=0)
    returnable = [f for f in page.items if f.is_able_return_product_orders]
    if not returnable:
        pytest.skip("the generated seller has no returnable feedback")
    await wb.request_order_return(returnable[0].id)
    back = await wb.get_feedback(returnable[0].id)
    assert back.return_product_orders_date
    with pytest.raises(WBBadRequest):
        await wb.request_order_return(returnable[0].id)


async def test_questions_every_operation(fast_wb, seller, wb) -> None:
    state = fast_wb.emulator.seller(seller.seller_id)
    unanswered = await wb.count_questions(is_answered=False)
    answered = await wb.count_questions(is_answered=True)
    assert unanswered + answered == state.question_total
    assert (await wb.count_unanswered_questions()).count_unanswered == unanswered
    page = await wb.list_questions(is_answered=False, take=unanswered, skip=0)
    assert len(page.items) == unanswered
    assert all(isinstance(q, Question) for q in page.items)
    first, second = page.items[0], page.items[1]
    assert (await wb.get_question(first.id)).id == first.id

    await wb.mark_question_viewed(first.id)
    assert (await wb.get_question(first.id)).was_viewed is True

    await wb.answer_question(first.id, "Да, размер соответствует таблице.")
    back = await wb.get_question(first.id)
    assert back.state == "wbRu" and back.answer is not None and back.answer.editable
    await wb.edit_question_answer(first.id, "Да, размер соответствует таблице на карточке.")
    back = await wb.get_question(first.id)
    assert back.answer is not None and back.answer.text.endswith("на карточке.")
    assert back.answer.editable is False
    with pytest.raises(WBBadRequest):
        await wb.edit_question_answer(first.id, "Ещё одна правка")

    await wb.reject_question(second.id)
    assert (await wb.get_question(second.id)).state == "none"
    assert await wb.count_questions(is_answered=False) == unanswered - 2

    with pytest.raises(WBNotFound):
        await wb.get_question("no-such-question-000")
    with pytest.raises(WBNotFound):
        await wb.mark_question_viewed("no-such-question-000")
    flags = await wb.new_feedbacks_questions()
    assert isinstance(flags.has_new_feedbacks, bool)


async def test_chats_events_and_send_message(fast_wb, seller, wb) -> None:
    state = fast_wb.emulator.seller(seller.seller_id)
    chats = await wb.list_chats()
    assert {c.chat_id for c in chats.items} == set(state.chat_ids)
    assert all(c.reply_sign for c in chats.items)

    events = []
    cursor = None
    async for batch in wb.iter_chat_events():
        assert batch.total_events == batch.size
        events.extend(batch.items)
        cursor = batch.next
    assert len(events) == len(state.events)
    assert [e.add_timestamp for e in events] == sorted(e.add_timestamp for e in events)
    assert all(e.chat_id in set(state.chat_ids) for e in events)
    # Caught up: the next poll from the saved cursor is empty.
    assert (await wb.chat_events(cursor)).total_events == 0

    chat = chats.items[0]
    assert chat.reply_sign is not None
    sent = await wb.send_message(
        chat.reply_sign,
        "Здравствуйте! Отправили вам инструкцию.",
        files=[("instruction.pdf", b"%PDF-1.4 test", "application/pdf")],
    )
    assert sent.chat_id == chat.chat_id
    fresh = [e for b in [await wb.chat_events(cursor)] for e in b.items]
    assert len(fresh) == 1 and fresh[0].sender == "seller"
    assert fresh[0].message is not None and fresh[0].message.text.startswith("Здравствуйте")
    received = [r for r in state.received_answers if r.kind == "chat_message"]
    assert received[-1].item_id == chat.chat_id

    with pytest.raises(WBBadRequest) as info:
        await wb.send_message("1:bad-sign", "текст")
    assert "signature" in info.value.wb_text.lower()


async def test_download_attachment_states(fast_wb, http) -> None:
    seller = fast_wb.emulator.add_seller(seed=12, feedbacks=10, questions=10, chats=60)
    wb = make_client(fast_wb, seller.token, http, cabinet_key=seller.seller_id)
    ids = []
    async for batch in wb.iter_chat_events():
        for event in batch.items:
            attachments = event.message.attachments if event.message else None
            if attachments:
                ids += [f.download_id for f in attachments.files or [] if f.download_id]
                ids += [i.download_id for i in attachments.images or [] if i.download_id]
    assert ids, "the generated chats carry attachments"
    from agentiq.emulator.routes_chat import moderation_of

    expected = {"ok": AttachmentFile, "pending": AttachmentPending, "rejected": AttachmentRejected}
    for download_id in ids:
        result = await wb.download_attachment(download_id)
        assert type(result) is expected[moderation_of(download_id)], download_id
        if isinstance(result, AttachmentFile):
            assert result.content and result.content_type in ("application/pdf", "image/jpeg")
        if isinstance(result, AttachmentPending):
            assert result.retry_seconds == 30
    # 200 (file), 202 (under moderation) and 451 (rejected) all occur in this data set.
    assert {moderation_of(d) for d in ids} == {"ok", "pending", "rejected"}
    with pytest.raises(WBBadRequest):
        await wb.download_attachment("not-a-file-id")


async def test_wrong_token_and_scope_errors(fast_wb, seller, http) -> None:
    emulator = fast_wb.emulator
    bad = make_client(fast_wb, "not-a-token", http)
    with pytest.raises(WBAuthError) as info:
        await bad.count_feedbacks(is_answered=False)
    assert info.value.status == 401 and info.value.request_id

    no_chat = emulator.issue_token(seller.seller_id, categories=("feedbacks_questions",))
    client = make_client(fast_wb, no_chat, http)
    await client.count_feedbacks(is_answered=False)
    with pytest.raises(WBAuthError) as info:
        await client.list_chats()
    assert info.value.is_scope_error

    read_only = emulator.issue_token(seller.seller_id, read_only=True)
    client = make_client(fast_wb, read_only, http)
    page = await client.list_feedbacks(is_answered=False, take=1, skip=0)
    with pytest.raises(WBAuthError):
        await client.answer_feedback(page.items[0].id, "Спасибо за отзыв!")

    revoked = emulator.issue_token(seller.seller_id)
    emulator.revoke_token(revoked)
    with pytest.raises(WBAuthError):
        await make_client(fast_wb, revoked, http).ping("feedbacks")


async def test_check_connection_reports_in_russian(fast_wb, seller, http) -> None:
    emulator = fast_wb.emulator
    token = emulator.issue_token(
        seller.seller_id,
        categories=("feedbacks_questions",),
        expires_at=datetime.now(UTC) + timedelta(days=90),
    )
    check = await check_connection(http, token, hosts=fast_wb.hosts)
    assert check.hosts["feedbacks"].ok and not check.hosts["chat"].ok
    assert not check.ok
    text = "\n".join(describe_connection(check))
    assert "Отзывы и вопросы: подключение работает." in text
    assert "Нет доступа к чатам: в токене не выбрана категория «Чат с покупателями»." in text
    assert "Токен действует до" in text

    full = await check_connection(http, seller.token, hosts=fast_wb.hosts)
    assert full.ok
    garbage = await check_connection(http, "garbage", hosts=fast_wb.hosts)
    assert garbage.token is None and garbage.hosts == {}
    assert "не похоже на токен" in describe_connection(garbage)[0]
