"""Error responses every operation can give, declared once in /openapi.json.

Every route answers errors through one handler (errors.py) with one envelope, so the statuses
they can produce are the same everywhere: declaring them per route would repeat the same
lines ninety times and drift. A client generated from the schema — or a fuzzer checking it
(tests/foundation/test_api_fuzz.py) — then knows every status the API can return.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_ENVELOPE: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string", "description": "For people, in Russian"},
                "details": {},
            },
        }
    },
}

# status -> description; 422 is FastAPI's own (kept) where a route has parameters.
ANY_REQUEST = {
    "400": "Неверный запрос (например, неверная длина тела)",
    "401": "Не выполнен вход",
    "403": "Нет прав на действие или неверный CSRF-токен",
    "404": "Не найдено (в том числе объект другого продавца)",
    "413": "Слишком большой запрос",
    "422": "Неверные данные; сообщение — рядом с полем",
    "429": "Слишком много попыток",
    "503": "Сервис временно недоступен (хранилище сессий или база данных)",
}
WRITES = {"409": "Действие противоречит текущему состоянию (например, ответ уже отправляется)"}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ERROR_ENVELOPE}},
    }


def declare_error_responses(app: FastAPI) -> None:
    """Make `app.openapi()` list the shared error statuses on every operation."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                statuses = {**ANY_REQUEST, **(WRITES if method in WRITE_METHODS else {})}
                for status, description in statuses.items():
                    operation["responses"].setdefault(status, _response(description))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
