"""Issue 8 §3: intraday values are the day's provisional value, live and in replay.

Real data only: the Binance hourly BTC klines of Aug 2024 and the daily history.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.quality.gate import QualityGate
from bot.runtime.intraday import (
    HourlyHistoryError,
    intraday_steps,
    load_hourly_btc,
    replay_intraday,
)
from bot.sources.base import FetchResult
from bot.store.store import Store
from signals.backtest import run_backtest
from signals.observation import Observation
from tests.bot.runtime.conftest import make_runtime

AUG5 = dt.date(2024, 8, 5)


def utc(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=hour)


@pytest.fixture(scope="module")
def hourly(history_dir: Path) -> pd.Series:
    return load_hourly_btc(history_dir)


def test_hourly_file_is_indexed_by_when_each_close_was_known(hourly: pd.Series) -> None:
    assert len(hourly) == 744  # every hour of August 2024
    assert hourly.index[0] == pd.Timestamp("2024-08-01 01:00", tz="UTC")  # the 00:00 bar's end
    assert hourly[pd.Timestamp("2024-08-05 06:00", tz="UTC")] == 52718.00  # 05:00 bar close


def test_a_history_dir_without_the_hourly_file_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "btc").mkdir()
    with pytest.raises(HourlyHistoryError, match="no hourly BTC file"):
        load_hourly_btc(tmp_path)


def test_steps_hours_are_provisional_and_the_close_replaces_them(
    panel: pd.DataFrame, hourly: pd.Series
) -> None:
    steps = list(intraday_steps(panel, hourly, AUG5, AUG5))
    times = [s.at for s in steps]
    assert times == sorted(times)
    ticks = [o for s in steps for o in s.observations if o.provisional]
    assert [o.fetched_at for o in ticks] == [utc(AUG5, h) for h in range(1, 24)]
    assert {(o.series, o.date) for o in ticks} == {("btc", AUG5)}
    last = steps[-1]
    assert last.at == utc(AUG5, 24)
    [close] = last.observations
    assert not close.provisional and close.value == panel.loc[pd.Timestamp(AUG5), "btc"]
    evening = [s for s in steps if any(o.series == "usdjpy" for o in s.observations)]
    assert [s.at for s in evening] == [utc(AUG5, 22)]


def test_gate_lets_a_provisional_day_be_replaced_but_not_a_closed_one() -> None:
    now = utc(AUG5, 6)
    gate = QualityGate(lambda: now)
    tick = Observation("btc", AUG5, 54432.65, "coinbase", utc(AUG5, 2), provisional=True)
    later = Observation("btc", AUG5, 52718.0, "coinbase", now, provisional=True)
    assert gate.check_observations("coinbase", [later], {"btc": tick}).accepted == (later,)
    closed = Observation("btc", AUG5, 53991.45, "coinbase", now)
    again = Observation("btc", AUG5, 52718.0, "coinbase", now)
    assert gate.check_observations("coinbase", [again], {"btc": closed}).accepted == ()


async def test_intraday_replay_moves_the_score_hourly_and_closed_days_match_the_backtest(
    panel: pd.DataFrame, hourly: pd.Series, tmp_path: Path
) -> None:
    """Within one poll the BTC crash moves the score; once closed, a day's live score
    is the backtest's (incremental == vectorised)."""
    start, end = dt.date(2024, 8, 3), AUG5
    db = tmp_path / "intraday.db"
    runtime, clock, _ = make_runtime(db, panel, start)
    await runtime.start()
    try:
        await replay_intraday(runtime, clock, panel, hourly, start, end)
    finally:
        await runtime.stop()
    async with Store(f"sqlite+aiosqlite:///{db}") as store:
        snaps = await store.snapshots_between(start, end, latest_per_day=False)
    aug5 = [s for s in snaps if s.as_of == AUG5]
    crypto = {s.computed_at: s.payload["components"]["crypto_liquidation"]["score"] for s in aug5}
    assert crypto[utc(AUG5, 5)] > crypto[utc(AUG5, 1)]  # the crash, hours before the close
    assert len(set(crypto.values())) > 5  # the crypto component moved hour by hour
    score = {s.computed_at: s.score for s in aug5}
    assert score[utc(AUG5, 1)] < 75.0  # BTC -3 % by 01:00: not yet two markets at heavy stress
    # BTC -6 % (over 2σ) by 02:00 with the yen squeeze at 100: severe hours before the close
    assert min(at for at, v in score.items() if v >= 75.0) < utc(AUG5, 6)
    history = run_backtest(panel, end=end).history
    i = int(np.searchsorted(history.dates, np.datetime64(AUG5, "D")))
    closed = max(aug5, key=lambda s: s.computed_at)
    assert closed.computed_at == utc(AUG5, 24)
    assert closed.score == pytest.approx(history.score[i], abs=1e-9)


