"""``GET /healthz`` (which feeds are stale, last snapshot age) and ``GET /metrics``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.commands.feeds import feed_statuses
from bot.metrics import REGISTRY, STALE_FEEDS
from bot.store.store import Store

# A snapshot older than this means the pipeline has stopped producing.
SNAPSHOT_MAX_AGE = dt.timedelta(hours=26)


class HealthServer:
    def __init__(
        self, store: Store, clock: Callable[[], dt.datetime], host: str, port: int
    ) -> None:
        self._store, self._clock, self._host, self._port = store, clock, host, port
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only here
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self._port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        now = self._clock()
        feeds = await feed_statuses(self._store, now)
        snap = await self._store.latest_snapshot()
        age = (now - snap.computed_at).total_seconds() if snap else None
        for f in feeds:
            STALE_FEEDS.labels(f.series).set(1 if f.stale else 0)
        stale = [f.series for f in feeds if f.stale]
        ok = snap is not None and age is not None and age <= SNAPSHOT_MAX_AGE.total_seconds()
        body = {
            "status": "ok" if ok and not stale else "degraded" if ok else "down",
            "snapshot_age_seconds": age,
            "stale_feeds": stale,
            "feeds": {
                f.series: {
                    "last_date": f.last_date.isoformat() if f.last_date else None,
                    "stale": f.stale,
                    "last_poll": f.last_poll.isoformat() if f.last_poll else None,
                    "last_error": f.last_error,
                }
                for f in feeds
            },
            "pending_deliveries": await self._store.pending_count(),
        }
        return web.json_response(body, status=200 if ok else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )
