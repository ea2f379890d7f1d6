"""Write pages one at a time, in order, while the next page is being prepared.

The sync's CPU work (normalising, triage) runs on the event loop and a page's database work
mostly runs outside it (aiosqlite's thread, asyncpg's socket). `PagePipeline.submit` waits
for the previous page's transaction to finish, then starts the next page's write in the
background, so the caller prepares page k+1 while page k is written. Writes never overlap:
pages still commit one after another, each with the watermark or cursor it proves, so a kill
at any point loses at most the page in flight and resumes exactly as before.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from types import TracebackType
from typing import Any


class PagePipeline:
    def __init__(self) -> None:
        self._pending: asyncio.Task[Any] | None = None

    async def submit(self, write: Coroutine[Any, Any, Any]) -> None:
        """Wait for the previous write to commit, then start `write` in the background."""
        try:
            await self.drain()
        except BaseException:
            write.close()  # never started: no "coroutine was never awaited" warning
            raise
        self._pending = asyncio.create_task(write)

    async def drain(self) -> None:
        """Wait for the write in flight (its errors surface here)."""
        task, self._pending = self._pending, None
        if task is not None:
            await task

    async def __aenter__(self) -> PagePipeline:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            await self.drain()
            return
        # Leaving early (an error, a cancelled sync): the unfinished write rolls back.
        task, self._pending = self._pending, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
