"""``GET /healthz`` (database, stale feeds, last snapshot age) and ``GET /metrics``.

Health answers from what it keeps in memory, so a database that refuses or never
answers makes it say so (JSON 503, ``"database": "unreachable"``) instead of
failing with a 500 or hanging the prober. Each request starts one refresh (at
most one runs at a time) and waits for it up to ``answer_within`` seconds; a
refresh that fails, or is still running then, marks the database unreachable
and the answer carries the last known feed state. The refresh itself is
never cancelled mid-query (the connection pool would log a traceback while it
throws the connection away): the store's statement timeouts bound it, and
``stop`` waits up to ``refresh_timeout`` for it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.commands.answers import FeedStatus
from bot.commands.feeds import feed_statuses
from bot.metrics import REGISTRY, STALE_FEEDS
from bot.store.store import Store

log = logging.getLogger(__name__)

# A snapshot older than this means the pipeline has stopped producing.
SNAPSHOT_MAX_AGE = dt.timedelta(hours=26)
ANSWER_WITHIN = 0.8  # seconds a request waits for fresh facts before answering from memory
REFRESH_TIMEOUT = 5.0


@dataclass
class _Known:
    """What the last successful refresh read, and how the last attempt went."""

    feeds: tuple[FeedStatus, ...] = ()
    snapshot_at: dt.datetime | None = None
    pending: int | None = None
    database_ok: bool = False
    database_error: str | None = "not checked yet"
    checked_at: dt.datetime | None = None


class HealthServer:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], dt.datetime],
        host: str,
        port: int,
        *,
        answer_within: float = ANSWER_WITHIN,
        refresh_timeout: float = REFRESH_TIMEOUT,
    ) -> None:
        self._store, self._clock, self._host, self._port = store, clock, host, port
        self._answer_within = answer_within
        self._refresh_timeout = refresh_timeout
        self._runner: web.AppRunner | None = None
        self._known = _Known()
        self._refreshing: asyncio.Task[None] | None = None
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
        if self._refreshing is not None and not self._refreshing.done():
            # let it finish (it is bounded): cancelling a query mid-flight makes the
            # connection pool log a traceback while it throws the connection away
            await asyncio.wait({self._refreshing}, timeout=min(self._refresh_timeout, 2.0))
            self._refreshing.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def refresh(self) -> None:
        """Read the facts health reports; on any failure keep the old ones, mark the DB."""
        now = self._clock()
        try:
            feeds = await feed_statuses(self._store, now)
            snap = await self._store.latest_snapshot()
            pending = await self._store.pending_count()
        except Exception as exc:  # refused, timed out, pool exhausted: all "unreachable"
            reason = "no answer" if isinstance(exc, TimeoutError) else type(exc).__name__
            if self._known.database_ok:  # one line: a slow or absent database is not a bug
                log.warning("health: database unreachable (%s)", reason)
                log.debug("health: refresh failed", exc_info=True)
            self._known.database_ok, self._known.database_error = False, reason
            return
        self._known = _Known(
            feeds, snap.computed_at if snap else None, pending, True, None, self._clock()
        )

    async def _fresh(self) -> None:
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.create_task(self.refresh())
        try:
            await asyncio.wait_for(asyncio.shield(self._refreshing), self._answer_within)
        except TimeoutError:
            self._known.database_ok = False
            self._known.database_error = f"no answer within {self._answer_within:g} s"

    def body(self) -> tuple[int, dict[str, Any]]:
        """The answer from memory: HTTP status and JSON body."""
        k, now = self._known, self._clock()
        age = (now - k.snapshot_at).total_seconds() if k.snapshot_at else None
        for f in k.feeds:
            STALE_FEEDS.labels(f.series).set(1 if f.stale else 0)
        stale = [f.series for f in k.feeds if f.stale]
        fresh = age is not None and age <= SNAPSHOT_MAX_AGE.total_seconds()
        if not k.database_ok:
            status = "degraded"
        else:
            status = "ok" if fresh and not stale else "degraded" if fresh else "down"
        body = {
            "status": status,
            "database": "ok" if k.database_ok else "unreachable",
            "database_error": k.database_error,
            "checked_at": k.checked_at.isoformat() if k.checked_at else None,
            "snapshot_age_seconds": age,
            "stale_feeds": stale,
            "feeds": {
                f.series: {
                    "last_date": f.last_date.isoformat() if f.last_date else None,
                    "stale": f.stale,
                    "last_poll": f.last_poll.isoformat() if f.last_poll else None,
                    "last_error": f.last_error,
                }
                for f in k.feeds
            },
            "pending_deliveries": k.pending,
        }
        return (200 if k.database_ok and fresh else 503), body

    async def _healthz(self, request: web.Request) -> web.Response:
        await self._fresh()
        status, body = self.body()
        return web.json_response(body, status=status)

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )
