"""The score on real episodes: the 2024 unwind and the 2022 YCC change, and calm years."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.history.loader import load_checked_history
from signals.calibration import CALM_YEARS, calm_counts, episode_rows
from signals.components import two_markets_stressed
from signals.engine import ScoredHistory, score_history
from signals.levels import Level

NOW = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def checked(history_dir: Path) -> tuple[ScoredHistory, pd.DataFrame]:
    """The history as ``carrywatch backtest`` scores it: through the quality gate."""
    panel, _ = load_checked_history(history_dir, NOW)
    return score_history(panel), panel


@pytest.fixture(scope="module")
def scored(checked: tuple[ScoredHistory, pd.DataFrame]) -> pd.DataFrame:
    history, panel = checked
    levels = [history.level(i) for i in range(len(history))]
    return pd.DataFrame({"score": history.score, "level": levels}, index=panel.index)


def _first_big_move(panel: pd.DataFrame, start: str, end: str) -> pd.Timestamp:
    """First carry-unwind move: the yen up 1.5% (USD/JPY down) or the 10y JGB up 10 bp in a day.

    Computed from the raw series, independently of the engine.
    """
    window = panel.loc[:end]
    fx = window["usdjpy"].dropna().pct_change() * 100
    jgb = window["jgb.10y"].dropna().diff() * 100
    big = sorted(set(fx[fx <= -1.5].index) | set(jgb[jgb >= 10].index))
    return next(d for d in big if d >= pd.Timestamp(start))


def _next_trading_day(panel: pd.DataFrame, day: pd.Timestamp) -> pd.Timestamp:
    days = panel["jgb.10y"].dropna().index.union(panel["usdjpy"].dropna().index)
    return days[days > day][0]


@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-07-25", "2024-08-09"), ("2022-12-15", "2022-12-30")],
    ids=["2024-unwind", "2022-ycc"],
)
def test_episode_reaches_high_within_one_trading_day(
    real_panel: pd.DataFrame, scored: pd.DataFrame, start: str, end: str
) -> None:
    first = _first_big_move(real_panel, start, end)
    deadline = _next_trading_day(real_panel, first)
    reached = scored.loc[first:deadline, "level"].max()
    assert reached >= Level.HIGH, f"max level {reached!r} between {first} and {deadline}"
    before = scored.loc[pd.Timestamp(start) - pd.Timedelta(days=30) : pd.Timestamp(start), "level"]
    assert (before < Level.SEVERE).all()


@pytest.mark.parametrize("year", CALM_YEARS)
def test_calm_years_have_no_day_at_high_or_above(scored: pd.DataFrame, year: int) -> None:
    levels = scored.loc[str(year), "level"].dropna()
    assert len(levels) >= 250
    assert (levels == Level.LOW).mean() > 0.75
    assert not (levels >= Level.HIGH).any(), levels[levels >= Level.HIGH]


@pytest.mark.parametrize(
    ("days", "what"),
    [(("2024-07-31", "2024-08-01"), "BoJ hike"), (("2022-12-20", "2022-12-21"), "YCC band")],
)
def test_calibration_cases_are_high_on_the_day_or_the_next(
    scored: pd.DataFrame, days: tuple[str, str], what: str
) -> None:
    assert scored.loc[list(days), "level"].max() >= Level.HIGH, what


def test_a_one_day_shock_alone_lifts_the_day_to_high(checked: tuple) -> None:  # type: ignore[type-arg]
    """2016-01-29, BoJ negative rates: the 10y fell 12.5 bp in a day (a rally, > 3σ)
    while the 5-day components were calm; the shock holds that day at high."""
    history, _ = checked
    i = int(np.searchsorted(history.dates, np.datetime64("2016-01-29")))
    snap = history.snapshot(i)
    assert snap.component("day_shock").score == 100.0
    assert snap.level is not None and snap.level >= Level.HIGH
    assert "a one-day shock" in snap.component("day_shock").reason
    before = history.snapshot(i - 1)
    assert before.level is not None and before.level < Level.HIGH


def test_after_an_episode_a_stopped_market_stops_scoring(checked: tuple) -> None:  # type: ignore[type-arg]
    """9-16 Aug 2024: USD/JPY rebounds (+0.6..+1.5 % in 5 days) while still ~7 % below
    its 30-day high; the stale drawdown must not keep the yen squeeze at 100."""
    history, _ = checked
    lo = int(np.searchsorted(history.dates, np.datetime64("2024-08-09")))
    hi = int(np.searchsorted(history.dates, np.datetime64("2024-08-16")))
    for i in range(lo, hi + 1):
        snap = history.snapshot(i)
        yen = snap.component("yen_squeeze")
        assert snap.indicators["usdjpy.chg_5d_pct"] > 0
        assert snap.indicators["usdjpy.drawdown_30d"] < -5
        assert yen.score == 0.0 and "not counted" in yen.reason
        assert snap.level is not None and snap.level < Level.HIGH


def test_engine_beats_the_one_day_rule_on_episodes_and_false_alarms(checked: tuple) -> None:  # type: ignore[type-arg]
    history, panel = checked
    rows = episode_rows(history, panel)
    assert len(rows) >= 10
    engine = sum(r.engine.first is not None for r in rows)
    rule_1d = sum(r.rule_1d.first is not None for r in rows)
    assert engine > rule_1d
    on_day = sum(r.engine.lag is not None and r.engine.lag <= 0 for r in rows)
    assert on_day >= sum(r.rule_1d.lag is not None and r.rule_1d.lag <= 0 for r in rows)
    calm = calm_counts(history, panel)
    assert sum(c.engine for c in calm) == 0
    assert sum(c.rule_1d for c in calm) > 0 and sum(c.rule_5d for c in calm) > 100


def test_engine_catches_as_many_episodes_as_the_weekly_rule(checked: tuple) -> None:  # type: ignore[type-arg]
    """The weekly rule catches every episode but fires on ~10 % of calm days; the engine
    must catch as many with none."""
    history, panel = checked
    rows = episode_rows(history, panel)
    engine = sum(r.engine.first is not None for r in rows)
    assert engine >= sum(r.rule_5d.first is not None for r in rows)
    calm = calm_counts(history, panel)
    assert sum(c.engine for c in calm) < sum(c.rule_5d for c in calm)


def test_engine_is_on_time_in_more_episodes_than_the_weekly_rule(checked: tuple) -> None:  # type: ignore[type-arg]
    """Both readings of "on time": first alert on or before the first big move, and
    alerting on that day itself. The engine must beat the weekly rule on both."""
    history, panel = checked
    rows = episode_rows(history, panel)

    def early(pick: str) -> int:
        return sum((lag := getattr(r, pick).lag) is not None and lag <= 0 for r in rows)

    def on_day(pick: str) -> int:
        return sum(getattr(r, pick).on_day for r in rows)

    assert early("engine") > early("rule_5d") >= early("rule_1d")
    assert on_day("engine") > on_day("rule_5d")
    assert on_day("engine") <= early("engine")


@pytest.mark.parametrize(
    ("day", "confirm"),
    [("2024-07-31", "jgb.10y"), ("2011-03-11", "jgb.10y")],
    ids=["hike", "quake"],
)
def test_a_joint_yen_jgb_shock_lifts_the_day_to_high(
    checked: tuple, day: str, confirm: str
) -> None:  # type: ignore[type-arg]
    """The yen >= 3σ but under its own 2.5 % floor, with a JGB >= 2σ move the same day."""
    history, _ = checked
    snap = history.snapshot(int(np.searchsorted(history.dates, np.datetime64(day))))
    yen = snap.indicators["usdjpy.chg_1d_pct"]
    assert -2.5 < yen <= -1.5 and snap.indicators["usdjpy.z_1d"] <= -3
    assert abs(snap.indicators[f"{confirm}.z_1d"]) >= 2
    shock = snap.component("day_shock")
    assert shock.score == 100.0 and "joint yen–JGB shock" in shock.reason
    assert shock.reason_params["with_series"] == confirm
    assert snap.level is not None and snap.level >= Level.HIGH


def test_a_yen_only_jump_is_not_a_joint_shock(checked: tuple) -> None:  # type: ignore[type-arg]
    """2005-07-21 (CNY revaluation): USD/JPY -2.0 % at -3.9σ, JGBs under 1σ: a dollar/China
    story, not a Japan shock; the calm year stays below high."""
    history, _ = checked
    snap = history.snapshot(int(np.searchsorted(history.dates, np.datetime64("2005-07-21"))))
    assert snap.indicators["usdjpy.z_1d"] <= -3 and snap.indicators["usdjpy.chg_1d_pct"] <= -1.5
    assert snap.component("day_shock").score < 100.0
    assert snap.level is not None and snap.level < Level.HIGH


def test_score_is_bounded_and_defined_once_data_exists(scored: pd.DataFrame) -> None:
    valid = scored.loc["1975":"2026-06-05", "score"]  # until the last FX and JGB files end
    assert valid.notna().all()
    assert ((valid >= 0) & (valid <= 100)).all()
    assert np.isfinite(valid.to_numpy()).all()


def test_two_markets_under_heavy_stress_hold_the_day_at_severe(checked: tuple) -> None:  # type: ignore[type-arg]
    """BTC down >= 2σ and >= 5 % while the yen squeeze is >= 75: severe that day, with
    both markets' facts in the reason — and never in a calm year, nor on one market alone."""
    history, _ = checked
    fired = np.flatnonzero(two_markets_stressed(history.inputs, history.config, len(history)))
    assert fired.size, "the rule never fires on real history"
    for i in fired:
        assert history.date(i).year not in CALM_YEARS
        assert history.components["yen_squeeze"][i] >= 75.0
        assert history.inputs["btc.chg_1d_pct"][i] <= -5.0
        assert history.level(i) is Level.SEVERE
        shock = history.snapshot(i).component("day_shock")
        assert shock.reason_params["with_component"] == "yen_squeeze"
        assert "two markets under heavy stress at once" in shock.reason
    # 5 Aug 2024's close: BTC -7.1 % with the yen squeeze at 100
    aug5 = int(np.searchsorted(history.dates, np.datetime64("2024-08-05")))
    assert aug5 in set(fired.tolist())
    # yen squeeze at 100 on 3 Aug 2024 but BTC only -1.2 %: one market, no lift
    aug3 = int(np.searchsorted(history.dates, np.datetime64("2024-08-03")))
    assert history.components["yen_squeeze"][aug3] >= 75.0
    assert aug3 not in set(fired.tolist()) and history.score[aug3] < 75.0
