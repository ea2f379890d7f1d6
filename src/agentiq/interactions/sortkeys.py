"""Inbox sort orders and opaque keyset cursors.

"priority" = priority rank, then SLA due time (no due time last), then id. A NULL due time
has to sort last on both backends, so the SQL sorts by `coalesce(sla_due_at, far future)`;
migration 0002 indexes exactly these expressions (keep the SQL text in step with it).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, literal, literal_column, or_, tuple_

from agentiq.interactions.schemas import Sort
from agentiq.kit.errors import ValidationFailed
from agentiq.models import Interaction
from agentiq.models.base import UTCDateTime

SQLITE_DUE_SQL = "coalesce(interactions.sla_due_at, '9999-12-31 00:00:00.000000')"
PG_DUE_SQL = "coalesce(interactions.sla_due_at, '9999-12-31 00:00:00+00'::timestamptz)"


def due_key(dialect: str) -> ColumnElement[Any]:
    # SQLite: compare the stored text as is (binding a datetime would change its format).
    if dialect == "sqlite":
        return literal_column(SQLITE_DUE_SQL, type_=String())
    return literal_column(PG_DUE_SQL, type_=UTCDateTime())


def sort_columns(sort: Sort, dialect: str) -> list[ColumnElement[Any]]:
    if sort == "priority":
        return [Interaction.priority_rank.expression, due_key(dialect), Interaction.id.expression]
    return [Interaction.occurred_at.expression, Interaction.id.expression]


def order_by(sort: Sort, columns: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    if sort == "newest":
        return [column.desc() for column in columns]
    return [column.asc() for column in columns]


def encode_cursor(sort: Sort, values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps([sort, *plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort, dialect: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        cursor_sort, *values = data
        if cursor_sort != sort:
            raise ValueError("sort changed")
        if sort == "priority":
            rank, due, id_ = values
            due_value: Any = due if dialect == "sqlite" else datetime.fromisoformat(due)
            if dialect == "sqlite" and not isinstance(due, str):
                raise ValueError("bad due key")
            return [int(rank), due_value, int(id_)]
        occurred, id_ = values
        return [datetime.fromisoformat(occurred), int(id_)]
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        message = "Список изменился: откройте его заново"
        raise ValidationFailed(message, code="bad_cursor", details={"cursor": message}) from exc


def after_cursor(sort: Sort, dialect: str, values: list[Any]) -> list[ColumnElement[bool]]:
    """Rows strictly after the cursor, as OR-branches that can each walk one index range.

    PostgreSQL walks a row comparison on the expression index directly. SQLite uses only the
    first column of a row comparison that contains an expression, so it gets three branches
    (same rank and due time → later id; same rank → later due time; later rank).
    """
    columns = sort_columns(sort, dialect)
    if sort == "priority":
        rank, due, id_ = values
        due_bind = literal(due, String()) if dialect == "sqlite" else literal(due, UTCDateTime())
        if dialect == "sqlite":
            return [
                and_(columns[0] == rank, columns[1] == due_bind, columns[2] > id_),
                and_(columns[0] == rank, columns[1] > due_bind),
                columns[0] > rank,
            ]
        key = tuple_(literal(rank), due_bind, literal(id_))
        return [tuple_(*columns) > key]
    occurred, id_ = values
    key = tuple_(literal(occurred, UTCDateTime()), literal(id_))
    return [tuple_(*columns) < key] if sort == "newest" else [tuple_(*columns) > key]


def single_condition(branches: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return branches[0] if len(branches) == 1 else or_(*branches)
