"""KPIs on a small hand-built set of facts with answers worked out by hand, per channel and
period, through /api/analytics/communication on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
import pytest

from agentiq.analytics.facts import Fact, record_many
from agentiq.cabinets.service import add_cabinet
from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from tests.conftest import browser_client, register, wb_like_token

BOTH = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


def at(days_ago: int, hour: int = 12, minute: int = 0) -> datetime:
    day = utcnow().date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def f(metric: str, channel: str, when: datetime, cab: int, **kw: Any) -> Fact:
    kw.setdefault("source", "demo")
    return Fact(metric=metric, channel=channel, occurred_at=when, connection_id=cab, **kw)


def dataset(cab1: int, cab2: int, user_a: int, user_b: int) -> list[Fact]:
    facts: list[Fact] = []
    # Current period (the last 7 days). Reviews: 6 received, 5 of them complaints.
    for nm, topic in ((1, "defect"), (1, "defect"), (1, "defect"), (1, "smell"), (2, "defect")):
        facts.append(f("received", "review", at(2), cab1, intent=topic, rating=2, nm_id=nm))
    facts.append(f("received", "review", at(2), cab1, rating=5, nm_id=3))
    for minutes, outcome in ((5, "met"), (10, "met"), (20, "missed")):
        facts.append(f("first_response", "review", at(1), cab1, value=minutes))
        facts.append(f("sla", "review", at(1), cab1, outcome=outcome))
        facts.append(f("answered", "review", at(2), cab1))
    # Questions: 2 received (one from the API, one demo: mixed), both answered.
    facts.append(f("received", "question", at(3), cab1, source="wb_api", intent="size_fit"))
    facts.append(f("received", "question", at(3), cab1, intent="size_fit"))
    for minutes, outcome in ((30, "met"), (90, "missed")):
        facts.append(f("first_response", "question", at(3, 14), cab1, value=minutes))
        facts.append(f("sla", "question", at(3, 14), cab1, outcome=outcome))
        facts.append(f("answered", "question", at(3), cab1))
    # One chat on the second cabinet, not answered.
    facts.append(f("received", "chat", at(4), cab2, intent="complaint"))
    # Replies: A answers 3 in one hour and 1 in the next; B answers 2; one auto-answer.
    for minute, outcome in ((1, "accepted"), (20, "accepted"), (40, "edited")):
        facts.append(
            f("reply_sent", "review", at(1, 10, minute), cab1, outcome=outcome, user_id=user_a)
        )
    facts.append(f("reply_sent", "review", at(1, 11, 5), cab1, outcome="manual", user_id=user_a))
    facts.append(f("reply_sent", "question", at(0, 9, 5), cab1, outcome="manual", user_id=user_b))
    facts.append(
        f("reply_sent", "question", at(0, 9, 50), cab1, outcome="accepted", user_id=user_b)
    )
    facts.append(f("reply_sent", "review", at(0, 9, 55), cab1, outcome="auto"))
    # Previous period (8..14 days ago): reviews 2 received, both answered in 60 min, on time.
    for _ in range(2):
        facts.append(f("received", "review", at(10), cab1, rating=4))
        facts.append(f("first_response", "review", at(10, 13), cab1, value=60))
        facts.append(f("sla", "review", at(10, 13), cab1, outcome="met"))
        facts.append(f("answered", "review", at(10), cab1))
    # Outside both periods: must not count anywhere.
    facts.append(f("received", "review", at(30), cab1, rating=1, intent="defect", nm_id=1))
    return facts


async def _seller(client: httpx.AsyncClient, app: Any, email: str) -> dict[str, int]:
    ids = await register(client, email)
    runtime = app.state.runtime
    async with unit_of_work(runtime.sessionmaker) as s:
        c1 = await add_cabinet(
            s, runtime.secrets, ids["seller_id"], name="Первый", token=wb_like_token()
        )
        c2 = await add_cabinet(
            s, runtime.secrets, ids["seller_id"], name="Второй", token=wb_like_token()
        )
        await s.flush()
        ids["cab1"], ids["cab2"] = c1.id, c2.id
    return ids


@BOTH
async def test_kpis_per_channel_and_period_with_known_answers(
    app: Any, client: httpx.AsyncClient
) -> None:
    ids = await _seller(client, app, "owner@example.com")
    async with browser_client(app) as other_client:
        other = await _seller(other_client, app, "other@example.com")
        runtime = app.state.runtime
        async with unit_of_work(runtime.sessionmaker) as s:
            await record_many(
                s,
                ids["seller_id"],
                dataset(ids["cab1"], ids["cab2"], ids["user_id"], other["user_id"]),
            )
            # The other seller's facts must never show up in the first seller's figures.
            await record_many(
                s,
                other["seller_id"],
                dataset(other["cab1"], other["cab2"], other["user_id"], ids["user_id"]),
            )
        body = (await client.get("/api/analytics/communication", params={"days": 7})).json()

        k = body["kpis"]
        assert k["received"]["value"] == 9 and k["received"]["previous"] == 2
        assert k["received"]["source"] == "mixed"
        assert k["answered_share"]["value"] == pytest.approx(5 / 9, abs=1e-4)
        assert k["first_response_median"]["value"] == 20
        assert k["first_response_p90"]["value"] == 90
        assert k["sla_hit_rate"]["value"] == pytest.approx(0.6)
        assert k["sla_hit_rate"]["previous"] == 1.0
        assert k["sla_hit_rate"]["change"] == pytest.approx(-0.4)
        assert k["throughput_per_operator_hour"]["value"] == 2.0  # 6 answers / 3 operator-hours
        assert k["throughput_per_operator_day"]["value"] == 3.0  # 6 answers / 2 operator-days
        assert k["repeat_issue_rate"]["value"] == pytest.approx(0.4)  # (5 - 3 groups) / 5
        assert k["linking_precision"]["value"] is None

        review = body["by_channel"]["review"]
        assert review["received"]["value"] == 6 and review["received"]["source"] == "demo"
        assert review["answered_share"]["value"] == 0.5
        assert review["first_response_median"]["value"] == 10
        assert review["first_response_median"]["previous"] == 60
        assert review["first_response_p90"]["value"] == 20
        assert review["sla_hit_rate"]["value"] == pytest.approx(2 / 3, abs=1e-4)
        assert review["sla_hit_rate"]["change"] == pytest.approx(-1 / 3, abs=1e-4)
        question = body["by_channel"]["question"]
        assert question["received"]["source"] == "mixed"
        assert question["first_response_median"]["value"] == 30
        assert question["sla_hit_rate"]["value"] == 0.5
        chat = body["by_channel"]["chat"]
        assert (
            chat["answered_share"]["value"] == 0 and chat["first_response_median"]["value"] is None
        )

        q = body["quality"]
        assert q["accepted"]["value"] == 0.5
        assert q["edited"]["value"] == pytest.approx(1 / 6, abs=1e-4)
        assert q["manual"]["value"] == pytest.approx(2 / 6, abs=1e-4)
        assert q["auto_answers"]["value"] == 1
        assert sum(d["accepted"] for d in q["history"]) == 3 and len(q["history"]) == 7

        assert {r["rating"]: r["count"] for r in body["ratings"]} == {1: 0, 2: 5, 3: 0, 4: 0, 5: 1}
        top = body["top_complaints"][0]
        assert (top["nm_id"], top["topic"], top["count"]) == (1, "defect", 3)
        assert top["topic_label"] == "упоминание брака"
        assert sum(d["review"] + d["question"] + d["chat"] for d in body["volume"]) == 9
        hist = {b["label"]: b for b in body["response_histogram"]}
        assert hist["до 15 мин"]["review"] == 2 and hist["1–4 ч"]["question"] == 1

        # Filters: the second cabinet holds only the chat; channel=question alone.
        only2 = (
            await client.get(
                "/api/analytics/communication", params={"days": 7, "cabinet_id": ids["cab2"]}
            )
        ).json()
        assert (
            only2["kpis"]["received"]["value"] == 1
            and only2["kpis"]["received"]["source"] == "demo"
        )
        qonly = (
            await client.get(
                "/api/analytics/communication", params={"days": 7, "channel": "question"}
            )
        ).json()
        assert list(qonly["by_channel"]) == ["question"] and qonly["kpis"]["received"]["value"] == 2

        # A custom range equal to the last 7 days gives the same figures; a 30-day one sees
        # the previous fortnight too.
        today = utcnow().date()
        custom = (
            await client.get(
                "/api/analytics/communication",
                params={"date_from": str(today - timedelta(days=6)), "date_to": str(today)},
            )
        ).json()
        assert custom["kpis"] == body["kpis"]
        month = (await client.get("/api/analytics/communication", params={"days": 30})).json()
        # 9 + the previous fortnight's 2; the fact 30 days ago is just outside the window.
        assert month["kpis"]["received"]["value"] == 11
        # Another seller's cabinet is not found; bad ranges are a clear 422, never a 500.
        r = await client.get("/api/analytics/communication", params={"cabinet_id": other["cab1"]})
        assert r.status_code == 404
        r = await client.get(
            "/api/analytics/communication",
            params={"date_from": str(today), "date_to": str(today - timedelta(days=3))},
        )
        assert r.status_code == 422 and "раньше" in r.text

        csv = await client.get(
            "/api/analytics/communication.csv", params={"days": 7, "table": "complaints"}
        )
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        lines = csv.text.lstrip("\ufeff").strip().splitlines()
        assert lines[0] == "Артикул,Товар,Жалоба,Сколько" and lines[1].startswith(
            "1,Артикул 1,упоминание брака,3"
        )
