"""Every route, from the router itself: seller B gets 404 for seller A's objects, and lists
never show A's rows. A new route is covered without editing this test; a route whose path
parameter this test does not know fails it, so its object must be added to `seller_a_objects`.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import select

from agentiq.kit.time import utcnow
from agentiq.models import (
    ApiToken,
    AutonomyBucket,
    Escalation,
    Interaction,
    LinkCandidate,
    MarketplaceConnection,
    Membership,
    MembershipInvitation,
    OpsAlert,
    PromoCode,
    ReviewCause,
    User,
)
from tests.conftest import browser_client, register, wb_like_token

MARKER = "ЧУЖОЙ-МАРКЕР-A"
# Routes that take no tenant object (public pages, the caller's own account) are exempt.
EXEMPT_PARAMS = {"path"}  # static files
# Endless streams cannot be read to the end here; their seller scoping is proven in
# tests/eventstream (another seller's change never reaches a stream).
STREAMING_ROUTES = {"/api/events"}


async def seller_a_objects(app: FastAPI) -> dict[str, int]:
    """Create one object of every kind for seller A; map path-parameter names to their ids."""
    async with browser_client(app) as a:
        ids = await register(a, "owner-a@example.com", f"Продавец {MARKER}")
        cabinet = await a.post(
            "/api/settings/cabinets", json={"name": MARKER, "token": wb_like_token()}
        )
        token = await a.post("/api/auth/tokens", json={"name": MARKER})
        await a.post("/api/auth/members", json={"email": "operator-a@example.com"})
    runtime = app.state.runtime
    async with runtime.sessionmaker() as session:
        interaction = Interaction(
            seller_id=ids["seller_id"],
            channel="review",
            external_id="A-1",
            text=MARKER,
            occurred_at=utcnow(),
            connection_id=cabinet.json()["id"],
            nm_id=777001,
            rating=1,
        )
        session.add(interaction)
        await session.flush()
        appeal = ReviewCause(
            seller_id=ids["seller_id"],
            interaction_id=interaction.id,
            nm_id=777001,
            rating=1,
            cause="logistics",
            confidence=0.9,
            appeal_status="proposed",
            appeal_text=MARKER,
        )
        session.add(appeal)
        promo = PromoCode(seller_id=ids["seller_id"], code="MARKERCODE", scope={}, send_count=0)
        session.add(promo)
        bucket = AutonomyBucket(seller_id=ids["seller_id"], channel="review", rating=5, intent="")
        session.add(bucket)
        chat = Interaction(
            seller_id=ids["seller_id"],
            channel="chat",
            external_id="A-2",
            text=MARKER,
            occurred_at=utcnow(),
            nm_id=777001,
        )
        session.add(chat)
        await session.flush()
        link = LinkCandidate(
            seller_id=ids["seller_id"],
            interaction_id=interaction.id,
            candidate_id=chat.id,
            level="C",
            confidence=0.8,
            reasoning_signals={"basis": "probabilistic", "signals": []},
        )
        escalation = Escalation(
            seller_id=ids["seller_id"],
            source_interaction_id=interaction.id,
            chat_interaction_id=chat.id,
            state="chat_opened",
            deadline_at=utcnow(),
        )
        alert = OpsAlert(
            seller_id=ids["seller_id"],
            kind="dispatch_failed",
            key="dispatch_failed",
            severity="critical",
            title=MARKER,
        )
        session.add_all([link, escalation, alert])
        await session.flush()
        link_id, escalation_id, alert_id = link.id, escalation.id, alert.id
        await session.commit()
        operator = await session.scalar(select(User).where(User.email == "operator-a@example.com"))
        assert operator is not None
        # An invitation is addressed to one user: anyone else (seller B's owner) gets 404.
        invitation = MembershipInvitation(seller_id=ids["seller_id"], user_id=operator.id)
        session.add(invitation)
        await session.commit()
        invitation_id = invitation.id
        interaction_id = interaction.id
        appeal_id = appeal.id
        promo_id = promo.id
        bucket_id = bucket.id
    # Every id-like parameter name used by routes maps to seller A's object of that kind.
    return {
        "cabinet_id": cabinet.json()["id"],
        "connection_id": cabinet.json()["id"],
        "token_id": token.json()["id"],
        "user_id": operator.id,
        "member_id": operator.id,
        "interaction_id": interaction_id,
        "item_id": interaction_id,
        "id": interaction_id,
        "seller_id": ids["seller_id"],
        "appeal_id": appeal_id,
        "code_id": promo_id,
        "bucket_id": bucket_id,
        "link_id": link_id,
        "escalation_id": escalation_id,
        "alert_id": alert_id,
        "invitation_id": invitation_id,
        "nm_id": 777001,
        # Not an object but a verb in the path (/inbox/{id}/{action}): any valid one will do.
        "action": "close",
        "verdict": "confirm",
        "answer": "accept",
    }


def _example(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _example(defs[schema["$ref"].split("/")[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], defs) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("examples"):
        return schema["examples"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _example(sub, defs) for name, sub in props.items()}
    if kind == "array":
        return [_example(schema.get("items", {}), defs)] if schema.get("minItems") else []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-01-01"
    return "Текст для проверки доступа"


def _body_for(route: APIRoute, app: FastAPI) -> dict[str, Any] | None:
    if route.body_field is None:
        return None
    openapi = app.openapi()
    defs = openapi.get("components", {}).get("schemas", {})
    schema = route.body_field.field_info.annotation
    name = getattr(schema, "__name__", None)
    if name and name in defs:
        return _example(defs[name], defs)  # type: ignore[no-any-return]
    return {}


def all_api_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every APIRoute with its full path, through FastAPI's nested included routers."""
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # FastAPI >= 0.16x keeps includes nested
            found += all_api_routes(
                route.original_router.routes, prefix + route.include_context.prefix
            )
    return found


