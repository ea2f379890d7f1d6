"""Strip characters no database or page should hold: NUL and other control characters.

PostgreSQL refuses NUL (`\\x00`) in text and `\\u0000` in jsonb, so one such character in a WB
review stopped a whole page (and so a channel) from ever committing; lone surrogates cannot
be encoded as UTF-8 at all. Tab, newline and carriage return are ordinary text and stay.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except \t \n \r, DEL, C1 controls, and UTF-16 surrogates (never valid alone).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def clean_text(value: str) -> str:
    """`value` without control characters (the same object when there are none: fast path)."""
    if _CONTROL.search(value) is None:
        return value
    return _CONTROL.sub("", value)


def clean_value(value: Any) -> Any:
    """Strings, dict keys and values, list items — cleaned recursively; other types as they are."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


def clean_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row for an insert: every string column and JSON document cleaned, in place."""
    for key, value in row.items():
        if isinstance(value, str | dict | list):
            row[key] = clean_value(value)
    return row
