"""CSV export of every analytics table (the same figures as the JSON and the charts)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from agentiq.analytics.schemas import Communication, Kpi
from agentiq.labels import CHANNELS_PLURAL

# The channel names of analytics tables and charts (the words live in agentiq/labels.py).
CHANNEL_TITLES = CHANNELS_PLURAL

KPI_TITLES = {
    "received": "Поступило",
    "answered_share": "Доля отвеченных",
    "first_response_median": "Первый ответ, медиана (мин)",
    "first_response_p90": "Первый ответ, p90 (мин)",
    "sla_hit_rate": "Ответ вовремя",
    "time_to_close_median": "Время до закрытия, медиана (мин)",
    "throughput_per_operator_hour": "Ответов на оператора в час",
    "throughput_per_operator_day": "Ответов на оператора в день",
    "repeat_issue_rate": "Повторные жалобы",
    "linking_precision": "Точность связей",
    "escalations_opened": "Эскалаций открыто",
    "escalations_resolved": "Эскалаций решено",
}
SOURCE_TITLES = {
    "wb_api": "WB API",
    "demo": "Демо",
    "fallback": "Оценка / доп. источник",
    "mixed": "Смешанный",
    None: "—",
}


def _kpi_row(name: str, k: Kpi, channel: str = "") -> list[Any]:
    return [
        KPI_TITLES.get(name, name),
        channel,
        k.value,
        k.previous,
        k.change,
        SOURCE_TITLES.get(k.source, k.source),
    ]


def kpis_table(c: Communication) -> tuple[list[str], list[list[Any]]]:
    rows = [_kpi_row(n, k, "Все каналы") for n, k in c.kpis.items()]
    for ch, kpis in c.by_channel.items():
        rows += [_kpi_row(n, k, CHANNELS_PLURAL[ch]) for n, k in kpis.items()]
    return ["Показатель", "Канал", "Значение", "Прошлый период", "Изменение", "Источник"], rows


def quality_table(c: Communication) -> tuple[list[str], list[list[Any]]]:
    return ["День", "Принят черновик", "Черновик исправлен", "Вручную", "Автоответ"], [
        [d.day.isoformat(), d.accepted, d.edited, d.manual, d.auto] for d in c.quality.history
    ]


def volume_table(c: Communication) -> tuple[list[str], list[list[Any]]]:
    return ["День", "Отзывы", "Вопросы", "Чаты"], [
        [d.day.isoformat(), d.review, d.question, d.chat] for d in c.volume
    ]


def histogram_table(c: Communication) -> tuple[list[str], list[list[Any]]]:
    return ["Время первого ответа", "Отзывы", "Вопросы", "Чаты"], [
        [b.label, b.review, b.question, b.chat] for b in c.response_histogram
    ]


def ratings_table(c: Communication) -> tuple[list[str], list[list[Any]]]:
    return ["Оценка", "Отзывов"], [[r.rating, r.count] for r in c.ratings]


def complaints_table(c: Communication) -> tuple[list[str], list[list[Any]]]:
    return ["Артикул", "Товар", "Жалоба", "Сколько"], [
        [x.nm_id, x.product, x.topic_label, x.count] for x in c.top_complaints
    ]


TABLES: dict[str, Callable[[Communication], tuple[list[str], list[list[Any]]]]] = {
    "kpis": kpis_table,
    "quality": quality_table,
    "volume": volume_table,
    "response_times": histogram_table,
    "ratings": ratings_table,
    "complaints": complaints_table,
}


def _safe(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to Excel: product names come from WB.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def to_csv(c: Communication, table: str) -> str:
    header, rows = TABLES[table](c)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 Cyrillic correctly
