"""One error base class with a status code, mapped once to JSON (/api) and HTML (UI)."""

from __future__ import annotations

from typing import Any


class AgentIQError(Exception):
    """Base for every error the application raises on purpose.

    `message` is shown to the user (Russian for UI-facing errors); `code` is a stable
    machine-readable identifier for API clients.
    """

    status_code: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class NotFound(AgentIQError):
    status_code = 404
    code = "not_found"

    def __init__(self, message: str = "Не найдено", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class Forbidden(AgentIQError):
    status_code = 403
    code = "forbidden"


class Unauthorized(AgentIQError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str = "Требуется вход", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class Conflict(AgentIQError):
    status_code = 409
    code = "conflict"


class ValidationFailed(AgentIQError):
    """Input is understood but not acceptable; `details` carries per-field messages."""

    status_code = 422
    code = "validation_failed"


class PayloadTooLarge(AgentIQError):
    status_code = 413
    code = "payload_too_large"


class TooManyRequests(AgentIQError):
    status_code = 429
    code = "too_many_requests"


class ServiceUnavailable(AgentIQError):
    status_code = 503
    code = "service_unavailable"
