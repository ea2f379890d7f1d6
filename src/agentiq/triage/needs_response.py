"""Whether an item waits for the seller's answer, with the reason in Russian."""

from __future__ import annotations

from agentiq.triage import rules
from agentiq.triage.schemas import TriageInput, TriageSettings
from agentiq.triage.text import Text

# The reasons are stored with each item (extra_data["triage"]["needs_response_reason"]); the
# recount after a switch changes (triage/service.py) recognises items by them.
ANSWERED = "ответ уже дан"
SELLER_SPOKE_LAST = "последнее сообщение от продавца"
CHAT_THANKS_ONLY = "покупатель только поблагодарил"
CHAT_WAITING = "покупатель ждёт ответа в чате"
REVIEW_WAITING = "отзыв без ответа"
QUESTION_WAITING = "вопрос без ответа"
# Follows the rating: «5★ без текста — ответ не обязателен».
EMPTY_REVIEW_QUIET_SUFFIX = "★ без текста — ответ не обязателен"


def empty_review_quiet_reason(rating: int | None) -> str:
    return f"{rating}{EMPTY_REVIEW_QUIET_SUFFIX}"


def needs_response(
    item: TriageInput, settings: TriageSettings, *, text: Text, chat_topic: str | None = None
) -> tuple[bool, str]:
    """(needs an answer, why). `text` is the item's normalised text, pros and cons."""
    if item.is_answered:
        return False, ANSWERED
    if item.channel == "chat":
        if item.last_message_from_seller:
            return False, SELLER_SPOKE_LAST
        if chat_topic == rules.THANKS and not settings.reply_to_chat_thanks:
            return False, CHAT_THANKS_ONLY
        return True, CHAT_WAITING
    if item.channel == "review":
        has_content = not text.is_empty or item.has_photos or item.has_video
        if not has_content and is_quiet_rating(item.rating, settings):
            return False, empty_review_quiet_reason(item.rating)
        return True, REVIEW_WAITING
    return True, QUESTION_WAITING


def is_quiet_rating(rating: int | None, settings: TriageSettings) -> bool:
    """Whether a review with this rating and no text, pros, cons or media needs no answer."""
    return (
        not settings.reply_to_empty_top_reviews and rating in settings.empty_review_silent_ratings
    )
