"""Draw a digest's chart at send time, from the snapshots the store holds.

:class:`DigestCharts` is the :class:`~bot.alerts.attachments.ChartRenderer` the
dispatcher hands notifiers. It reads the spec's week (every computation, so
intraday recomputations show) up to the spec's ``cutoff``, draws in a worker
thread with the language passed explicitly, and keeps the last few PNGs: a
Monday-08:00 run queues one spec for every chat of a zone, so thousands of
digests share a handful of drawings (same spec and language = same picture).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from bot.alerts.attachments import DIGEST_SCORE, ChartSpec, Image
from bot.charts.digest import DigestChartData, chart_title, render_digest_chart, week_path
from bot.i18n import use
from bot.store.store import Store

CACHE_SIZE = 16


def chart_filename(spec: ChartSpec) -> str:
    return f"carrywatch-digest-{spec.first:%Y%m%d}-{spec.last:%Y%m%d}.png"


async def week_data(store: Store, spec: ChartSpec) -> DigestChartData:
    """The points the chart of ``spec`` is drawn from (tests assert on these)."""
    snaps = await store.snapshots_between(spec.first, spec.last, latest_per_day=False)
    rows = ((s.as_of, s.computed_at, s.score) for s in snaps)
    return week_path(spec.first, spec.last, spec.tz, spec.cutoff, rows)


class DigestCharts:
    """Renders ``digest-score`` specs; raises on anything else or on an empty week."""

    def __init__(self, store: Store, cache_size: int = CACHE_SIZE) -> None:
        self._store = store
        self._cache: OrderedDict[tuple[ChartSpec, str], Image] = OrderedDict()
        self._size = cache_size
        self._lock = asyncio.Lock()  # one drawing at a time; the next waiter hits the cache
        self.drawn = 0  # drawings made (not served from the cache)

    async def render(self, spec: ChartSpec, language: str) -> Image:
        if spec.kind != DIGEST_SCORE:
            raise ValueError(f"no renderer for chart kind {spec.kind!r}")
        key = (spec, language)
        async with self._lock:
            if (cached := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                return cached
            data = await week_data(self._store, spec)
            png = await asyncio.to_thread(render_digest_chart, data, language)
            with use(language):
                title = chart_title(data)
            image = Image(chart_filename(spec), png, title)
            self.drawn += 1
            self._cache[key] = image
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
            return image
