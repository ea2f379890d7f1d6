"""Level C against the emulator's ground truth: `python -m agentiq.linking.evaluate`.

For each seed the emulator generates a seller whose chats are written by the authors of
recent reviews (true links), by other buyers about the same product on the same day — a
third of them with the reviewer's first name (false candidates) — or about anything. Every
item goes through the sync's real write path (normalise → triage → upsert → linking) into a
fresh SQLite database; the stored candidates between chats and reviews/questions are then
scored against the truth at each threshold.

Seeds 1–3 are the tuning set; 11–13 are held out (never used to choose a rule or weight);
both are printed. "shown" is what the operator sees: links the policy puts in the action UI.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from agentiq.config import load_settings
from agentiq.db import unit_of_work
from agentiq.emulator import generator as gen
from agentiq.emulator.state import Emulator
from agentiq.ingestion.ingest import IngestContext, ingest_batch
from agentiq.ingestion.normalise import (
    ChatThread,
    normalise_chat,
    normalise_feedback,
    normalise_question,
)
from agentiq.linking.policy import decide
from agentiq.marketplaces.wb.schemas import ChatEvent, Feedback, Question
from agentiq.migrate import upgrade
from agentiq.models import Interaction, LinkCandidate, MarketplaceConnection, Seller
from agentiq.runtime import build_runtime

TUNING_SEEDS = (1, 2, 3)
HELD_OUT_SEEDS = (11, 12, 13)
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


@dataclass
class Pairs:
    """Scored chat↔review/question pairs and the true ones, for one or more sellers."""

    scored: list[tuple[float, bool, bool]] = field(default_factory=list)  # conf, true, shown
    truth: int = 0

    def add(self, other: Pairs) -> None:
        self.scored += other.scored
        self.truth += other.truth

    def at(self, threshold: float, *, shown_only: bool) -> tuple[int, int, float | None, float]:
        kept = [t for c, t, s in self.scored if c >= threshold and (s or not shown_only)]
        hits = sum(kept)
        precision = hits / len(kept) if kept else None
        recall = hits / self.truth if self.truth else 0.0
        return len(kept), hits, precision, recall


async def seller_pairs(seed: int, feedbacks: int, questions: int, chats: int, tmp: Path) -> Pairs:
    emulator = Emulator(rate_limits=False)
    state = emulator.seller(
        emulator.add_seller(
            "Оценка", seed=seed, feedbacks=feedbacks, questions=questions, chats=chats
        ).seller_id
    )
    url = f"sqlite+aiosqlite:///{tmp / f'eval-{seed}.db'}"
    await asyncio.to_thread(upgrade, url)
    runtime = build_runtime(
        load_settings(environment="test", var_dir=tmp, database_url=url, secret_key="e" * 40)
    )
    try:
        async with unit_of_work(runtime.sessionmaker) as session:
            seller = Seller(name=f"eval {seed}")
            session.add(seller)
            await session.flush()
            cabinet = MarketplaceConnection(seller_id=seller.id, name="WB", token_encrypted="")
            session.add(cabinet)
            await session.flush()
            ctx = IngestContext(seller_id=seller.id, connection_id=cabinet.id)
        data = state.data
        reviews = [
            normalise_feedback(Feedback.model_validate(emulator.render_feedback(state, i)))
            for i in range(data.feedbacks.total)
        ]
        asked = [
            normalise_question(Question.model_validate(emulator.render_question(state, i)))
            for i in range(data.questions.total)
        ]
        threads = []
        for chat in state.chats:
            thread = ChatThread(chat_id=chat.chat_id)
            for event in chat.events:
                thread.apply_event(ChatEvent.model_validate(event))
            threads.append(normalise_chat(thread))
        for channel, items in (("review", reviews), ("question", asked), ("chat", threads)):
            for start in range(0, len(items), 2000):
                async with unit_of_work(runtime.sessionmaker) as session:
                    await ingest_batch(session, ctx, channel, items[start : start + 2000])
        truth: set[tuple[str, str]] = set()
        for chat in state.chats:
            if chat.linked_feedback is None:
                continue
            i = chat.linked_feedback
            family = [i, gen.supplement_parent(data.feedbacks, i)]
            if gen.supplement_parent(data.feedbacks, i + 1) == i:
                family.append(i + 1)  # the review's supplement: the same buyer too
            for k in family:
                if k is not None:
                    truth.add((chat.chat_id, gen.item_id(data.seed, gen.FEEDBACK, k)))
        async with unit_of_work(runtime.sessionmaker) as session:
            external = dict(
                (await session.execute(select(Interaction.id, Interaction.external_id)))
                .tuples()
                .all()
            )
            channel_of = dict(
                (await session.execute(select(Interaction.id, Interaction.channel))).tuples().all()
            )
            links = (
                await session.scalars(select(LinkCandidate).where(LinkCandidate.level == "C"))
            ).all()
        pairs = Pairs(truth=len(truth))
        for link in links:
            a, b = link.interaction_id, link.candidate_id
            if channel_of[a] != "chat":
                a, b = b, a
            if channel_of[a] != "chat":
                continue
            true = (external[a], external[b]) in truth
            basis = str((link.reasoning_signals or {}).get("basis") or "probabilistic")
            shown = decide(basis, link.confidence, signals=link_signal_names(link)).in_action_ui
            pairs.scored.append((link.confidence, true, shown))
        return pairs
    finally:
        await runtime.close()


def link_signal_names(link: LinkCandidate) -> list[str]:
    return [str(s.get("name")) for s in (link.reasoning_signals or {}).get("signals") or []]


def report(title: str, pairs: Pairs) -> None:
    print(f"\n{title}: {pairs.truth} true chat↔review pairs, {len(pairs.scored)} stored candidates")
    print(
        "threshold | stored: kept  precision  recall | shown to operator: kept  precision  recall"
    )
    for t in THRESHOLDS:
        n, _, p, r = pairs.at(t, shown_only=False)
        sn, _, sp, sr = pairs.at(t, shown_only=True)
        fmt = lambda v: "   —  " if v is None else f"{v:6.1%}"  # noqa: E731
        print(f"  ≥ {t:.2f}  | {n:11d}  {fmt(p)}  {r:6.1%} | {sn:22d}  {fmt(sp)}  {sr:6.1%}")


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for title, seeds in (("tuning seeds", TUNING_SEEDS), ("held-out seeds", HELD_OUT_SEEDS)):
            total = Pairs()
            for seed in seeds:
                total.add(
                    await seller_pairs(seed, args.feedbacks, args.questions, args.chats, Path(tmp))
                )
            report(f"{title} {seeds}", total)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedbacks", type=int, default=3000)
    parser.add_argument("--questions", type=int, default=600)
    parser.add_argument("--chats", type=int, default=300)
    asyncio.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
