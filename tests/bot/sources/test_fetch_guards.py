"""The fetch edge against the provider stand-in: content types, the breaker's probe, ETags."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.quality.events import QualityKind
from bot.quality.gate import QualityGate
from bot.runtime.app import Runtime
from bot.runtime.jobs import build_jobs
from bot.runtime.replay import SimClock
from bot.settings import Settings, SourceSettings
from bot.sources.base import FailureKind
from bot.sources.breaker import BreakerState, CircuitBreaker
from bot.sources.http import HttpFetcher
from bot.sources.kraken import KrakenSource
from bot.sources.mof import MofSource
from bot.sources.treasury import TreasurySource
from bot.store import observations as observations_store
from signals.observation import Observation
from tests.standins.providers import ProviderStandin

KRAKEN_NOW = dt.datetime(2026, 8, 17, 12, tzinfo=dt.UTC)
TREASURY_NOW = dt.datetime(2023, 9, 2, 12, tzinfo=dt.UTC)
MOF_NOW = dt.datetime(2026, 8, 18, 6, 0, tzinfo=dt.UTC)  # a Tokyo business day


async def test_json_served_as_html_is_an_html_body(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    standin.set_fault("kraken", "content_type", content_type="text/html")
    result = await KrakenSource(standin.url("kraken")).fetch(http, KRAKEN_NOW)
    assert result.failure is FailureKind.HTML_BODY
    assert result.observations == ()
    gated = QualityGate(lambda: KRAKEN_NOW).check(result, {})
    assert [e.kind for e in gated.events] == [QualityKind.HTML_BODY]
    assert "text/html" in gated.events[0].detail


async def test_csv_served_as_json_is_malformed(standin: ProviderStandin, http: HttpFetcher) -> None:
    standin.set_fault("treasury", "content_type", content_type="application/json")
    result = await TreasurySource(standin.url("treasury")).fetch(http, TREASURY_NOW)
    assert result.failure is FailureKind.MALFORMED


@pytest.mark.parametrize("served_as", ["application/octet-stream", "text/plain", "text/csv"])
async def test_mof_accepts_what_static_file_servers_send(
    standin: ProviderStandin, http: HttpFetcher, served_as: str
) -> None:
    standin.set_fault("mof", "content_type", content_type=served_as)
    result = await MofSource(standin.url("mof")).fetch(http, MOF_NOW)
    assert result.ok, result.error
    assert len(result.observations) == 22 * 15


class BuggyOnce(KrakenSource):
    """A parser with a bug that fires once (test double for an unforeseen exception)."""

    bug = True

    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        if self.bug:
            self.bug = False
            raise OverflowError("int too large to convert to float")
        return super().parse(body, fetched_at)


def open_breaker(clock: list[float]) -> CircuitBreaker:
    breaker = CircuitBreaker("kraken", failure_threshold=1, cooldown=60, clock=lambda: clock[0])
    breaker.record_failure()
    clock[0] += 60
    assert breaker.state is BreakerState.HALF_OPEN
    return breaker


async def test_a_parser_bug_in_the_half_open_probe_reopens_the_breaker(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    clock = [1000.0]
    breaker = open_breaker(clock)
    src = BuggyOnce(standin.url("kraken"), breaker=breaker)
    probe = await src.fetch(http, KRAKEN_NOW)
    assert probe.failure is FailureKind.MALFORMED
    assert probe.error is not None and "OverflowError" in probe.error
    assert breaker.state is BreakerState.OPEN  # re-opened, not stuck half-open
    clock[0] += 60
    again = await src.fetch(http, KRAKEN_NOW)
    assert again.ok
    assert breaker.state is BreakerState.CLOSED


async def test_a_cancelled_probe_reopens_the_breaker(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    clock = [1000.0]
    breaker = open_breaker(clock)
    src = KrakenSource(standin.url("kraken"), breaker=breaker)
    standin.set_fault("kraken", "timeout", times=1)
    task = asyncio.create_task(src.fetch(http, KRAKEN_NOW))
    for _ in range(500):  # until the stand-in holds the request (bounded)
        if standin.requests["kraken"]:
            break
        await asyncio.sleep(0.01)
    assert standin.requests["kraken"] == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert breaker.state is BreakerState.OPEN
    clock[0] += 60
    assert (await src.fetch(http, KRAKEN_NOW)).ok
    assert breaker.state is BreakerState.CLOSED


def test_a_probe_never_answered_is_taken_as_lost_after_a_cooldown() -> None:
    clock = [0.0]
    breaker = open_breaker(clock)
    assert breaker.allow()  # the probe goes out and its caller vanishes
    assert not breaker.allow()
    clock[0] += 59
    assert not breaker.allow()
    clock[0] += 1
    assert breaker.allow()  # a new probe: the provider is not refused until restart


def settings_for(p: ProviderStandin, db: Path) -> Settings:
    s = Settings(database_url=f"sqlite+aiosqlite:///{db}")
    s.history_dir = None  # no history: MOF's June rows are new, so the poll must store them
    s.sources = {"mof": SourceSettings(url=p.url("mof"), timeout=2.0)}
    s.alerts.console = True
    return s


async def test_a_database_error_after_a_fetch_keeps_the_old_etag(
    standin: ProviderStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = Runtime(
        settings_for(standin, tmp_path / "etag.db"),
        clock=SimClock(MOF_NOW),
        console_stream=io.StringIO(),
        poll=False,
    )
    await runtime.start()
    await runtime.http.start()
    try:
        store = runtime.store
        real_upsert = observations_store.upsert_observations
        failures = [OperationalError("INSERT", {}, Exception("disk I/O error"))]

        async def fails_once(session, obs):  # type: ignore[no-untyped-def]
            if failures:
                raise failures.pop()
            return await real_upsert(session, obs)

        # the pipeline upserts inside its one transaction, through the module function
        monkeypatch.setattr(observations_store, "upsert_observations", fails_once)
        (job,) = [j for j in build_jobs(runtime.settings) if isinstance(j.source, MofSource)]
        with pytest.raises(OperationalError):
            await runtime.poll(job)
        assert "jgb.40y" not in await store.latest_observation_dates()

        await runtime.poll(job)  # the same body again, not a 304
        assert "If-None-Match" not in standin.log[-1].headers
        stored = await store.load_observations(since=dt.date(2026, 6, 30), series=["jgb.40y"])
        assert [(o.date, o.value) for o in stored] == [(dt.date(2026, 6, 30), 3.792)]

        await runtime.poll(job)  # now stored: the validators advanced
        assert standin.log[-1].headers.get("If-None-Match")
        assert standin.requests["mof"] == 3
    finally:
        await runtime.stop()


async def test_values_held_for_a_cross_check_keep_the_old_etag(
    standin: ProviderStandin, tmp_path: Path
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'held.db'}")
    settings.history_dir = None
    settings.sources = {"coinbase": SourceSettings(url=standin.url("coinbase"), timeout=2.0)}
    clock = SimClock(dt.datetime(2026, 8, 11, 0, 30, tzinfo=dt.UTC))
    runtime = Runtime(settings, clock=clock, console_stream=io.StringIO(), poll=False)
    await runtime.start()
    await runtime.http.start()
    try:
        (job,) = build_jobs(runtime.settings)
        await runtime.poll(job)  # BTC waits for Kraken's word: held, not stored
        assert runtime.pipeline.crosscheck.holds("coinbase")
        await runtime.poll(job)
        assert "If-None-Match" not in standin.log[-1].headers  # a restart would lose nothing
        clock.now += dt.timedelta(hours=1)
        await runtime.pipeline.flush()  # no partner came: released and stored
        assert (await runtime.store.latest_observation_dates())["btc"] == dt.date(2026, 8, 10)
        await runtime.poll(job)  # known dates only: now the validators may advance
        await runtime.poll(job)
        assert standin.log[-1].headers.get("If-None-Match")
    finally:
        await runtime.stop()


async def test_a_frankfurter_date_twice_stores_nothing_and_alerts_nobody(
    standin: ProviderStandin, tmp_path: Path
) -> None:
    def date_twice_second_lower(body: bytes) -> bytes:  # test-made: the body
        entry = b'"2026-07-08":{"CNY":6.8002,"INR":95.56,"JPY":162.49}'
        assert entry in body
        return body.replace(entry, entry + b',"2026-07-08":{"JPY":154.37}')

    standin.set_fault("frankfurter", "disagree", transform=date_twice_second_lower)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'dup.db'}")
    settings.history_dir = None
    settings.alerts.console = True
    settings.sources = {"frankfurter": SourceSettings(url=standin.url("frankfurter"), timeout=2.0)}
    clock = SimClock(dt.datetime(2026, 7, 8, 17, tzinfo=dt.UTC))
    runtime = Runtime(settings, clock=clock, console_stream=io.StringIO(), poll=False)
    await runtime.start()
    await runtime.http.start()
    try:
        (job,) = build_jobs(runtime.settings)
        await runtime.poll(job)
        clock.now += dt.timedelta(hours=1)
        await runtime.pipeline.flush()
        assert "usdjpy" not in await runtime.store.latest_observation_dates()
        events = await runtime.store.recent_quality_events(10)
        assert [(e.source, e.kind) for e in events] == [("frankfurter", "malformed")]
        assert "appears twice" in events[0].detail
        assert runtime.console is not None and runtime.console.sent == []
    finally:
        await runtime.stop()
