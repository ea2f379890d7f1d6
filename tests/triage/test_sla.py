"""SLA resolution, due times across time zones, and the SLA state text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from agentiq.triage.sla import (
    DEFAULT_SLA_RULES,
    SlaRule,
    due_at,
    format_duration,
    resolve_sla_target,
    sla_state,
)

MSK = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    ("channel", "intent", "rating", "minutes"),
    [
        ("review", None, 1, 240),
        ("review", None, 2, 240),
        ("review", None, 3, 480),
        ("review", None, 4, 1440),
        ("review", None, 5, 1440),
        ("review", None, None, 480),
        ("question", "size_fit", None, 60),
        ("question", "availability_delivery", None, 120),
        ("question", "compatibility_specs", None, 240),
        ("question", "materials_care", None, 240),
        ("question", "pre_purchase_other", None, 240),
        ("question", "general", None, 480),
        ("question", "something_new", None, 480),
        ("chat", "complaint", None, 60),
        ("chat", "thanks", None, 1440),
    ],
)
def test_defaults(channel: str, intent: str | None, rating: int | None, minutes: int) -> None:
    target = resolve_sla_target(channel, intent=intent, rating=rating)
    assert (target.minutes, target.source) == (minutes, "default")


def test_seller_rule_beats_default_and_specific_beats_broad() -> None:
    rules = [
        SlaRule(channel="question", minutes=600),
        SlaRule(channel="question", intent="size_fit", minutes=30),
        SlaRule(channel="review", rating_min=1, rating_max=3, minutes=120),
        SlaRule(channel="review", rating_min=1, rating_max=1, minutes=45),
    ]
    assert resolve_sla_target("question", intent="size_fit", seller_rules=rules).minutes == 30
    general = resolve_sla_target("question", intent="general", seller_rules=rules)
    assert (general.minutes, general.source) == (600, "seller")
    assert resolve_sla_target("review", rating=1, seller_rules=rules).minutes == 45
    assert resolve_sla_target("review", rating=3, seller_rules=rules).minutes == 120
    # No seller rule for 5★: the default applies.
    five = resolve_sla_target("review", rating=5, seller_rules=rules)
    assert (five.minutes, five.source) == (1440, "default")
    # Chats have no seller rule at all.
    assert resolve_sla_target("chat", intent="return", seller_rules=rules).source == "default"


def test_intent_rule_outranks_rating_rule_and_ties_keep_first() -> None:
    rules = [
        SlaRule(channel="review", rating_min=1, rating_max=2, minutes=100),
        SlaRule(channel="review", intent="x", minutes=50),
        SlaRule(channel="review", intent="x", minutes=70),
    ]
    assert resolve_sla_target("review", intent="x", rating=1, seller_rules=rules).minutes == 50


def test_rating_rule_skips_items_without_rating() -> None:
    rules = [SlaRule(channel="review", rating_min=4, minutes=10)]
    assert resolve_sla_target("review", rating=None, seller_rules=rules).source == "default"
    assert resolve_sla_target("review", rating=5, seller_rules=rules).minutes == 10


def test_rule_validation() -> None:
    with pytest.raises(ValidationError):
        SlaRule(channel="review", rating_min=4, rating_max=2, minutes=10)
    with pytest.raises(ValidationError):
        SlaRule(channel="review", minutes=0)
    with pytest.raises(ValidationError):
        SlaRule(channel="email", minutes=10)


def test_every_channel_has_a_catch_all_default() -> None:
    catch_all = {
        r.channel for r in DEFAULT_SLA_RULES if r.intent is None and not r.has_rating_range
    }
    assert catch_all == {"review", "question", "chat"}


def test_due_at_converts_wb_offsets_to_utc() -> None:
    occurred = datetime(2024, 9, 26, 10, 20, 48, tzinfo=MSK)  # "2024-09-26T10:20:48+03:00"
    due = due_at(occurred, 60)
    assert due == datetime(2024, 9, 26, 8, 20, 48, tzinfo=UTC)
    assert due.utcoffset() == timedelta(0)


def test_due_at_across_midnight_and_naive_as_utc() -> None:
    occurred = datetime.fromisoformat("2026-12-31T23:30:00+03:00")
    assert due_at(occurred, 240) == datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    assert due_at(datetime(2026, 1, 1, 12, 0), 30) == datetime(2026, 1, 1, 12, 30, tzinfo=UTC)


def test_sla_state_compares_in_utc() -> None:
    due = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    now_msk = datetime(2026, 3, 2, 14, 25, tzinfo=MSK)  # 11:25 UTC
    assert sla_state(due, now_msk) == ("ok", "осталось 35 мин")


@pytest.mark.parametrize(
    ("left", "state", "text"),
    [
        (timedelta(hours=5), "ok", "осталось 5 ч"),
        (timedelta(hours=1, minutes=20), "ok", "осталось 1 ч 20 мин"),
        (timedelta(minutes=31), "ok", "осталось 31 мин"),
        (timedelta(minutes=30), "due_soon", "осталось 30 мин"),
        (timedelta(minutes=2, seconds=10), "due_soon", "осталось 3 мин"),
        (timedelta(seconds=5), "due_soon", "осталось 1 мин"),
        (timedelta(0), "overdue", "просрочено на 1 мин"),
        (-timedelta(hours=2), "overdue", "просрочено на 2 ч"),
        (-timedelta(hours=2, seconds=40), "overdue", "просрочено на 2 ч"),
        (-timedelta(days=3, hours=4, minutes=5), "overdue", "просрочено на 3 д 4 ч"),
        (timedelta(days=1), "ok", "осталось 1 д"),
    ],
)
def test_sla_state_texts(left: timedelta, state: str, text: str) -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert sla_state(now + left, now) == (state, text)


def test_sla_state_custom_due_soon_window() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert sla_state(now + timedelta(minutes=50), now, soon_within=timedelta(hours=1)).state == (
        "due_soon"
    )


def test_format_duration_rounding() -> None:
    assert format_duration(timedelta(minutes=59, seconds=1)) == "1 ч"
    assert format_duration(timedelta(minutes=59, seconds=59), round_up=False) == "59 мин"
