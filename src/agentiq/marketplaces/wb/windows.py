"""Date-window walker for feedbacks and questions that never breaks WB's paging limits.

WB pages with `take`/`skip` and caps them (feedbacks: take ≤ 5000, skip ≤ 199 990;
questions: take + skip ≤ 10 000), so a long history cannot be read by skipping alone.
The walker asks the count endpoint how many items a date window holds (per `isAnswered`),
halves the window while it holds more than paging can reach, and pages each small-enough
window in date order. If WB's count was stale and paging still hits the cap, it restarts the
rest of the window from the last item's date (ids already yielded are skipped; the walker
remembers only ids that a later window can still list, so its memory does not grow).

Windows are walked oldest first, and both `isAnswered=false` and `isAnswered=true` are read
before moving on, so after a window is done every item created up to its end has been seen:
an item-less page that closes each window carries its `watermark`, which the sync stores and
passes back as `date_from` to resume. Unanswered is read before answered, so an item answered
mid-walk is seen in one of the two passes. `dateFrom`/`dateTo` are inclusive Unix seconds;
neighbouring windows share their boundary second, so nothing is lost whichever way WB treats
the ends.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from agentiq.kit.time import utcnow
from agentiq.marketplaces.wb.schemas import Feedback, InvalidItem, Page, Question, WBModel

if TYPE_CHECKING:  # the client imports this module to walk windows
    from agentiq.marketplaces.wb.client import WBClient

# The two WB lists that are walked by date windows.
DatedList = Literal["feedbacks", "questions"]
ItemT = TypeVar("ItemT", bound=WBModel)


@dataclass(frozen=True, slots=True)
class PagingLimits:
    max_take: int
    max_skip: int | None  # feedbacks: skip ≤ 199 990
    max_take_plus_skip: int | None  # questions: take + skip ≤ 10 000

    def take_at(self, skip: int, wanted: int) -> int:
        """Largest allowed `take` at this `skip` (0 when the cap is reached)."""
        if self.max_skip is not None and skip > self.max_skip:
            return 0
        take = min(wanted, self.max_take)
        if self.max_take_plus_skip is not None:
            take = min(take, self.max_take_plus_skip - skip)
        return max(0, take)

    def capacity(self, take: int) -> int:
        """How many items one window can hand out by paging with this `take`."""
        take = min(take, self.max_take)
        if self.max_take_plus_skip is not None:
            return self.max_take_plus_skip
        assert self.max_skip is not None
        return (self.max_skip // take) * take + take


FEEDBACK_LIMITS = PagingLimits(max_take=5000, max_skip=199_990, max_take_plus_skip=None)
QUESTION_LIMITS = PagingLimits(max_take=10_000, max_skip=None, max_take_plus_skip=10_000)


@dataclass(slots=True)
class WindowPage(Generic[ItemT]):
    channel: DatedList
    is_answered: bool
    window_from: datetime
    window_to: datetime
    skip: int
    items: list[ItemT] = field(default_factory=list)
    invalid: list[InvalidItem] = field(default_factory=list)
    # Set on the item-less page that closes a window (both isAnswered passes): every item
    # created at or before this instant has been yielded; persist it, resume from it.
    watermark: datetime | None = None
    # The window could not be split further and still held more than paging reaches.
    truncated: bool = False


@dataclass(slots=True)
class WalkStats:
    windows: int = 0
    splits: int = 0
    pages: int = 0
    items: int = 0
    invalid: int = 0
    duplicates_skipped: int = 0
    restarts: int = 0
    truncated_windows: list[tuple[int, int, bool]] = field(default_factory=list)


class WindowWalker(Generic[ItemT]):
    """Walk one channel between two dates; iterate `pages()`; read `stats` afterwards."""

    def __init__(
        self,
        client: WBClient,
        channel: DatedList,
        *,
        date_from: datetime | int,
        date_to: datetime | int | None = None,
        answered_states: Sequence[bool] = (False, True),
        take: int = 5000,
        limits: PagingLimits | None = None,
        prefetch: int = 1,
    ) -> None:
        self.client = client
        self.prefetch = max(0, prefetch)
        self.channel = channel
        self.start = _to_unix(date_from)
        self.end = _to_unix(date_to if date_to is not None else utcnow())
        self.answered_states = tuple(answered_states)
        self.limits = limits or (FEEDBACK_LIMITS if channel == "feedbacks" else QUESTION_LIMITS)
        self.take = min(take, self.limits.max_take)
        self.capacity = self.limits.capacity(self.take)
        self.stats = WalkStats()
        # Ids yielded so far -> their creation second. Only ids that a later window can list
        # again (those of its shared boundary second) are kept, so memory stays flat however
        # long the history is.
        self._seen: dict[str, int] = {}

    async def pages(self) -> AsyncIterator[WindowPage[ItemT]]:
        if self.end < self.start:
            return
        # Explicit stack of windows, oldest first, instead of recursion in an async generator.
        stack: list[tuple[int, int]] = [(self.start, self.end)]
        while stack:
            lo, hi = stack.pop()
            counts = [await self._count(lo, hi, answered) for answered in self.answered_states]
            if max(counts, default=0) > self.capacity and hi - lo >= 2:
                mid = (lo + hi) // 2
                self.stats.splits += 1
                stack.append((mid, hi))
                stack.append((lo, mid))
                continue
            self.stats.windows += 1
            self._forget_before(lo)
            for answered, count in zip(self.answered_states, counts, strict=True):
                if count == 0:
                    continue  # nothing there: save a request from WB's tight budget
                async for page in self._walk_window(lo, hi, answered, count):
                    yield page
            # The window is done: an item-less page carries its watermark. Pages are handed
            # on as they come (none is held back to carry it), so memory holds fewer pages.
            yield WindowPage(
                channel=self.channel,
                is_answered=self.answered_states[-1],
                window_from=datetime.fromtimestamp(lo, UTC),
                window_to=datetime.fromtimestamp(hi, UTC),
                skip=0,
                watermark=datetime.fromtimestamp(hi, UTC),
            )

    async def _walk_window(
        self, lo: int, hi: int, answered: bool, expected: int
    ) -> AsyncIterator[WindowPage[ItemT]]:
        """Page one window. Up to `prefetch` further pages are requested while the current one
        is parsed and consumed — paging is then bound by WB's rate limit, not by latency —
        but never beyond what the count promised, so no request is wasted."""
        window_lo = lo
        planned = 0  # the next skip to request
        inflight: deque[tuple[int, int, asyncio.Task[Page[Any]]]] = deque()
        try:
            while True:
                while len(inflight) <= self.prefetch:
                    take = self.limits.take_at(planned, self.take)
                    if take <= 0 or (inflight and planned >= expected):
                        break
                    task = asyncio.create_task(self._list(window_lo, hi, answered, take, planned))
                    inflight.append((planned, take, task))
                    planned += take
                if not inflight:
                    return
                skip, take, task = inflight.popleft()
                raw = await task
                page = self._page(window_lo, hi, answered, skip, raw)
                yield page
                if raw.size < take:
                    return
                if self.limits.take_at(skip + raw.size, self.take) <= 0:
                    # The cap is reached and the last page was full: the count was stale.
                    newest = _newest_created(raw.items)
                    if newest is None or newest <= window_lo:
                        self.stats.truncated_windows.append((window_lo, hi, answered))
                        page.truncated = True
                        return
                    self.stats.restarts += 1
                    _drop(inflight)
                    window_lo, planned, expected = newest, 0, 0
        finally:
            _drop(inflight)

    def _page(
        self, lo: int, hi: int, answered: bool, skip: int, raw: Page[Any]
    ) -> WindowPage[ItemT]:
        fresh = []
        for item in raw.items:
            if item.id in self._seen:
                self.stats.duplicates_skipped += 1
                continue
            self._seen[item.id] = int(item.created_date.timestamp())
            fresh.append(item)
        self.stats.pages += 1
        self.stats.items += len(fresh)
        self.stats.invalid += len(raw.invalid)
        return WindowPage(
            channel=self.channel,
            is_answered=answered,
            window_from=datetime.fromtimestamp(lo, UTC),
            window_to=datetime.fromtimestamp(hi, UTC),
            skip=skip,
            items=fresh,
            invalid=list(raw.invalid),
        )

    @property
    def remembered_ids(self) -> int:
        """How many yielded ids the walker still keeps for de-duplication."""
        return len(self._seen)

    def _forget_before(self, lo: int) -> None:
        """Windows go oldest first: an item created before `lo` cannot be listed again."""
        if self._seen:
            self._seen = {key: created for key, created in self._seen.items() if created >= lo}

    async def _count(self, lo: int, hi: int, answered: bool) -> int:
        if self.channel == "feedbacks":
            return await self.client.count_feedbacks(is_answered=answered, date_from=lo, date_to=hi)
        return await self.client.count_questions(is_answered=answered, date_from=lo, date_to=hi)

    async def _list(self, lo: int, hi: int, answered: bool, take: int, skip: int) -> Page[Any]:
        kwargs: dict[str, Any] = {
            "is_answered": answered,
            "take": take,
            "skip": skip,
            "order": "dateAsc",
            "date_from": lo,
            "date_to": hi,
        }
        if self.channel == "feedbacks":
            return await self.client.list_feedbacks(**kwargs)
        return await self.client.list_questions(**kwargs)


def walk_feedbacks(
    client: WBClient,
    *,
    date_from: datetime | int,
    date_to: datetime | int | None = None,
    answered_states: Sequence[bool] = (False, True),
    take: int = 5000,
    limits: PagingLimits | None = None,
    prefetch: int = 1,
) -> WindowWalker[Feedback]:
    return WindowWalker(
        client,
        "feedbacks",
        date_from=date_from,
        date_to=date_to,
        answered_states=answered_states,
        take=take,
        limits=limits,
        prefetch=prefetch,
    )


def walk_questions(
    client: WBClient,
    *,
    date_from: datetime | int,
    date_to: datetime | int | None = None,
    answered_states: Sequence[bool] = (False, True),
    take: int = 5000,
    limits: PagingLimits | None = None,
    prefetch: int = 1,
) -> WindowWalker[Question]:
    return WindowWalker(
        client,
        "questions",
        date_from=date_from,
        date_to=date_to,
        answered_states=answered_states,
        take=take,
        limits=limits,
        prefetch=prefetch,
    )


def _to_unix(value: datetime | int) -> int:
    return value if isinstance(value, int) else int(value.timestamp())


def _drop(inflight: deque[tuple[int, int, asyncio.Task[Page[Any]]]]) -> None:
    """Cancel prefetched pages nobody will read (and retrieve errors so none are logged)."""
    while inflight:
        _, _, task = inflight.popleft()
        if task.done():
            if not task.cancelled():
                task.exception()
        else:
            task.cancel()


def _newest_created(items: list[Any]) -> int | None:
    dates = [int(item.created_date.timestamp()) for item in items]
    return max(dates) if dates else None
