"""Linking: which touches belong to one buyer's story, and what the product may do about it.

The only code that decides it. Ingestion calls `link_items` for every written batch
(set-based: a fixed number of queries per batch, whatever its size); the timeline, the item
pane, the drafting context and auto-actions read the stored links through `buyer_links`.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics import facts
from agentiq.kit.errors import NotFound
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.linking.policy import Decision, confidence_words, decide
from agentiq.linking.repository import LinkRepository
from agentiq.linking.schemas import LinkOut, PrecisionRow, Scope, Timeline, TimelineStep
from agentiq.linking.scoring import (
    DEFAULT_WINDOW_DAYS,
    STORE_FLOOR,
    Score,
    Touch,
    band,
    name_key,
    order_refs,
    problems_of,
    score,
)
from agentiq.models import Draft, Interaction, InteractionEvent, RuntimeSetting

# Level C pairs: a buyer's review or question and their chat. Two reviews of one buyer are a
# supplement (linked by WB's own ids); a question and a review have no buyer signal in common.
PARTNERS: dict[str, tuple[str, ...]] = {
    "chat": ("review", "question"),
    "review": ("chat",),
    "question": ("chat",),
}
# A safety bound for pathological products only. Below it the stored set does not depend on
# the order items arrive in; at it, it does (the sync keeps the later item's best pairs, a
# recompute also the earlier item's), so it sits far above what real products produce: a
# popular product's chat about size already finds ~60 same-problem reviews in a week.
MAX_CANDIDATES_PER_ITEM = 1000
MAX_STEPS = 50
PREVIEW = 300
SETTINGS_NAMESPACE, WINDOW_KEY = "linking", "window"


# --- settings ---------------------------------------------------------------------------------


async def window_days(session: AsyncSession, seller_id: int) -> int:
    """The seller's linking window (days), default 7."""
    value = await session.scalar(
        select(RuntimeSetting.value).where(
            RuntimeSetting.seller_id == seller_id,
            RuntimeSetting.namespace == SETTINGS_NAMESPACE,
            RuntimeSetting.key == WINDOW_KEY,
        )
    )
    days = value.get("days") if isinstance(value, dict) else None
    return days if isinstance(days, int) and 1 <= days <= 60 else DEFAULT_WINDOW_DAYS


async def set_window_days(session: AsyncSession, seller_id: int, days: int) -> int:
    row = await session.scalar(
        select(RuntimeSetting).where(
            RuntimeSetting.seller_id == seller_id,
            RuntimeSetting.namespace == SETTINGS_NAMESPACE,
            RuntimeSetting.key == WINDOW_KEY,
        )
    )
    if row is None:
        row = RuntimeSetting(seller_id=seller_id, namespace=SETTINGS_NAMESPACE, key=WINDOW_KEY)
        session.add(row)
    row.value = {"days": days}
    await session.flush()
    return days


# --- computing links --------------------------------------------------------------------------


def touch_from_row(row: Row[Any]) -> Touch:
    return touch_from(row.id, row._mapping)


def touch_from_slim(row: Row[Any]) -> Touch:
    """A Touch from `LinkRepository.product_rows` (only the JSON fields the scorer reads)."""
    occurred = ensure_utc(row.occurred_at)
    if row.channel == "chat" and isinstance(row.first_ms, int) and row.first_ms > 0:
        occurred = datetime.fromtimestamp(row.first_ms / 1000, occurred.tzinfo)
    return Touch(
        id=row.id,
        channel=row.channel,
        occurred_at=occurred,
        nm_id=row.nm_id,
        order_id=row.order_id,
        customer_id=row.customer_id,
        name=name_key(row.buyer_name),
        problems=problems_of(row.signals, row.intent),
        size=str(row.size) if row.size not in (None, "") else None,
        refs=order_refs(f"{row.text or ''} {row.cons or ''}"),
    )


def touch_from(id_: int, row: Mapping[Any, Any]) -> Touch:
    """A Touch from an interaction's values (a database row or the sync's row dict)."""
    extra: dict[str, Any] = row["extra_data"] or {}
    triage = extra.get("triage") or {}
    occurred = ensure_utc(row["occurred_at"])
    if row["channel"] == "chat":
        # A chat's row moves with its last message; its link to a review is about its start.
        first_ms = (extra.get("chat") or {}).get("first_ms")
        if isinstance(first_ms, int) and first_ms > 0:
            occurred = datetime.fromtimestamp(first_ms / 1000, occurred.tzinfo)
    size = extra.get("size")
    return Touch(
        id=id_,
        channel=row["channel"],
        occurred_at=occurred,
        nm_id=row["nm_id"],
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        name=name_key(row["buyer_name"]),
        problems=problems_of(triage.get("signals"), row["intent"]),
        size=str(size) if size not in (None, "") else None,
        refs=order_refs(f"{row['text'] or ''} {row['cons'] or ''}"),
    )


# Signals that say something about the buyer, not just the product, the day or the size
# (many buyers of one product share a size).
BUYER_SIGNALS = frozenset({"same_buyer_name", "same_problem"})


def worth_storing(found: Score) -> bool:
    """A probable pair is kept (even for analytics) only above the floor and with at least one
    signal about the buyer: "same product, same day" alone links every buyer of a popular
    product to every other and would flood the table."""
    if found.level == "B":
        return True
    return found.confidence >= STORE_FLOOR and any(
        s.name in BUYER_SIGNALS or s.value == "order_number" for s in found.signals
    )


def _may_concern_buyer(a: Touch, b: Touch) -> bool:
    """A cheap pre-check: could the pair carry any signal about the buyer?"""
    return bool((a.name and a.name == b.name) or (a.problems & b.problems) or (a.refs & b.refs))


def _keep(pairs: dict[tuple[int, int], Score], a: int, b: int, found: Score) -> None:
    key = (a, b) if a < b else (b, a)
    held = pairs.get(key)
    # A deterministic link always wins over a probable one, then the higher confidence.
    if held is None or (found.level == "B", found.confidence) > (
        held.level == "B",
        held.confidence,
    ):
        pairs[key] = found


async def link_items(
    session: AsyncSession,
    seller_id: int,
    ids: Sequence[int],
    *,
    window: int | None = None,
    batch: Sequence[Touch] | None = None,
    new_ids: Collection[int] = (),
) -> int:
    """(Re)compute the links of these items; returns how many pairs were stored.

    Set-based: the items, their id-sharing touches and their products' touches in the window
    are read with one statement per 500 items, scored in memory, and written in one upsert.
    The sync passes the touches it has just written (`batch`) and which of them are new
    (`new_ids`: nothing to forget about those), saving two statements per page.
    """
    if not ids:
        return 0
    days = window if window is not None else await window_days(session, seller_id)
    repo = LinkRepository(session, seller_id)
    if batch is None:
        batch = [touch_from_row(r) for r in await repo.touch_rows(ids)]
    await repo.clear_unjudged([i for i in ids if i not in new_ids])
    if not batch:
        return 0
    batch_ids = {t.id for t in batch}
    pairs: dict[tuple[int, int], Score] = {}
    # Level B: ids WB gave on both sides.
    for column, attr in (
        (Interaction.order_id, "order_id"),
        (Interaction.customer_id, "customer_id"),
    ):
        keys = [getattr(t, attr) for t in batch if getattr(t, attr)]
        if not keys:
            continue
        by_key: dict[str, list[int]] = defaultdict(list)
        for touch in batch:
            if getattr(touch, attr):
                by_key[getattr(touch, attr)].append(touch.id)
        for other_id, key in await repo.same_key_ids(column, keys):
            if other_id not in batch_ids:
                by_key[key].append(other_id)
        for touch in batch:
            for other_id in by_key.get(getattr(touch, attr) or "", ()):
                if other_id == touch.id:
                    continue
                found = score(
                    touch,
                    Touch(other_id, "", touch.occurred_at, **{attr: getattr(touch, attr)}),
                    window_days=days,
                )
                if found is not None and found.level == "B":
                    _keep(pairs, touch.id, other_id, found)
    # Level C: the products' touches in partner channels within the window.
    with_product = [t for t in batch if t.nm_id is not None]
    if with_product:
        span = timedelta(days=days)
        channels = sorted({c for t in with_product for c in PARTNERS.get(t.channel, ())})
        since = min(t.occurred_at for t in with_product) - span
        # A chat's row time is its last message, later than the start we compare with.
        until = max(t.occurred_at for t in with_product) + 2 * span
        neighbours: dict[int, list[Touch]] = defaultdict(list)
        if channels:
            nm_ids = [t.nm_id for t in with_product if t.nm_id is not None]
            for row in await repo.product_rows(nm_ids, channels, since, until):
                neighbours[row.nm_id].append(touch_from_slim(row))
        for group in neighbours.values():
            group.sort(key=lambda t: t.occurred_at)
        starts = {nm: [t.occurred_at for t in group] for nm, group in neighbours.items()}
        for touch in with_product:
            partners = PARTNERS.get(touch.channel, ())
            group = neighbours.get(touch.nm_id or 0, [])
            times = starts.get(touch.nm_id or 0, [])
            # Only the product's touches within the window around this one (sorted by time).
            lo = bisect.bisect_left(times, touch.occurred_at - span)
            hi = bisect.bisect_right(times, touch.occurred_at + span)
            found_here: list[tuple[float, int, Score]] = []
            for other in group[lo:hi]:
                if other.channel not in partners or other.id == touch.id:
                    continue
                if not _may_concern_buyer(touch, other):
                    continue  # product and time alone: not stored (see worth_storing)
                found = score(touch, other, window_days=days)
                if found is not None and worth_storing(found):
                    found_here.append((found.confidence, other.id, found))
            for _, other_id, found in heapq.nlargest(MAX_CANDIDATES_PER_ITEM, found_here):
                _keep(pairs, touch.id, other_id, found)
    now = utcnow()
    rows_out = [
        {
            "interaction_id": a,
            "candidate_id": b,
            "level": found.level,
            "confidence": found.confidence,
            "reasoning_signals": found.reasoning(),
            "created_at": now,
            "updated_at": now,
        }
        for (a, b), found in pairs.items()
    ]
    await repo.upsert(rows_out)
    if pairs:
        from agentiq.linking.escalations import continue_on_links

        await continue_on_links(session, seller_id, list(pairs.items()))
    return len(rows_out)


