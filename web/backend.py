"""The knowledge base a web process holds open: one worker thread owns the stores.

The catalogue's SQLite connection belongs to the thread that opened it, so every read runs on one
dedicated worker thread (`run`), which opens the stores on first use. The event loop stays free to
accept connections and send responses while a search runs. An empty or missing knowledge base is
not fatal: every request tries again, so a page works as soon as something has been ingested.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from index.stores import Stores

T = TypeVar("T")


class Backend:
    """Runs report functions against the stores, on the one thread that owns them."""

    def __init__(self, open_stores: Callable[[], Stores]) -> None:
        self._open = open_stores
        self._stores: Stores | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dhr-kb")

    def _get(self) -> Stores:
        if self._stores is None:
            self._stores = self._open()  # raises EmptyKnowledgeBaseError until something is ingested
        return self._stores

    def _call(self, fn: Callable[[Stores], T]) -> T:
        return fn(self._get())

    async def run(self, fn: Callable[[Stores], T]) -> T:
        """`fn(stores)` on the worker thread; its exceptions reach the caller."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(self._call, fn))

    def warm(self) -> None:
        """Open the stores and load the model and vector store now, so the first search is not slow."""

        def load(stores: Stores) -> None:
            _ = stores.vectors
            _ = getattr(stores.embedder, "model", None)  # the real model loads here; a test double has none

        self._pool.submit(self._call, load).result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
