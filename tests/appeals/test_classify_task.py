"""The background job classifies every seller's negative reviews without anyone opening a page,
once per review (again only when the review changes)."""

from __future__ import annotations

import httpx
from sqlalchemy import select, update

from agentiq.appeals.tasks import classify_all
from agentiq.db import unit_of_work
from agentiq.models import Interaction, ReviewCause
from agentiq.worker.celery_app import beat_schedule
from tests.appeals.conftest import add_reviews
from tests.conftest import browser_client, register


async def test_classify_all_sellers_once_and_again_on_change(
    app: object, client: httpx.AsyncClient
) -> None:
    a = await register(client, "a@example.com")
    async with browser_client(app) as other:
        b = await register(other, "b@example.com", "Другой")
    await add_reviews(app, a["seller_id"], [(1, 1, "Курьер нахамил"), (1, 5, "Супер")])
    [changed] = await add_reviews(app, b["seller_id"], [(2, 2, "Сломался через день")])
    runtime = app.state.runtime  # type: ignore[attr-defined]
    assert await classify_all(runtime) == 2  # negatives only, both sellers
    assert await classify_all(runtime) == 0  # nothing new
    async with unit_of_work(runtime.sessionmaker) as session:
        await session.execute(
            update(Interaction)
            .where(Interaction.id == changed)
            .values(text="Курьер опоздал на неделю, товар целый", content_hash="new")
        )
    assert await classify_all(runtime) == 1
    async with runtime.sessionmaker() as session:
        rows = {r.seller_id: r for r in await session.scalars(select(ReviewCause))}
    assert rows[a["seller_id"]].cause == "logistics"
    assert (
        rows[b["seller_id"]].cause == "logistics"
        and rows[b["seller_id"]].appeal_status == "proposed"
    )


def test_celery_beat_runs_the_classification(settings: object) -> None:
    entry = beat_schedule(settings)["review-causes"]  # type: ignore[arg-type]
    assert entry["task"] == "agentiq.classify_review_causes"