async def recompute(
    session: AsyncSession, seller_id: int, interaction_id: int | None = None, *, page: int = 2000
) -> int:
    """Recompute one item's links, or the whole seller's, page by page; returns pairs stored."""
    days = await window_days(session, seller_id)
    repo = LinkRepository(session, seller_id)
    if interaction_id is not None:
        await get_item(session, seller_id, interaction_id)
        return await link_items(session, seller_id, [interaction_id], window=days)
    stored, after = 0, 0
    while True:
        ids = await repo.seller_ids_page(after, page)
        if not ids:
            return stored
        stored += await link_items(session, seller_id, ids, window=days)
        after = ids[-1]


# --- reading links ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    link_id: int | None
    other_id: int
    level: str
    basis: str
    confidence: float
    signals: list[dict[str, Any]]
    verdict: str | None
    decision: Decision

    def out(self) -> LinkOut:
        return LinkOut(
            link_id=self.link_id,
            other_id=self.other_id,
            level=self.level,
            basis=self.basis,
            confidence=self.confidence,
            band=band(self.confidence),
            signals=self.signals,
            verdict=self.verdict,
            action_mode=self.decision.action_mode,
            policy_reason=self.decision.policy_reason,
            confidence_label=confidence_words(self.basis, self.confidence),
        )


async def get_item(session: AsyncSession, seller_id: int, interaction_id: int) -> Interaction:
    item = await session.scalar(
        select(Interaction).where(
            Interaction.seller_id == seller_id, Interaction.id == interaction_id
        )
    )
    if item is None:
        raise NotFound("Обращение не найдено")
    return item


