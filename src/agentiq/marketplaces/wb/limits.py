"""WB's documented rate limits (REFERENCE §1.4), per token type and bucket category.

Feedbacks and questions share one bucket per seller. Chat limits are documented per method;
we keep one chat bucket (stricter than WB, never wrong) and a separate one for downloads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from agentiq.kit.ratelimit import RateLimit

Category = Literal["feedbacks", "chat", "download", "ping_feedbacks", "ping_chat"]

# /ping: at most 3 requests per 30 s per host; WB blocks "automated use".
_PING = RateLimit.per_period(3, 30.0, burst=3)


@dataclass(frozen=True, slots=True)
class WBLimits:
    feedbacks: RateLimit
    chat: RateLimit
    download: RateLimit
    ping: RateLimit = _PING

    def for_category(self, category: Category) -> RateLimit:
        if category == "feedbacks":
            return self.feedbacks
        if category == "chat":
            return self.chat
        if category == "download":
            return self.download
        return self.ping

    def scaled(self, factor: float) -> WBLimits:
        """Slightly slower refill than WB's own, so network jitter never lands a request
        in WB's empty bucket."""
        return WBLimits(
            feedbacks=replace(self.feedbacks, rate=self.feedbacks.rate * factor),
            chat=replace(self.chat, rate=self.chat.rate * factor),
            download=replace(self.download, rate=self.download.rate * factor),
            ping=replace(self.ping, rate=self.ping.rate * factor),
        )


# Personal, service and "base with secret" tokens.
PERSONAL_LIMITS = WBLimits(
    feedbacks=RateLimit(rate=3.0, burst=6),
    chat=RateLimit.per_period(10, 10.0, burst=10),
    download=RateLimit.per_period(10, 10.0, burst=10),
)

# A plain Base token: 5 per hour for feedbacks+questions, 1 per hour for chat.
BASE_LIMITS = WBLimits(
    feedbacks=RateLimit.per_period(5, 3600.0, burst=1),
    chat=RateLimit.per_period(1, 3600.0, burst=1),
    download=RateLimit.per_period(10, 3600.0, burst=1),
)


def limits_for(token_type: str) -> WBLimits:
    # WB does not document test-token limits for these APIs; treat them like personal ones.
    return BASE_LIMITS if token_type == "base" else PERSONAL_LIMITS