async def test_live_polls_of_a_trading_day_move_the_score_at_once(
    panel: pd.DataFrame, hourly: pd.Series, tmp_path: Path
) -> None:
    """Coinbase and Kraken both report today's open bar (provisional): the pair is
    confirmed and scored on that poll, and the next poll's price replaces it."""
    runtime, clock, _ = make_runtime(tmp_path / "live.db", panel, AUG5)
    await runtime.start()
    try:
        seen = []
        for hour in (1, 5):
            clock.now = utc(AUG5, hour)
            price = float(hourly[pd.Timestamp(clock.now)])  # the real price at that hour
            for source in ("kraken", "coinbase"):
                tick = Observation("btc", AUG5, price, source, clock.now, provisional=True)
                outcome = await runtime.pipeline.ingest(FetchResult(source, clock.now, (tick,)))
            assert outcome.snapshot is not None, f"scored on the {hour:02d}:00 poll"
            seen.append(outcome.snapshot.component("crypto_liquidation"))
    finally:
        await runtime.stop()
    first, later = seen
    assert first.values["btc"] == 56174.02 and later.values["btc"] == 53528.01
    assert (later.score or 0) > (first.score or 0)


def _yen(source: str, value: float, at: dt.datetime) -> FetchResult:
    return FetchResult(source, at, (Observation("usdjpy", AUG5, value, source, at, True),))


async def test_a_live_yen_move_seen_by_both_venues_is_scored_on_that_poll(
    panel: pd.DataFrame, tmp_path: Path
) -> None:
    """Kraken's bar of the day and Coinbase's spot rate agree: USD/JPY moves the score
    on that poll, without waiting for the cross-check's deadline (the ECB rate
    comes once a day). The value is the real 5 Aug 2024 close."""
    runtime, clock, _ = make_runtime(tmp_path / "yen.db", panel, AUG5)
    close = float(panel.loc[pd.Timestamp(AUG5), "usdjpy"])
    await runtime.start()
    try:
        clock.now = utc(AUG5, 6)
        alone = await runtime.pipeline.ingest(_yen("kraken", close, clock.now))
        assert alone.snapshot is None  # one venue alone is held
        clock.now += dt.timedelta(minutes=5)  # the next poll of the other venue
        both = await runtime.pipeline.ingest(_yen("coinbase_rates", close * 1.0004, clock.now))
    finally:
        await runtime.stop()
    assert both.snapshot is not None and both.snapshot.as_of == AUG5
    yen = both.snapshot.component("yen_squeeze")
    assert yen.values["usdjpy"] == close  # the primary venue's value is the one stored


async def test_venues_that_disagree_move_nothing(panel: pd.DataFrame, tmp_path: Path) -> None:
    runtime, clock, _ = make_runtime(tmp_path / "yen-bad.db", panel, AUG5)
    close = float(panel.loc[pd.Timestamp(AUG5), "usdjpy"])
    await runtime.start()
    try:
        clock.now = utc(AUG5, 6)
        await runtime.pipeline.ingest(_yen("kraken", close, clock.now))
        bad = await runtime.pipeline.ingest(_yen("coinbase_rates", close * 0.9, clock.now))
        clock.now += dt.timedelta(hours=1)  # past the deadline: a rejected pair stays rejected
        late = await runtime.pipeline.flush()
    finally:
        await runtime.stop()
    assert bad.snapshot is None and bad.quality_events == 1
    assert late.snapshot is None


async def test_the_ecb_rate_is_confirmed_by_the_open_bar_of_its_day(
    panel: pd.DataFrame, tmp_path: Path
) -> None:
    """Frankfurter's reference rate of a date is settled by Kraken's still-open bar of
    that date at Kraken's next poll, not after the deadline."""
    runtime, clock, _ = make_runtime(tmp_path / "ecb.db", panel, AUG5)
    close = float(panel.loc[pd.Timestamp(AUG5), "usdjpy"])
    await runtime.start()
    try:
        clock.now = utc(AUG5, 15)
        ecb = Observation("usdjpy", AUG5, close, "frankfurter", clock.now)
        held = await runtime.pipeline.ingest(FetchResult("frankfurter", clock.now, (ecb,)))
        clock.now += dt.timedelta(minutes=5)
        settled = await runtime.pipeline.ingest(_yen("kraken", close * 1.001, clock.now))
    finally:
        await runtime.stop()
    assert held.snapshot is None
    assert settled.snapshot is not None
    assert settled.snapshot.component("yen_squeeze").values["usdjpy"] == close
