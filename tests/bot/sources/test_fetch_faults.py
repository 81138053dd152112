"""The real HttpFetcher and sources against the provider stand-in, fault by fault.

Each test pins what a poller sees for one failure mode of a real provider:
the error kind it gets back, how many requests went out (retries), and what
the quality gate records.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.quality.events import QualityKind
from bot.quality.gate import QualityGate
from bot.sources.base import FailureKind
from bot.sources.breaker import BreakerState, CircuitBreaker
from bot.sources.coinbase import CoinbaseSource
from bot.sources.errors import SourceRejected, SourceUnavailable
from bot.sources.frankfurter import FrankfurterSource
from bot.sources.http import HttpFetcher, RetryPolicy
from bot.sources.kraken import KrakenSource
from bot.sources.mof import MofSource
from bot.sources.treasury import TreasurySource
from tests.standins.providers import ProviderStandin

KRAKEN_NOW = dt.datetime(2026, 8, 17, 12, tzinfo=dt.UTC)
COINBASE_NOW = dt.datetime(2026, 8, 11, 0, 30, tzinfo=dt.UTC)
TREASURY_NOW = dt.datetime(2023, 9, 2, 12, tzinfo=dt.UTC)
DISAGREE_MULTIPLIER = 1.03  # test-made disagreement: real closes scaled by 3 %


def gate_at(now: dt.datetime) -> QualityGate:
    return QualityGate(lambda: now)


async def test_success_then_304_with_conditional_headers(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    src = KrakenSource(standin.url("kraken"))
    first = await src.fetch(http, KRAKEN_NOW)
    assert first.ok
    assert len(first.observations) == 9
    assert first.etag
    assert first.last_modified
    first.stored()  # the pipeline's call once the observations are committed
    second = await src.fetch(http, KRAKEN_NOW)
    assert second.not_modified
    assert second.observations == ()
    sent = standin.log[-1].headers
    assert sent["If-None-Match"] == first.etag
    assert sent["If-Modified-Since"] == first.last_modified
    assert gate_at(KRAKEN_NOW).check(second, {}).events == ()


async def test_if_modified_since_alone_gives_304(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    src = TreasurySource(standin.url("treasury"))
    first = await src.fetch(http, TREASURY_NOW)
    assert first.ok
    resp = await http.get(src.url(TREASURY_NOW), source="treasury", conditional=False)
    assert resp.status == 200
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.get(
            src.url(TREASURY_NOW), headers={"If-Modified-Since": first.last_modified or ""}
        ) as raw,
    ):
        assert raw.status == 304


async def test_500_retried_then_success(
    standin: ProviderStandin, http: HttpFetcher, sleeps: list[float]
) -> None:
    standin.set_fault("kraken", "status_500", times=2)
    result = await KrakenSource(standin.url("kraken")).fetch(http, KRAKEN_NOW)
    assert result.ok
    assert result.attempts == 3
    assert standin.requests["kraken"] == 3
    assert len(sleeps) == 2
    assert all(0 <= s <= 5.0 for s in sleeps)  # jittered exponential, capped


async def test_500_forever_is_fetch_failed_after_retries(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    standin.set_fault("coinbase", "status_500")
    result = await CoinbaseSource(standin.url("coinbase")).fetch(http, COINBASE_NOW)
    assert result.failure is FailureKind.FETCH_FAILED
    assert result.attempts == 3
    assert standin.requests["coinbase"] == 3
    events = gate_at(COINBASE_NOW).check(result, {}).events
    assert [e.kind for e in events] == [QualityKind.FETCH_FAILED]
    assert events[0].series is None


async def test_404_is_not_retried(standin: ProviderStandin, http: HttpFetcher) -> None:
    with pytest.raises(SourceRejected) as err:
        await http.get(standin.url("kraken") + "/OHLC?pair=USDJPY&interval=1440", source="kraken")
    assert err.value.status == 404
    assert standin.requests["kraken"] == 1
    result = await KrakenSource(standin.url("kraken"), pair="USDJPY").fetch(http, KRAKEN_NOW)
    assert result.failure is FailureKind.FETCH_FAILED
    assert standin.requests["kraken"] == 2


async def test_429_honours_retry_after(
    standin: ProviderStandin, http: HttpFetcher, sleeps: list[float]
) -> None:
    standin.set_fault("frankfurter", "status_429", times=1, retry_after="7")
    src = FrankfurterSource(standin.url("frankfurter"))
    result = await src.fetch(http, dt.datetime(2026, 7, 8, 16, tzinfo=dt.UTC))
    assert result.ok
    assert sleeps == [7.0]
    assert standin.requests["frankfurter"] == 2


async def test_429_with_long_retry_after_is_handed_back(
    standin: ProviderStandin, http: HttpFetcher, sleeps: list[float]
) -> None:
    standin.set_fault("frankfurter", "status_429", retry_after="3600")
    with pytest.raises(SourceUnavailable) as err:
        await http.get(standin.url("frankfurter") + "/2026-07-01..", source="frankfurter")
    assert err.value.retry_after == 3600
    assert err.value.status == 429
    assert sleeps == []
    assert standin.requests["frankfurter"] == 1


async def test_timeout_is_fetch_failed(standin: ProviderStandin, http: HttpFetcher) -> None:
    standin.set_fault("mof", "timeout")
    result = await MofSource(standin.url("mof")).fetch(http, KRAKEN_NOW)
    assert result.failure is FailureKind.FETCH_FAILED
    assert "timed out" in (result.error or "")
    assert standin.requests["mof"] == 3


async def test_slow_drip_is_cut_by_the_total_timeout(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    """Bytes keep arriving (every 20 ms) but the whole body would take seconds."""
    standin.set_fault("treasury", "slow_drip")
    result = await TreasurySource(standin.url("treasury")).fetch(http, TREASURY_NOW)
    assert result.failure is FailureKind.FETCH_FAILED
    assert "timed out" in (result.error or "")


@pytest.mark.parametrize(
    ("provider", "mode", "kind"),
    [
        ("kraken", "html_200", QualityKind.HTML_BODY),
        ("treasury", "html_200", QualityKind.HTML_BODY),
        ("kraken", "empty", QualityKind.EMPTY),
        ("mof", "empty", QualityKind.EMPTY),
        ("kraken", "truncated", QualityKind.TRUNCATED),
        ("coinbase", "truncated", QualityKind.TRUNCATED),
        ("treasury", "truncated", QualityKind.TRUNCATED),
    ],
)
async def test_bad_bodies_become_events_not_values(
    standin: ProviderStandin, http: HttpFetcher, provider: str, mode: str, kind: QualityKind
) -> None:
    sources = {
        "kraken": (KrakenSource(standin.url("kraken")), KRAKEN_NOW),
        "coinbase": (CoinbaseSource(standin.url("coinbase")), COINBASE_NOW),
        "treasury": (TreasurySource(standin.url("treasury")), TREASURY_NOW),
        "mof": (MofSource(standin.url("mof")), KRAKEN_NOW),
    }
    src, now = sources[provider]
    standin.set_fault(provider, mode)
    result = await src.fetch(http, now)
    assert result.observations == ()
    assert result.failure is not None
    assert result.failure.value == kind.value
    assert standin.requests[provider] == 1  # a bad body is not retried
    gated = gate_at(now).check(result, {})
    assert gated.accepted == ()
    assert [e.kind for e in gated.events] == [kind]


async def test_rejected_body_is_not_remembered_for_304(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    src = KrakenSource(standin.url("kraken"))
    first = await src.fetch(http, KRAKEN_NOW)
    assert first.ok
    first.stored()
    standin.set_fault("kraken", "html_200", times=1)
    assert (await src.fetch(http, KRAKEN_NOW)).failure is FailureKind.HTML_BODY
    again = await src.fetch(http, KRAKEN_NOW)
    assert "If-None-Match" not in standin.log[-1].headers
    assert again.ok
    assert len(again.observations) == 9


async def test_stale_body_is_flagged_stale(standin: ProviderStandin, http: HttpFetcher) -> None:
    standin.set_fault("coinbase", "stale")
    result = await CoinbaseSource(standin.url("coinbase")).fetch(http, COINBASE_NOW)
    assert result.ok
    newest = result.observations[-1].date
    assert newest == dt.date(2026, 8, 7)  # three newest candles missing
    gate = gate_at(COINBASE_NOW)
    assert gate.staleness("btc", newest, COINBASE_NOW)
    assert [e.kind for e in gate.stale_events({"btc": newest})] == [QualityKind.STALE]
    assert not gate.staleness("btc", dt.date(2026, 8, 10), COINBASE_NOW)


async def test_disagreeing_provider_is_caught(standin: ProviderStandin, http: HttpFetcher) -> None:
    def scale_closes(body: bytes) -> bytes:
        rows = json.loads(body)
        return json.dumps([[*r[:4], r[4] * DISAGREE_MULTIPLIER, r[5]] for r in rows]).encode()

    standin.set_fault("coinbase", "disagree", transform=scale_closes)
    kraken = await KrakenSource(standin.url("kraken")).fetch(http, KRAKEN_NOW)
    coinbase = await CoinbaseSource(standin.url("coinbase")).fetch(http, KRAKEN_NOW)
    k = {o.date: o for o in kraken.observations}
    c = {o.date: o for o in coinbase.observations}
    common = sorted(set(k) & set(c))
    assert common == [dt.date(2026, 8, d) for d in (8, 9, 10)]
    gate = gate_at(KRAKEN_NOW)
    events = [gate.cross_check("btc", k[d], c[d]) for d in common]
    assert all(e is not None and e.kind is QualityKind.DISAGREEMENT for e in events)


async def test_breaker_opens_then_half_opens(standin: ProviderStandin, http: HttpFetcher) -> None:
    clock = [1000.0]
    breaker = CircuitBreaker("kraken", failure_threshold=2, cooldown=60, clock=lambda: clock[0])
    src = KrakenSource(standin.url("kraken"), breaker=breaker)
    standin.set_fault("kraken", "status_500")
    for _ in range(2):
        assert (await src.fetch(http, KRAKEN_NOW)).failure is FailureKind.FETCH_FAILED
    assert breaker.state is BreakerState.OPEN
    sent = standin.requests["kraken"]
    refused = await src.fetch(http, KRAKEN_NOW)
    assert refused.failure is FailureKind.CIRCUIT_OPEN
    assert standin.requests["kraken"] == sent  # no request while open
    assert gate_at(KRAKEN_NOW).check(refused, {}).events[0].kind is QualityKind.CIRCUIT_OPEN

    clock[0] += 60
    assert breaker.state is BreakerState.HALF_OPEN
    assert (await src.fetch(http, KRAKEN_NOW)).failure is FailureKind.FETCH_FAILED  # probe fails
    assert breaker.state is BreakerState.OPEN

    clock[0] += 60
    standin.clear_fault("kraken")
    probe = await src.fetch(http, KRAKEN_NOW)
    assert probe.ok
    assert breaker.state is BreakerState.CLOSED


async def test_half_open_allows_one_probe_at_a_time() -> None:
    clock = [0.0]
    breaker = CircuitBreaker("x", failure_threshold=1, cooldown=10, clock=lambda: clock[0])
    breaker.record_failure()
    assert not breaker.allow()
    clock[0] = 10
    assert breaker.allow()
    assert not breaker.allow()  # second caller waits for the probe's outcome
    breaker.record_success()
    assert breaker.allow()


async def test_body_size_limit(standin: ProviderStandin) -> None:
    async with HttpFetcher(timeout=1.0, max_body=100, retry=RetryPolicy(attempts=1)) as small:
        result = await KrakenSource(standin.url("kraken")).fetch(small, KRAKEN_NOW)
    assert result.failure is FailureKind.MALFORMED
    assert "too large" in (result.error or "") or "exceeds" in (result.error or "")


async def test_mof_fetch_all_stitches_history_and_current_month(
    standin: ProviderStandin, http: HttpFetcher
) -> None:
    result = await MofSource(standin.url("mof")).fetch_all(http, KRAKEN_NOW)
    assert result.ok
    ten = [o for o in result.observations if o.series == "jgb.10y"]
    assert ten[0].date == dt.date(1986, 7, 5)
    assert ten[-1].date == dt.date(2026, 6, 30)
    assert len({o.date for o in ten}) == len(ten)  # the overlap is not doubled
