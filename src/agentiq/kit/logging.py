"""JSON logs carrying the request id of the request that wrote them."""

from __future__ import annotations

import logging
import sys
import traceback
from contextvars import ContextVar
from typing import Any

import httpx
from pythonjsonlogger.json import JsonFormatter

from agentiq.kit.errors import AgentIQError

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Exceptions whose message is ours or about the network, never a buyer's words. Every other
# exception is logged by type and stack only: a database error's text quotes the row it was
# writing, a validation error quotes the input it refused — a buyer's review, name, chat.
SAFE_MESSAGE_TYPES: tuple[type[BaseException], ...] = (
    AgentIQError,
    OSError,
    TimeoutError,
    ConnectionError,
    httpx.TransportError,
)
HIDDEN = "(message hidden: it may quote buyer data)"


def format_exception_safely(exc: BaseException, _seen: set[int] | None = None) -> str:
    """A traceback like the standard one, each exception's message kept only if safe."""
    seen = _seen if _seen is not None else set()
    seen.add(id(exc))
    parts: list[str] = []
    if exc.__cause__ is not None and id(exc.__cause__) not in seen:
        parts.append(format_exception_safely(exc.__cause__, seen))
        parts.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif (
        exc.__context__ is not None
        and not exc.__suppress_context__
        and id(exc.__context__) not in seen
    ):
        parts.append(format_exception_safely(exc.__context__, seen))
        parts.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    parts.append("Traceback (most recent call last):\n")
    parts.extend(traceback.format_tb(exc.__traceback__))
    kind = type(exc)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    message = str(exc) if isinstance(exc, SAFE_MESSAGE_TYPES) else HIDDEN
    parts.append(f"{name}: {message}\n")
    return "".join(parts).rstrip("\n")


class _SafeExceptions:
    def formatException(self, ei: Any) -> str:
        exc = ei[1]
        return format_exception_safely(exc) if exc is not None else ""


class SafeFormatter(_SafeExceptions, logging.Formatter):
    pass


class SafeJsonFormatter(_SafeExceptions, JsonFormatter):
    pass


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestIdFilter())
    if json:
        handler.setFormatter(
            SafeJsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"levelname": "level", "asctime": "time"},
            )
        )
    else:
        handler.setFormatter(
            SafeFormatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
