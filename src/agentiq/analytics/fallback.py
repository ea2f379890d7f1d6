"""Fallback providers: fill analytics history the WB API no longer returns (never the queue).

A provider turns a file into `fallback` facts; nothing here writes interactions, so no
operational screen depends on it. The first provider reads a review export from the WB
cabinet (CSV or XLSX). Rows dated on or after the first review the API delivered are left
out (the API covers them); a re-import replaces the earlier import's facts for its dates, and
the daily roll-up is rebuilt, so importing the same file twice counts it once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics.backfill import backfill_seller
from agentiq.analytics.facts import ANSWERED, FIRST_RESPONSE, RECEIVED, Fact, record_many
from agentiq.kit.errors import ValidationFailed
from agentiq.models import MetricFact

MAX_ROWS = 200_000
# Column titles as the WB cabinet's export writes them (and close variants), lower-cased.
ALIASES = {
    "date": ("дата", "дата отзыва", "дата создания", "date"),
    "rating": ("оценка", "рейтинг", "количество звезд", "количество звёзд", "rating"),
    "nm_id": ("артикул wb", "артикул вб", "nm id", "nmid", "артикул"),
    "answered_at": ("дата ответа", "дата ответа продавца"),
}


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportResult:
    # One list per imported row: its received fact, then its answer's facts if any.
    rows: list[list[Fact]] = field(default_factory=list)
    imported: int = 0
    covered_by_api: int = 0
    errors: list[RowError] = field(default_factory=list)


class FallbackProvider(Protocol):
    name: str

    def parse(self, data: bytes, filename: str) -> tuple[list[str], list[list[str]]]: ...


def _date(value: str) -> datetime | None:
    value = value.strip()
    for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class WbCabinetExport:
    """The «Отзывы» export of the WB seller cabinet: CSV (`;` or `,`) or XLSX."""

    name = "wb_cabinet_export"

    def parse(self, data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
        if filename.lower().endswith(".xlsx"):
            from openpyxl import load_workbook

            try:
                sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            except Exception:  # openpyxl raises many types for a file that is not XLSX
                raise _refused("Файл не читается как XLSX: сохраните выгрузку заново") from None
            rows = [
                [
                    v.strftime("%Y-%m-%d %H:%M:%S")
                    if isinstance(v, datetime)
                    else ("" if v is None else str(v))
                    for v in row
                ]
                for row in sheet.iter_rows(values_only=True)
            ]
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1251", errors="replace")
            try:
                # A file with no clear delimiter (or a binary one) is refused in words, not 500.
                dialect = (
                    csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
                    if text.strip()
                    else csv.excel
                )
                rows = list(csv.reader(io.StringIO(text), dialect))
            except csv.Error:
                raise _refused("Файл не читается как CSV: сохраните выгрузку заново") from None
        if not rows:
            raise _refused("Файл пустой")
        return [h.strip().lower() for h in rows[0]], rows[1:]


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, details={"file": message})


def read_reviews(
    provider: FallbackProvider, data: bytes, filename: str, cabinet_id: int | None
) -> ImportResult:
    header, rows = provider.parse(data, filename)
    columns = {
        key: next((header.index(a) for a in names if a in header), None)
        for key, names in ALIASES.items()
    }
    if columns["date"] is None or columns["rating"] is None:
        raise _refused("Нет колонок «Дата» и «Оценка»: это не выгрузка отзывов из кабинета WB")
    if len(rows) > MAX_ROWS:
        raise _refused(f"Больше {MAX_ROWS} строк: разбейте выгрузку на части")
    result = ImportResult()
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            index = columns[key]
            return row[index].strip() if index is not None and index < len(row) else ""

        occurred = _date(cell("date"))
        if occurred is None:
            result.errors.append(RowError(number, f"дата «{cell('date')[:30]}» не распознана"))
            continue
        try:
            rating = int(float(cell("rating").replace(",", ".")))
        except ValueError:
            rating = 0
        if not 1 <= rating <= 5:
            result.errors.append(RowError(number, f"оценка «{cell('rating')[:10]}» — не от 1 до 5"))
            continue
        nm_raw = cell("nm_id")
        nm_id = int(nm_raw) if nm_raw.isdigit() else None
        received = Fact(
            RECEIVED,
            "review",
            "fallback",
            occurred,
            rating=rating,
            nm_id=nm_id,
            connection_id=cabinet_id,
        )
        facts = [received]
        answered = _date(cell("answered_at")) if cell("answered_at") else None
        if answered is not None and answered >= occurred:
            minutes = (answered - occurred).total_seconds() / 60
            facts.append(
                replace(
                    received,
                    metric=FIRST_RESPONSE,
                    occurred_at=answered,
                    value=minutes,
                    rating=None,
                )
            )
            facts.append(replace(received, metric=ANSWERED, rating=None))
        result.rows.append(facts)
        result.imported += 1
    return result


async def import_reviews(
    session: AsyncSession,
    seller_id: int,
    data: bytes,
    filename: str,
    *,
    cabinet_id: int | None = None,
    provider: FallbackProvider | None = None,
) -> ImportResult:
    result = read_reviews(provider or WbCabinetExport(), data, filename, cabinet_id)
    api_start = await session.scalar(
        select(func.min(MetricFact.occurred_at)).where(
            MetricFact.seller_id == seller_id,
            MetricFact.metric == RECEIVED,
            MetricFact.channel == "review",
            MetricFact.source != "fallback",
        )
    )
    kept: list[Fact] = []
    for facts in result.rows:
        if api_start is not None and facts[0].occurred_at >= api_start:
            result.covered_by_api += 1
            result.imported -= 1
        else:
            kept.extend(facts)
    if kept:
        days = [f.occurred_at for f in kept]
        await session.execute(
            delete(MetricFact).where(
                MetricFact.seller_id == seller_id,
                MetricFact.source == "fallback",
                MetricFact.occurred_at >= datetime.combine(min(days).date(), time.min, UTC),
                MetricFact.occurred_at <= datetime.combine(max(days).date(), time.max, UTC),
            )
        )
        await session.flush()
        await record_many(session, seller_id, kept)
        await backfill_seller(session, seller_id)  # rebuilds the roll-up exactly
    return result
