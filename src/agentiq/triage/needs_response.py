"""Whether an item waits for the seller's answer, with the reason in Russian."""

from __future__ import annotations

from agentiq.triage import rules
from agentiq.triage.schemas import TriageInput, TriageSettings
from agentiq.triage.text import Text


def needs_response(
    item: TriageInput, settings: TriageSettings, *, text: Text, chat_topic: str | None = None
) -> tuple[bool, str]:
    """(needs an answer, why). `text` is the item's normalised text, pros and cons."""
    if item.is_answered:
        return False, "ответ уже дан"
    if item.channel == "chat":
        if item.last_message_from_seller:
            return False, "последнее сообщение от продавца"
        if chat_topic == rules.THANKS and not settings.reply_to_chat_thanks:
            return False, "покупатель только поблагодарил"
        return True, "покупатель ждёт ответа в чате"
    if item.channel == "review":
        has_content = not text.is_empty or item.has_photos or item.has_video
        silent = item.rating in settings.empty_review_silent_ratings
        if not has_content and silent and not settings.reply_to_empty_top_reviews:
            return False, f"{item.rating}★ без текста — ответ не обязателен"
        return True, "отзыв без ответа"
    return True, "вопрос без ответа"
