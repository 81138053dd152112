"""``/healthz`` and ``/metrics`` of a started Runtime, after real history went through it.

Health says which feeds are stale by the publishers' calendars (a Friday JGB
close is fresh on Sunday, BTC is not) and how old the last snapshot is, and
answers 503 until a snapshot exists or when it is too old. Metrics are
Prometheus text whose values come from what happened: the score gauge is the
stored snapshot's score, and counters move by exactly the alerts and
deliveries of the replay (the registry is process-wide, so deltas are compared).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pandas as pd
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.commands.feeds import WATCHED
from bot.runtime.app import Runtime
from bot.runtime.replay import ReplaySummary, SimClock, replay_days, replay_instant
from tests.bot.runtime.conftest import make_runtime

START, END = dt.date(2024, 7, 25), dt.date(2024, 8, 9)  # BoJ hike and the 5 Aug unwind; END: Fri
HEALTHCHECK = Path(__file__).resolve().parents[3] / "deploy" / "healthcheck.py"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def free_port() -> int:
    # CARRYWATCH_HTTP__PORT=0 means "off", so the test picks a free port itself.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def served(
    panel: pd.DataFrame, tmp_path: Path
) -> AsyncIterator[tuple[Runtime, SimClock, aiohttp.ClientSession]]:
    runtime, clock, _ = make_runtime(tmp_path / "health.db", panel, START)
    runtime.settings.http.port = free_port()
    await runtime.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield runtime, clock, session
    finally:
        await runtime.stop()


def _url(runtime: Runtime, path: str) -> str:
    assert runtime.health is not None and runtime.health.port
    return f"http://127.0.0.1:{runtime.health.port}{path}"


async def healthz(runtime: Runtime, session: aiohttp.ClientSession) -> tuple[int, dict[str, Any]]:
    async with session.get(_url(runtime, "/healthz")) as resp:
        assert resp.content_type == "application/json"
        return resp.status, await resp.json()


async def metrics(runtime: Runtime, session: aiohttp.ClientSession) -> Samples:
    async with session.get(_url(runtime, "/metrics")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def probe(runtime: Runtime) -> int:
    """deploy/healthcheck.py, as the container runs it."""
    assert runtime.health is not None
    env = {**os.environ, "CARRYWATCH_HTTP__PORT": str(runtime.health.port)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(HEALTHCHECK),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(proc.wait(), 30)


async def test_healthz_is_503_until_the_first_snapshot(
    served: tuple[Runtime, SimClock, aiohttp.ClientSession],
) -> None:
    runtime, _, session = served
    status, body = await healthz(runtime, session)
    assert status == 503
    assert body["status"] == "down"
    assert body["snapshot_age_seconds"] is None
    assert body["stale_feeds"] == [series for series, _ in WATCHED]  # nothing stored yet
    assert all(f["last_date"] is None for f in body["feeds"].values())
    assert await probe(runtime) == 1


async def test_healthz_names_stale_feeds_and_the_snapshot_age(
    served: tuple[Runtime, SimClock, aiohttp.ClientSession], panel: pd.DataFrame
) -> None:
    runtime, clock, session = served
    await replay_days(runtime, clock, panel, START, END)
    stored = await runtime.store.latest_snapshot()
    assert stored is not None and stored.as_of == END

    status, body = await healthz(runtime, session)
    assert (status, body["status"], body["stale_feeds"]) == (200, "ok", [])
    # the replay's clock may have moved on to a delivery retry after the last snapshot
    assert body["snapshot_age_seconds"] == (clock.now - stored.computed_at).total_seconds()
    assert body["snapshot_age_seconds"] < 600
    assert body["feeds"]["jgb.40y"]["last_date"] == END.isoformat()
    assert body["pending_deliveries"] == 0
    assert await probe(runtime) == 0

    clock.now = replay_instant(END) + dt.timedelta(hours=2)
    status, body = await healthz(runtime, session)
    assert status == 200
    assert body["snapshot_age_seconds"] == (clock.now - stored.computed_at).total_seconds() == 7200

    # Sunday evening: Friday's JGB, FX and Treasury closes are the newest there
    # should be, but BTC trades every day; the snapshot is now older than 26 h.
    clock.now = replay_instant(END + dt.timedelta(days=2))
    status, body = await healthz(runtime, session)
    assert (status, body["status"], body["stale_feeds"]) == (503, "down", ["btc"])
    assert body["feeds"]["btc"]["stale"] and not body["feeds"]["jgb.10y"]["stale"]
    assert value(await metrics(runtime, session), "carrywatch_feed_stale", series="btc") == 1
    assert await probe(runtime) == 1

    clock.now = replay_instant(END + dt.timedelta(days=10))
    status, body = await healthz(runtime, session)
    assert status == 503
    assert body["stale_feeds"] == [series for series, _ in WATCHED]


async def test_metrics_report_what_the_replay_did(
    served: tuple[Runtime, SimClock, aiohttp.ClientSession], panel: pd.DataFrame
) -> None:
    runtime, clock, session = served
    before = await metrics(runtime, session)
    summary: ReplaySummary = await replay_days(runtime, clock, panel, START, END)
    after = await metrics(runtime, session)
    stored = await runtime.store.latest_snapshot()
    assert stored is not None and stored.score is not None

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert value(after, "carrywatch_score") == pytest.approx(stored.score)
    for name, comp in stored.payload["components"].items():
        if comp["score"] is not None:
            assert value(after, "carrywatch_component_score", component=name) == pytest.approx(
                comp["score"]
            )

    # Every alert event of the replay, by kind and level; the unwind among them
    # (USD/JPY -5 % in 5 days on 2 Aug, once the Yahoo close is on its own date)
    assert (dt.date(2024, 8, 2), "yen-squeeze", "firing", "severe") in summary.alerts
    by_kind = Counter((kind, level) for _, _, kind, level in summary.alerts)
    for (kind, level), n in by_kind.items():
        assert delta("carrywatch_alerts_total", kind=kind, level=level) == n
    # The console is the one subscriber: one delivery per event, all delivered.
    assert delta("carrywatch_deliveries_total", platform="console", result="delivered") == len(
        summary.alerts
    )
    assert runtime.console is not None
    assert sum(len(m.events) for m in runtime.console.sent) == len(summary.alerts)
    assert delta("carrywatch_delivery_latency_seconds_count", platform="console") == len(
        runtime.console.sent
    )
    # Every replayed observation was stored once; one evaluation per market day.
    stored_obs = await runtime.store.load_observations(since=START)
    assert delta("carrywatch_observations_total", series="all", outcome="inserted") == len(
        stored_obs
    )
    assert delta("carrywatch_evaluation_seconds_count") == summary.days
    # Real history is clean: the quality gate refused nothing.
    quality = [k for k in after if k[0] == "carrywatch_quality_events_total"]
    assert sum(after[k] - before.get(k, 0.0) for k in quality) == 0
