"""The quality gate against real history: real market moves pass, bad data does not.

The jump limits are only useful if fifty years of real moves get through them
(1973, 1987, 1998, 2008, 2020, Aug 2024) while known bad ticks do not; these
tests run the real files through the gate to pin both sides.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable
from pathlib import Path

import pytest

from bot.quality.events import QualityKind
from bot.quality.gate import QualityGate
from bot.sources.base import FailureKind, FetchResult
from bot.sources.coinbase import CoinbaseSource
from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.fred import FredSource
from bot.sources.kraken import KrakenSource
from bot.sources.mof import MofSource
from bot.sources.treasury import TreasurySource
from signals.observation import Observation

NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)
DECIMAL_SHIFT = 10.0  # test-made unit error: a real value times ten


def gate() -> QualityGate:
    return QualityGate(lambda: NOW)


def run(observations: Iterable[Observation]) -> tuple[list[Observation], list]:
    out = gate().check_observations("history", list(observations), {})
    return list(out.accepted), list(out.events)


def yahoo_closes(path: Path, series: str) -> list[Observation]:
    with path.open() as f:
        return [
            Observation(series, dt.date.fromisoformat(r["Date"]), float(r["Close"]), "yahoo")
            for r in csv.DictReader(f)
        ]


def test_every_real_jgb_move_passes(history_dir: Path) -> None:
    body = (history_dir / "mof/jgbcme_all_to_2026-06-30.csv").read_bytes()
    obs = MofSource("http://x").parse(body, NOW)
    accepted, events = run(obs)
    assert events == []
    assert len(accepted) == len(obs)
    assert any(o.value < 0 for o in accepted)  # negative yields are market values


def test_every_real_us_yield_move_passes(history_dir: Path) -> None:
    for rel, sid in (("ust/fred_DGS10_daily.csv", "DGS10"), ("ust/fred_DGS2_daily.csv", "DGS2")):
        obs = FredSource("http://x", series_id=sid).parse((history_dir / rel).read_bytes(), NOW)
        accepted, events = run(obs)
        assert events == [], rel
        assert dt.date(1987, 10, 20) in {o.date for o in accepted}
    body = (history_dir / "ust/treasury_par_yield_curve_1990-2022.csv").read_bytes()
    obs = TreasurySource("http://x").parse(body, NOW)
    accepted, events = run(obs)
    assert events == []


def test_fred_usdjpy_passes_including_1973_1998_2008(history_dir: Path) -> None:
    body = (history_dir / "fx/fred_DEXJPUS_daily_1971-2023.csv").read_bytes()
    obs = FredSource("http://x", series_id="DEXJPUS").parse(body, NOW)
    accepted, events = run(obs)
    assert events == []
    days = {o.date: o.value for o in accepted}
    assert days[dt.date(1973, 2, 13)] == 266.67  # −9.1 % after a 4-day closure
    assert days[dt.date(1998, 10, 7)] == 123.97
    assert days[dt.date(2008, 10, 24)] == 92.64


def test_yahoo_usdjpy_bad_ticks_rejected_real_moves_kept(history_dir: Path) -> None:
    obs = yahoo_closes(history_dir / "fx/usdjpy_yahoo_daily_1996-2026.csv", "usdjpy")
    accepted, events = run(obs)
    jumps = [(e.date, e.kind) for e in events]
    assert jumps == [
        (dt.date(2008, 10, 8), QualityKind.IMPLAUSIBLE_JUMP),  # 110.09 between 101.46 and 99.51
        (dt.date(2008, 12, 8), QualityKind.IMPLAUSIBLE_JUMP),  # 109.24 between 92.82 and 92.30
    ]
    days = {o.date: o.value for o in accepted}
    assert dt.date(1998, 10, 7) in days  # the LTCM yen squeeze
    assert days[dt.date(2024, 8, 5)] == pytest.approx(145.584)  # the carry unwind
    assert days[dt.date(2024, 8, 2)] == pytest.approx(149.201)


def test_btc_real_crashes_pass(history_dir: Path) -> None:
    obs = yahoo_closes(history_dir / "btc/btcusd_yahoo_daily_2014-2026.csv", "btc")
    accepted, events = run(obs)
    assert events == []
    days = {o.date: o.value for o in accepted}
    assert days[dt.date(2020, 3, 12)] / days[dt.date(2020, 3, 11)] - 1 < -0.37
    assert days[dt.date(2024, 8, 5)] == pytest.approx(53991.457, rel=1e-6)


def test_row_problems_within_a_body() -> None:
    d = dt.date
    rows = [
        Observation("jgb.10y", d(2016, 7, 26), -0.2, "mof"),
        Observation("jgb.10y", d(2016, 7, 27), math.nan, "mof"),
        Observation("jgb.10y", d(2016, 7, 29), -0.19, "mof"),
    ]
    out = gate().check_observations("mof", rows, {})
    assert [(e.kind, e.date) for e in out.events] == [(QualityKind.BAD_VALUE, d(2016, 7, 27))]
    assert [o.value for o in out.accepted] == [-0.2, -0.19]


def test_a_repeated_date_rejects_the_whole_body() -> None:
    d = dt.date
    rows = [
        Observation("jgb.10y", d(2016, 7, 26), -0.2, "mof"),
        Observation("jgb.10y", d(2016, 7, 28), -0.25, "mof"),
        Observation("jgb.10y", d(2016, 7, 28), -0.26, "mof"),
        Observation("jgb.10y", d(2016, 7, 29), -0.19, "mof"),
        Observation("jgb.20y", d(2016, 7, 29), 0.1, "mof"),
    ]
    out = gate().check_observations("mof", rows, {})
    assert [(e.kind, e.date) for e in out.events] == [(QualityKind.DUPLICATE_DATE, d(2016, 7, 28))]
    assert out.accepted == ()


def test_decimal_shift_is_an_implausible_jump(api_samples: Path) -> None:
    now = dt.datetime(2026, 8, 17, 12, tzinfo=dt.UTC)
    obs = KrakenSource("http://x").parse(
        (api_samples / "kraken_public_OHLC_XXBTZUSD_1440.json").read_bytes(), now
    )
    last = obs[-2]
    shifted = Observation("btc", obs[-1].date, obs[-1].value * DECIMAL_SHIFT, "kraken")
    out = QualityGate(lambda: now).check_observations("kraken", [shifted], {"btc": last})
    assert out.accepted == ()
    assert [e.kind for e in out.events] == [QualityKind.IMPLAUSIBLE_JUMP]
    again = QualityGate(lambda: now).check_observations("kraken", [obs[-1]], {"btc": last})
    assert again.accepted == (obs[-1],)


def test_known_dates_are_dropped_quietly_and_future_dates_refused() -> None:
    last = Observation("usdjpy", dt.date(2026, 7, 7), 161.89, "frankfurter")
    rows = [
        Observation("usdjpy", dt.date(2026, 7, 6), 162.34, "frankfurter"),
        Observation("usdjpy", dt.date(2026, 7, 7), 161.89, "frankfurter"),
        Observation("usdjpy", dt.date(2026, 7, 8), 162.49, "frankfurter"),
        Observation("usdjpy", dt.date(2027, 1, 1), 162.49, "frankfurter"),
    ]
    out = QualityGate(lambda: dt.datetime(2026, 7, 8, 17, tzinfo=dt.UTC)).check_observations(
        "frankfurter", rows, {"usdjpy": last}
    )
    assert [o.date for o in out.accepted] == [dt.date(2026, 7, 8)]
    assert [e.kind for e in out.events] == [QualityKind.BAD_VALUE]


def test_kraken_and_coinbase_agree_on_real_closes(api_samples: Path) -> None:
    now = dt.datetime(2026, 8, 17, 12, tzinfo=dt.UTC)
    k = {o.date: o for o in KrakenSource("http://x").parse(
        (api_samples / "kraken_public_OHLC_XXBTZUSD_1440.json").read_bytes(), now)}  # fmt: skip
    c = {o.date: o for o in CoinbaseSource("http://x").parse(
        (api_samples / "coinbase_exchange_candles_BTC-USD_1d.json").read_bytes(), now)}  # fmt: skip
    common = sorted(set(k) & set(c))
    assert len(common) == 3
    g = QualityGate(lambda: now)
    assert [g.cross_check("btc", k[d], c[d]) for d in common] == [None, None, None]
    scaled = Observation("btc", common[0], c[common[0]].value * 1.02, "coinbase")  # test-made
    event = g.cross_check("btc", k[common[0]], scaled)
    assert event is not None
    assert event.kind is QualityKind.DISAGREEMENT
    assert event.source == "kraken|coinbase"


def test_usdjpy_tolerance_matches_real_fixing_time_gaps(history_dir: Path) -> None:
    """Yahoo's close vs FRED's noon-NY rate, 2010–2023: ≤1 % of days exceed the tolerance,
    and the 2008 Yahoo bad tick disagrees with FRED."""
    body = (history_dir / "fx/fred_DEXJPUS_daily_1971-2023.csv").read_bytes()
    fred = {o.date: o for o in FredSource("http://x", series_id="DEXJPUS").parse(body, NOW)}
    yahoo = {o.date: o for o in yahoo_closes(
        history_dir / "fx/usdjpy_yahoo_daily_1996-2026.csv", "usdjpy")}  # fmt: skip
    g = gate()
    days = [d for d in sorted(set(fred) & set(yahoo)) if d.year >= 2010]
    flagged = [d for d in days if g.cross_check("usdjpy", yahoo[d], fred[d]) is not None]
    assert len(days) > 3000
    assert len(flagged) / len(days) < 0.01
    bad = g.cross_check("usdjpy", yahoo[dt.date(2008, 10, 8)], fred[dt.date(2008, 10, 8)])
    assert bad is not None


def test_failures_become_events() -> None:
    failed = FetchResult.failed(
        "treasury", NOW, SourceFormatError("treasury", FormatProblem.HTML_BODY, "html")
    )
    out = gate().check(failed, {})
    assert out.accepted == ()
    assert [(e.kind, e.source, e.series) for e in out.events] == [
        (QualityKind.HTML_BODY, "treasury", None)
    ]
    assert failed.failure is FailureKind.HTML_BODY


def test_staleness_follows_each_calendar() -> None:
    g = gate()
    tokyo = dt.timezone(dt.timedelta(hours=9))
    fri = dt.date(2026, 6, 26)
    assert not g.staleness("jgb.10y", fri, dt.datetime(2026, 6, 29, 10, tzinfo=tokyo))
    assert g.staleness("jgb.10y", fri, dt.datetime(2026, 6, 29, 23, 30, tzinfo=tokyo))
    # Golden Week 2026: 4–6 May are holidays; Friday 1 May stays fresh
    assert not g.staleness(
        "jgb.10y", dt.date(2026, 5, 1), dt.datetime(2026, 5, 6, 22, tzinfo=tokyo)
    )
    # BTC: day D's close exists once D is over (UTC)
    assert not g.staleness("btc", dt.date(2026, 8, 8), dt.datetime(2026, 8, 10, 1, tzinfo=dt.UTC))
    assert g.staleness("btc", dt.date(2026, 8, 8), dt.datetime(2026, 8, 10, 3, tzinfo=dt.UTC))
    # US 10y: Thursday 2 July 2026 is fresh over the 3 July (observed Independence Day) weekend
    ny = dt.datetime(2026, 7, 6, 9, tzinfo=dt.UTC)
    assert not g.staleness("ust.10y", dt.date(2026, 7, 2), ny)
    assert g.staleness("usdjpy", None, NOW)