def tenant_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    found = []
    for path, route in all_api_routes(app.routes):
        params = set(re.findall(r"{(\w+)(?::\w+)?}", path))
        if not params or params <= EXEMPT_PARAMS:
            continue
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path, route))
    return found


async def test_every_route_hides_other_sellers_objects(app: FastAPI) -> None:
    objects = await seller_a_objects(app)
    routes = tenant_routes(app)
    assert routes, "no routes with path parameters found"
    async with browser_client(app) as b:
        await register(b, "owner-b@example.com", "Продавец Б")
        checked = 0
        for method, path, route in routes:
            params = re.findall(r"{(\w+)(?::\w+)?}", path)
            unknown = [p for p in params if p not in objects]
            assert not unknown, f"{method} {path}: teach this test about {unknown}"
            url = path
            for p in params:
                url = re.sub(r"{" + p + r"(?::\w+)?}", str(objects[p]), url)
            body = _body_for(route, app)
            is_form = any(
                getattr(f.field_info, "media_type", "") == "application/x-www-form-urlencoded"
                or type(f.field_info).__name__ == "Form"
                for f in route.dependant.body_params
            )
            if is_form:
                response = await b.request(method, url, data=body or {})
            else:
                response = await b.request(method, url, json=body)
            assert response.status_code == 404, (
                f"{method} {url} answered {response.status_code} to another seller: "
                f"{response.text[:300]}"
            )
            assert MARKER not in response.text
            checked += 1
    assert checked >= 5


async def test_lists_never_show_foreign_rows(app: FastAPI) -> None:
    await seller_a_objects(app)
    async with browser_client(app) as b:
        await register(b, "owner-b@example.com", "Продавец Б")
        listed = 0
        for path, route in all_api_routes(app.routes):
            if "GET" not in route.methods or "{" in path or path in {"/metrics", *STREAMING_ROUTES}:
                continue
            response = await b.get(path)
            assert response.status_code < 500, f"GET {path}: {response.status_code}"
            assert MARKER not in response.text, f"GET {path} shows another seller's data"
            listed += 1
        assert listed >= 4


async def test_membership_rows_are_tenant_scoped(app: FastAPI) -> None:
    await seller_a_objects(app)
    runtime = app.state.runtime
    async with runtime.sessionmaker() as session:
        for model in (MarketplaceConnection, ApiToken, Membership, Interaction):
            rows = (await session.scalars(select(model))).all()
            assert rows and all(getattr(r, "seller_id", None) for r in rows), model
