"""Helpers for UI route tests: sign up through the real form, post forms like a browser."""

from __future__ import annotations

import httpx

from tests.conftest import CSRF


def form(**fields: object) -> dict[str, object]:
    """A plain HTML form post: the CSRF token travels as a field, not a header."""
    return {"csrf_token": CSRF, **fields}


async def signed_in(client: httpx.AsyncClient, email: str, seller: str = "Магазин") -> None:
    """Register through the /register form; the client keeps the session cookie."""
    response = await client.post(
        "/register", data=form(email=email, password="password-123", seller_name=seller)
    )
    assert response.status_code == 303, response.text


__all__ = ["form", "signed_in"]


async def seed_items(
    app: object, seller_id: int, count: int = 5, *, first: int = 0, **overrides: object
) -> list[int]:
    """Interactions written straight into the database (the sync engine's job in real life)."""
    from datetime import timedelta

    from sqlalchemy import select

    from agentiq.kit.time import utcnow
    from agentiq.models import ChatMessage, Interaction, ProductCard

    runtime = app.state.runtime  # type: ignore[attr-defined]
    now = utcnow()
    ids: list[int] = []
    async with runtime.sessionmaker() as session:
        known = await session.scalar(
            select(ProductCard.id).where(
                ProductCard.seller_id == seller_id, ProductCard.nm_id == 777001
            )
        )
        if known is None:
            session.add(
                ProductCard(
                    seller_id=seller_id,
                    nm_id=777001,
                    name="Термокружка 450 мл",
                    supplier_article="TK-450",
                )
            )
        channels = ("review", "question", "chat")
        for i in range(first, first + count):
            channel = channels[i % 3]
            values: dict[str, object] = {
                "seller_id": seller_id,
                "channel": channel,
                "external_id": f"ext-{seller_id}-{i}",
                "nm_id": 777001,
                "product_article": "TK-450",
                "buyer_name": f"Покупатель {i}",
                "text": f"Сообщение номер {i}: кнопка не работает"
                if i % 2
                else f"Текст {i} про размер",
                "pros": "Держит тепло" if channel == "review" else "",
                "cons": "Кнопка заедает" if channel == "review" else "",
                "rating": (i % 5) + 1 if channel == "review" else None,
                "priority": "urgent" if i == 0 else "normal",
                "priority_rank": 0 if i == 0 else 2,
                "priority_reason": "негативный отзыв о браке" if i == 0 else "",
                "needs_response": True,
                "source": "demo",
                "occurred_at": now - timedelta(minutes=10 * i + 1),
                "sla_due_at": now + timedelta(hours=1) - timedelta(hours=2 * (i == 0)),
            }
            values.update(overrides)
            item = Interaction(**values)
            session.add(item)
            await session.flush()
            ids.append(item.id)
            if channel == "chat":
                for n in range(3):
                    session.add(
                        ChatMessage(
                            seller_id=seller_id,
                            interaction_id=item.id,
                            external_id=f"m-{item.id}-{n}",
                            direction="in" if n % 2 == 0 else "out",
                            text=f"реплика {n}",
                            sent_at=now - timedelta(minutes=5 - n),
                        )
                    )
        await session.commit()
    return ids


async def seller_id_of(client: httpx.AsyncClient) -> int:
    me = await client.get("/api/auth/me")
    assert me.status_code == 200, me.text
    return int(me.json()["seller"]["id"])
