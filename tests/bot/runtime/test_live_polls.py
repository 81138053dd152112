"""Live polling against the provider stand-ins: recorded real bodies in, observations,
quality events and poll records out — and no alert from a bad feed."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pandas as pd
import pytest

from bot.runtime.app import Runtime
from bot.runtime.jobs import build_jobs
from bot.runtime.replay import SimClock
from bot.settings import Settings, SourceSettings
from tests.standins.providers import ProviderStandin

NOW = dt.datetime(2026, 8, 18, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
async def providers(api_samples: Path, history_dir: Path) -> AsyncIterator[ProviderStandin]:
    async with ProviderStandin(api_samples, history_dir) as p:
        yield p


def settings_for(p: ProviderStandin, db: Path) -> Settings:
    s = Settings(database_url=f"sqlite+aiosqlite:///{db}")
    s.sources = {
        n: SourceSettings(url=p.url(n), timeout=2.0)
        for n in ("mof", "treasury", "frankfurter", "kraken", "coinbase", "coinbase_rates")
    }
    s.alerts.console = True
    return s


async def poll_everything(runtime: Runtime, clock: SimClock) -> None:
    for job in build_jobs(runtime.settings):
        await runtime.poll(job)
    clock.now += dt.timedelta(hours=1)  # past the cross-check wait
    await runtime.pipeline.flush()


async def start_runtime(
    p: ProviderStandin, db: Path, panel: pd.DataFrame
) -> tuple[Runtime, SimClock]:
    clock = SimClock(NOW)
    runtime = Runtime(
        settings_for(p, db), clock=clock, console_stream=io.StringIO(), poll=False, history=panel
    )
    await runtime.start()
    await runtime.http.start()
    return runtime, clock


async def test_a_poll_of_every_provider_stores_real_observations(
    providers: ProviderStandin, panel: pd.DataFrame, tmp_path: Path
) -> None:
    runtime, clock = await start_runtime(providers, tmp_path / "live.db", panel)
    try:
        await poll_everything(runtime, clock)
        latest = await runtime.store.latest_observation_dates()
        # Coinbase 1-10 Aug and Kraken 8-17 Aug (the 17th still in progress: dropped)
        assert latest["btc"] == dt.date(2026, 8, 16)
        assert latest["usdjpy"] == dt.date(2026, 7, 8)  # Frankfurter's recorded window
        stored = {
            o.date: o
            for o in await runtime.store.load_observations(
                since=dt.date(2026, 8, 8), series=["btc"]
            )
        }
        assert (
            stored[dt.date(2026, 8, 9)].source == "coinbase"
        )  # both reported: the primary's value
        assert (
            stored[dt.date(2026, 8, 14)].source == "kraken"
        )  # only Kraken: released after the wait
        poll = json.loads(await runtime.store.meta_get("poll.coinbase") or "{}")
        assert poll["error"] is None and poll["at"].startswith("2026-08-18")
        kinds = {(e.source, e.kind) for e in await runtime.store.recent_quality_events(50)}
        assert ("kraken", "fetch_failed") in kinds  # the stand-in has no USD/JPY pair: 404
        assert (await runtime.store.latest_snapshot()) is not None
    finally:
        await runtime.stop()


async def test_bad_feeds_become_quality_events_never_alerts(
    providers: ProviderStandin, panel: pd.DataFrame, tmp_path: Path
) -> None:
    providers.set_fault("coinbase", "html_200")
    providers.set_fault("kraken", "empty")
    providers.set_fault("frankfurter", "truncated")

    def off_by_8_percent(body: bytes) -> bytes:  # labelled test transform of the real body
        doc = json.loads(body)
        for bar in doc["result"]["XXBTZUSD"]:
            for i in range(1, 6):
                bar[i] = f"{float(bar[i]) * 1.08:.1f}"
        return json.dumps(doc).encode()

    runtime, clock = await start_runtime(providers, tmp_path / "bad.db", panel)
    try:
        await poll_everything(runtime, clock)
        events = await runtime.store.recent_quality_events(100)
        kinds = {(e.source, e.kind) for e in events}
        assert ("coinbase", "html_body") in kinds
        assert ("kraken", "empty") in kinds
        # a JSON body cut mid-way reads as malformed JSON; a CSV one as truncated
        assert kinds & {("frankfurter", "truncated"), ("frankfurter", "malformed")}
        latest = await runtime.store.latest_observation_dates()
        assert "btc" not in latest  # nothing stored from the HTML page or the empty body
        assert "usdjpy" not in latest  # nor from the truncated one
        assert runtime.console is not None and runtime.console.sent == []
    finally:
        await runtime.stop()

    providers.clear_fault("coinbase")
    providers.clear_fault("frankfurter")
    providers.set_fault("kraken", "disagree", transform=off_by_8_percent)
    runtime, clock = await start_runtime(providers, tmp_path / "disagree.db", panel)
    try:
        await poll_everything(runtime, clock)
        events = await runtime.store.recent_quality_events(100)
        disagreements = {e.date for e in events if e.kind == "disagreement"}
        assert disagreements == {dt.date(2026, 8, d) for d in (8, 9, 10)}
        days = {
            o.date
            for o in await runtime.store.load_observations(
                since=dt.date(2026, 8, 1), series=["btc"]
            )
        }
        assert not days & disagreements  # neither provider's value became a market move
    finally:
        await runtime.stop()


async def test_stale_feeds_are_recorded_once_per_episode(
    providers: ProviderStandin, panel: pd.DataFrame, tmp_path: Path
) -> None:
    runtime, clock = await start_runtime(providers, tmp_path / "stale.db", panel)
    try:
        await poll_everything(runtime, clock)
        clock.now = dt.datetime(
            2026, 8, 17, 3, tzinfo=dt.UTC
        )  # the 16 Aug BTC close is the latest due
        stale = await runtime.check_staleness()
        # BTC was polled up to 16 Aug; Frankfurter's recording ends 8 Jul; no JGB was new
        assert "btc" not in stale and {"usdjpy", "jgb.40y"} <= set(stale)
        first = [e for e in await runtime.store.recent_quality_events(200) if e.kind == "stale"]
        assert {e.series for e in first} == set(stale)
        clock.now += dt.timedelta(minutes=15)
        assert await runtime.check_staleness() == stale
        again = [e for e in await runtime.store.recent_quality_events(200) if e.kind == "stale"]
        assert len(again) == len(first)  # still stale: not recorded twice
    finally:
        await runtime.stop()


async def test_a_live_yen_move_reaches_the_score_on_the_poll_both_venues_answer(
    providers: ProviderStandin, panel: pd.DataFrame, tmp_path: Path
) -> None:
    """Kraken's USD/JPY bar of the day and Coinbase's spot rate, polled over HTTP by
    their real jobs, agree: the day's score moves on that poll round, with no wait
    for the cross-check deadline. No real bodies of either were recorded; they are
    built in each provider's documented shape around the real 5 Aug 2024 close."""
    day = dt.date(2024, 8, 5)
    close = float(panel.loc[pd.Timestamp(day), "usdjpy"])
    opened = int(dt.datetime(2024, 8, 5, tzinfo=dt.UTC).timestamp())
    bar = [opened, "146.50", "146.60", f"{close - 0.5:.3f}", f"{close:.3f}", "145.9", "12.5", 40]
    kraken = {"error": [], "result": {"ZUSDZJPY": [bar], "last": opened - 86_400}}
    providers.serve("kraken", "OHLC", json.dumps(kraken).encode(), pair="USDJPY")
    rates = {"data": {"currency": "USD", "rates": {"JPY": f"{close * 1.0003:.4f}"}}}
    providers.serve("coinbase_rates", "exchange-rates", json.dumps(rates).encode(), currency="USD")
    clock = SimClock(dt.datetime(2024, 8, 5, 6, 0, tzinfo=dt.UTC))
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'yen.db'}")
    settings.sources = {
        n: SourceSettings(url=providers.url(n), timeout=2.0) for n in ("kraken", "coinbase_rates")
    }
    history = panel.loc[: pd.Timestamp(day) - pd.Timedelta(days=1)]
    runtime = Runtime(
        settings, clock=clock, console_stream=io.StringIO(), poll=False, history=history
    )
    await runtime.start()
    await runtime.http.start()
    try:
        jobs = {j.job_id: j for j in build_jobs(settings)}
        await runtime.poll(jobs["kraken-usdjpy"])
        assert (await runtime.store.latest_observation_dates()).get("usdjpy") != day  # held
        await runtime.poll(jobs["coinbase-rates"])  # same poll round, no deadline passed
        stored = await runtime.store.load_observations(since=day, series=["usdjpy"])
        snapshot = await runtime.store.latest_snapshot()
    finally:
        await runtime.stop()
    assert [(o.date, o.source, o.value) for o in stored] == [(day, "kraken", float(f"{close:.3f}"))]
    assert snapshot is not None and snapshot.as_of == day
    assert providers.requests["coinbase_rates"] == 1