async def buyer_links(
    session: AsyncSession, seller_id: int, interaction_id: int, *, include_weak: bool = False
) -> list[Link]:
    """The item's links to the same buyer's other touches, strongest first.

    Rejected links are gone; weak probable ones (analytics only) only with `include_weak`.
    """
    links: list[Link] = []
    for row in await LinkRepository(session, seller_id).links_of(interaction_id):
        if row.verdict == "rejected":
            continue
        reasoning = row.reasoning_signals or {}
        basis = str(reasoning.get("basis") or "probabilistic")
        if row.verdict == "confirmed" and basis == "probabilistic":
            basis = "confirmed"
        signals = list(reasoning.get("signals") or [])
        decision = decide(basis, row.confidence, signals=[str(s.get("name")) for s in signals])
        if not include_weak and not decision.in_action_ui:
            continue
        other = row.candidate_id if row.interaction_id == interaction_id else row.interaction_id
        links.append(
            Link(
                link_id=row.id,
                other_id=other,
                level=row.level,
                basis=basis,
                confidence=row.confidence,
                signals=signals,
                verdict=row.verdict,
                decision=decision,
            )
        )
    links.sort(key=lambda link: (link.level, -link.confidence, link.other_id))
    return links


async def linked_touches(
    session: AsyncSession, seller_id: int, item: Interaction, *, limit: int = 5
) -> list[tuple[Interaction, Link]]:
    """The same buyer's other touches with their links, newest first (for drafts and panes)."""
    links = {link.other_id: link for link in await buyer_links(session, seller_id, item.id)}
    others = await LinkRepository(session, seller_id).interactions(list(links))
    ordered = sorted(others, key=lambda i: (i.occurred_at, i.id), reverse=True)
    return [(other, links[other.id]) for other in ordered[:limit]]


def wb_url(item: Interaction) -> str:
    """The item in the seller's WB cabinet."""
    if item.channel == "chat":
        return f"https://seller.wildberries.ru/chat-with-clients?chatId={item.external_id}"
    tab = "questions-tab" if item.channel == "question" else "feedbacks-tab"
    answered = "answered" if item.status != "open" else "not-answered"
    return f"https://seller.wildberries.ru/feedbacks/{tab}/{answered}"


CURRENT = Decision("current", "это обращение")
PRODUCT = decide("product", 1.0)


async def timeline(
    session: AsyncSession, seller_id: int, interaction_id: int, scope: Scope | None = None
) -> Timeline:
    """The buyer's thread across channels, oldest first; the same from every step of it."""
    current = await get_item(session, seller_id, interaction_id)
    links = await buyer_links(session, seller_id, current.id)
    order_links = [link for link in links if link.basis == "order"]
    available: list[Scope] = []
    if order_links:
        available.append("customer_order")
    if links:
        available.append("customer")
    if current.nm_id is not None:
        available.append("product")
    available.append("single")
    if scope is None or scope not in available:
        if links and len(order_links) == len(links):
            scope = "customer_order"
        else:
            scope = "customer" if links else "single"
    chosen: list[Link] = []
    if scope == "customer_order":
        chosen = order_links
    elif scope in ("customer", "product"):
        chosen = links
    by_id = {link.other_id: link for link in chosen}
    repo = LinkRepository(session, seller_id)
    items = [current, *await repo.interactions(list(by_id))]
    if scope == "product":
        days = await window_days(session, seller_id)
        span = timedelta(days=days)
        seen = {i.id for i in items}
        for other in await repo.product_neighbours(
            current, current.occurred_at - span, current.occurred_at + span, MAX_STEPS
        ):
            if other.id not in seen:
                items.append(other)
    items = sorted(items, key=lambda i: (i.occurred_at, i.id))[:MAX_STEPS]
    drafts: dict[int, str] = {}
    draft_rows = await session.execute(
        select(Draft.interaction_id, Draft.text)
        .where(Draft.seller_id == seller_id, Draft.interaction_id.in_([i.id for i in items]))
        .order_by(Draft.created_at.desc(), Draft.id.desc())
    )
    for draft_interaction, text in draft_rows:
        drafts.setdefault(draft_interaction, text)
    steps = [_step(item, current, by_id.get(item.id), drafts.get(item.id)) for item in items]
    return Timeline(
        interaction_id=current.id, thread_scope=scope, available_scopes=available, steps=steps
    )


def _step(
    item: Interaction, current: Interaction, link: Link | None, draft: str | None
) -> TimelineStep:
    last_reply = (item.extra_data or {}).get("last_reply")
    if item.id == current.id:
        basis, level, confidence, decision = "current", None, 1.0, CURRENT
    elif link is not None:
        basis, level, confidence, decision = link.basis, link.level, link.confidence, link.decision
    else:
        basis, level, confidence, decision = "product", "A", 1.0, PRODUCT
    reasons = {
        "current": "current",
        "order": "same_order",
        "customer_legacy": "same_customer_id",
        "confirmed": "confirmed_by_operator",
        "probabilistic": "probable_same_buyer",
        "product": "same_product",
    }
    return TimelineStep(
        interaction_id=item.id,
        channel=item.channel,
        occurred_at=item.occurred_at,
        text=(item.text or item.cons or item.pros or "")[:PREVIEW],
        rating=item.rating,
        status=item.status,
        buyer_name=item.buyer_name,
        is_current=item.id == current.id,
        match_reason=reasons.get(basis, basis),
        level=level,
        confidence=confidence,
        confidence_label=confidence_words(basis, confidence),
        action_mode=decision.action_mode,
        policy_reason=decision.policy_reason,
        link_id=link.link_id if link else None,
        verdict=link.verdict if link else None,
        signals=link.signals if link else [],
        wb_url=wb_url(item),
        last_reply_text=last_reply.get("text") if isinstance(last_reply, dict) else None,
        last_ai_draft_text=draft,
    )


# --- operator verdicts and precision ----------------------------------------------------------


async def judge_link(
    session: AsyncSession, seller_id: int, link_id: int, verdict: str, *, user_id: int | None
) -> LinkOut:
    """The operator confirms or rejects a link: the one transition that records a verdict.

    Writes a `link_confirmed` / `link_rejected` event on both items (for analytics). A
    confirmed link between a chat and an escalated review continues the escalation.
    """
    repo = LinkRepository(session, seller_id)
    link = await repo.get_for_update(link_id)
    now = utcnow()
    previous = link.verdict
    link.verdict = verdict
    link.verdict_at = now
    link.verdict_by_user_id = user_id
    payload = {
        "link_id": link.id,
        "level": link.level,
        "confidence": link.confidence,
        "band": band(link.confidence),
        "previous": previous,
    }
    for interaction_id in (link.interaction_id, link.candidate_id):
        session.add(
            InteractionEvent(
                seller_id=seller_id,
                interaction_id=interaction_id,
                kind=f"link_{verdict}",
                actor_user_id=user_id,
                payload=payload,
            )
        )
    if previous != verdict:  # one fact per decision, however often it is re-clicked
        source = await session.get(Interaction, link.interaction_id)
        await facts.record(session, seller_id, f"link_{verdict}", item=source, user_id=user_id)
    await session.flush()
    if verdict == "confirmed":
        from agentiq.linking.escalations import continue_on_confirmed

        await continue_on_confirmed(session, seller_id, link)
    reasoning = link.reasoning_signals or {}
    basis = str(reasoning.get("basis") or "probabilistic")
    if verdict == "confirmed" and basis == "probabilistic":
        basis = "confirmed"
    signal_rows = list(reasoning.get("signals") or [])
    decision = decide(basis, link.confidence, signals=[str(s.get("name")) for s in signal_rows])
    return Link(
        link.id,
        link.candidate_id,
        link.level,
        basis,
        link.confidence,
        signal_rows,
        link.verdict,
        decision,
    ).out()


async def linking_precision(
    session: AsyncSession, seller_id: int, *, since: datetime | None = None
) -> list[PrecisionRow]:
    """Linking precision per level and confidence band: confirmed ÷ judged (plan §13.3)."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"confirmed": 0, "rejected": 0}
    )
    for level, band_name, verdict, n in await LinkRepository(session, seller_id).verdict_counts(
        since
    ):
        counts[(level, band_name)][verdict] += n
    rows = []
    for (level, band_name), c in sorted(counts.items()):
        judged = c["confirmed"] + c["rejected"]
        rows.append(
            PrecisionRow(
                level=level,
                band=band_name,
                judged=judged,
                confirmed=c["confirmed"],
                rejected=c["rejected"],
                precision=round(c["confirmed"] / judged, 4) if judged else None,
            )
        )
    return rows
