"""Query/body parsing with WB's own error texts (Go-style bool and int parsing)."""

from __future__ import annotations

from starlette.datastructures import QueryParams

from agentiq.emulator import wire
from agentiq.emulator.gate import Rejected

TRUE = {"1", "t", "T", "TRUE", "true", "True"}
FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def bad(text: str, additional: list[str] | None = None) -> Rejected:
    return Rejected(wire.legacy_error(400, text, additional))


def opt_bool(q: QueryParams, name: str, default: bool | None = None) -> bool | None:
    raw = q.get(name)
    if raw is None:
        return default
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise bad(f"Плохой формат {name}")


def req_bool(q: QueryParams, name: str) -> bool:
    value = opt_bool(q, name)
    if value is None:
        raise bad(f"Плохой формат {name}")
    return value


def opt_int(q: QueryParams, name: str) -> int | None:
    raw = q.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad(f"Плохой формат {name}") from None


def req_int(q: QueryParams, name: str) -> int:
    value = opt_int(q, name)
    if value is None:
        raise bad(f"Плохой формат {name}")
    return value


def order_desc(q: QueryParams) -> bool:
    raw = q.get("order")
    if raw in (None, "", "dateDesc"):
        return True
    if raw == "dateAsc":
        return False
    raise bad("Something went wrong", [f"order must be dateAsc or dateDesc, got {raw!r}"])
