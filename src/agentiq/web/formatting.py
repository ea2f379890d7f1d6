"""Russian formatting for dates, ages and SLA badges (pure functions, used by templates)."""

from __future__ import annotations

from datetime import UTC, datetime

from agentiq.kit.time import utcnow

MONTHS = ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _now() -> datetime:
    return _aware(utcnow())


def plural(n: int, one: str, few: str, many: str) -> str:
    n_abs = abs(n) % 100
    if 11 <= n_abs <= 14:
        return many
    last = n_abs % 10
    if last == 1:
        return one
    if 2 <= last <= 4:
        return few
    return many


def duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} мин"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} ч"
    days = hours // 24
    return f"{days} {plural(days, 'день', 'дня', 'дней')}"


def ago(value: datetime | None) -> str:
    if value is None:
        return ""
    seconds = (_now() - _aware(value)).total_seconds()
    if seconds < 60:
        return "только что"
    return f"{duration(seconds)} назад"


def short_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    value = _aware(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value:%H:%M}"


def sla_badge(due: datetime | None) -> tuple[str, str] | None:
    """(css class, text) for an SLA due time: overdue, due soon, or due later."""
    if due is None:
        return None
    left = (_aware(due) - _now()).total_seconds()
    if left < 0:
        return ("overdue", f"просрочено на {duration(-left)}")
    if left < 3600 * 2:
        return ("soon", f"ответить за {duration(left)}")
    return ("ok", f"ответить за {duration(left)}")


PREVIEW_CHARS = 600
PREVIEW_LINES = 8


def preview(text: str | None, chars: int = PREVIEW_CHARS, lines: int = PREVIEW_LINES) -> str | None:
    """The beginning of a long text, shown collapsed with «Показать полностью»; None when
    the text is short enough to show whole. Cut at a word boundary when there is one."""
    text = text or ""
    kept = text.split("\n")[:lines]
    head = "\n".join(kept)
    if len(head) <= chars and len(kept) == len(text.split("\n")):
        return None
    if len(head) > chars:
        cut = head[:chars]
        space = cut.rfind(" ")
        head = cut[:space] if space > chars * 0.6 else cut
    return head.rstrip(" ,.;:—-\n") + "…"


def minutes_text(minutes: float | None) -> str:
    """«47 мин», «2 ч 10 мин», «3 дня»: a duration given in minutes, as people say it."""
    if minutes is None:
        return "—"
    total = round(minutes)
    if total < 60:
        return f"{total} мин"
    hours, rest = divmod(total, 60)
    if hours < 48:
        return f"{hours} ч {rest} мин" if rest else f"{hours} ч"
    days = hours // 24
    return f"{days} {plural(days, 'день', 'дня', 'дней')}"
