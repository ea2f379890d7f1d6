"""Validate emulator responses against WB's own OpenAPI documents (never copied into the repo).

Emulator paths carry a host prefix (`/feedbacks-api`, `/buyer-chat-api`); they are mapped back
to the spec's paths. Besides the schema (OpenAPI 3.0 semantics: `nullable`, `oneOf`), a strict
pass checks that the emulator emits no field the spec does not know (e.g. the removed
`clientID`), because WB's schemas rarely say `additionalProperties: false`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

SPECS = Path(__file__).resolve().parents[2] / ".." / "shared" / "wb-api" / "specs"
COMMUNICATIONS = "wb_openapi_09-communications_ru_2026-07-22.yaml"
GENERAL = "wb_openapi_01-general_ru_2026-07-22.yaml"
PREFIXES = ("/feedbacks-api", "/buyer-chat-api")


def available() -> bool:
    return (SPECS / COMMUNICATIONS).is_file() and (SPECS / GENERAL).is_file()


@cache
def _load(name: str) -> dict[str, Any]:
    with open(SPECS / name, encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.safe_load(fh)
    return doc


def _resolve(node: Any, doc: dict[str, Any], depth: int = 0) -> Any:
    if depth > 40:
        raise RecursionError("spec $ref chain too deep")
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _resolve(target, doc, depth + 1)
        return {k: _resolve(v, doc, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, doc, depth + 1) for v in node]
    return node


def spec_path(emulator_path: str) -> tuple[str, str]:
    """(spec file, spec path) for an emulator path."""
    for prefix in PREFIXES:
        if emulator_path.startswith(prefix):
            path = emulator_path[len(prefix) :]
            break
    else:
        raise ValueError(f"not a WB host path: {emulator_path}")
    if path == "/ping":
        return GENERAL, "/ping"
    path = re.sub(r"^/api/v1/seller/download/[^/]+$", "/api/v1/seller/download/{id}", path)
    return COMMUNICATIONS, path


# Statuses the spec leaves out for an operation, and where their documented shape lives.
BORROWED = {
    ("patch", "/api/v1/feedbacks/answer", 400): ("post", "/api/v1/feedbacks/answer", 400),
}
GATEWAY_STATUSES = {500, 502, 503}  # general docs list 5xx without a schema: gateway problem


def response_spec(method: str, emulator_path: str, status: int) -> tuple[dict[str, Any], str]:
    name, path = spec_path(emulator_path)
    doc = _load(name)
    if status in GATEWAY_STATUSES:
        return _resolve(doc["components"]["responses"]["429"], doc), path
    method, path, status = BORROWED.get((method, path, status), (method, path, status))
    operation = doc["paths"][path][method]
    responses = operation["responses"]
    if str(status) not in responses:
        raise AssertionError(f"{method.upper()} {path}: status {status} is not documented")
    return _resolve(responses[str(status)], doc), path


def _strict(schema: Any, value: Any, where: str, problems: list[str]) -> None:
    """Every emitted key must be a documented property (recursively)."""
    if not isinstance(schema, dict):
        return
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            merged: dict[str, Any] = {}
            for part in schema[key]:
                merged.update(part.get("properties", {}))
            schema = {**schema, "properties": {**schema.get("properties", {}), **merged}}
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        for k, v in value.items():
            if k not in props:
                problems.append(f"{where}.{k} is not in the spec")
            else:
                _strict(props[k], v, f"{where}.{k}", problems)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value[:50]):
            _strict(schema["items"], v, f"{where}[{i}]", problems)


def validate(method: str, emulator_path: str, status: int, content_type: str, body: bytes) -> None:
    """Raise AssertionError with every mismatch found."""
    spec, path = response_spec(method.lower(), emulator_path, status)
    content = spec.get("content") or {}
    if not content:
        assert not body, f"{method} {path} {status}: spec has no body, emulator sent {body[:80]!r}"
        return
    mime = content_type.split(";")[0].strip()
    assert mime in content, f"{method} {path} {status}: content-type {mime} not in {list(content)}"
    schema = content[mime].get("schema")
    if schema is None or not mime.endswith("json"):
        return
    instance = json.loads(body)
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message}"
        for e in OAS30Validator(schema).iter_errors(instance)
    ]
    _strict(schema, instance, "$", errors)
    assert not errors, f"{method} {path} {status}:\n  " + "\n  ".join(errors[:20])
