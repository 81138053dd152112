"""Chart rendering off the event loop, one at a time, with a short queue and a cache.

matplotlib is CPU- and memory-heavy (a 3,650-day chart is ~1.5 s and tens of
MB), so renders run on ONE worker thread; at most ``max_waiting`` more may wait
for it, and beyond that the caller gets :class:`ChartBusy` at once (the user
reads "busy, try again shortly") instead of the bot queueing minutes of work.
Identical requests — same key, e.g. (days, snapshot), in the same language —
share one render while it runs and its PNG for ``ttl`` seconds afterwards.

``draw(data, language)`` gets the reader's language explicitly: the context
variable :mod:`bot.i18n` keeps it in does not cross ``run_in_executor``.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

from bot import i18n

D = TypeVar("D")
CACHE_SECONDS = 60.0
MAX_WAITING = 2
CACHE_ENTRIES = 16


class ChartBusy(Exception):
    """The renderer and its queue are full."""


class ChartRenderer(Generic[D]):
    """``render(key, build)``: ``build()`` gathers the data (async), the worker draws it
    in the caller's language (or ``language=``), which is part of the cache key."""

    def __init__(
        self,
        draw: Callable[[D, str], bytes],
        *,
        max_waiting: int = MAX_WAITING,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._draw = draw
        self._max_waiting = max_waiting
        self._ttl = ttl
        self._clock = clock
        self._executor: ThreadPoolExecutor | None = None
        self._slots = asyncio.Semaphore(1)
        self._admitted = 0  # running + waiting
        self._cache: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._inflight: dict[Hashable, asyncio.Future[bytes]] = {}
        self.renders = 0
        self.refused = 0

    async def render(
        self, key: Hashable, build: Callable[[], Awaitable[D]], *, language: str | None = None
    ) -> bytes:
        lang = i18n.pick(language or i18n.current())
        key = (lang, key)
        hit = self._cache.get(key)
        if hit is not None and self._clock() - hit[0] <= self._ttl:
            return hit[1]
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        if self._admitted >= 1 + self._max_waiting:
            self.refused += 1
            raise ChartBusy
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        self._admitted += 1
        try:
            async with self._slots:
                data = await build()
                loop = asyncio.get_running_loop()
                png = await loop.run_in_executor(self._pool(), self._draw, data, lang)
            self.renders += 1
            self._remember(key, png)
            future.set_result(png)
            return png
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody shared it
            raise
        finally:
            self._admitted -= 1
            self._inflight.pop(key, None)
            if not future.done():  # cancelled
                future.cancel()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart")
        return self._executor

    def _remember(self, key: Hashable, png: bytes) -> None:
        self._cache[key] = (self._clock(), png)
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)
