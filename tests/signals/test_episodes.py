"""The score on real episodes: the 2024 unwind and the 2022 YCC change, and calm years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signals.engine import score_history
from signals.levels import Level


@pytest.fixture(scope="module")
def scored(real_panel: pd.DataFrame) -> pd.DataFrame:
    history = score_history(real_panel)
    levels = [history.level(i) for i in range(len(history))]
    return pd.DataFrame({"score": history.score, "level": levels}, index=real_panel.index)


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


@pytest.mark.parametrize("year", [2005, 2006, 2012, 2014, 2017, 2019, 2021])
def test_calm_years_are_mostly_low_and_never_severe(scored: pd.DataFrame, year: int) -> None:
    levels = scored.loc[str(year), "level"]
    assert (levels == Level.LOW).mean() > 0.75
    assert not (levels == Level.SEVERE).any()


def test_score_is_bounded_and_defined_once_data_exists(scored: pd.DataFrame) -> None:
    valid = scored.loc["1975":"2026-06-05", "score"]  # until the last FX and JGB files end
    assert valid.notna().all()
    assert ((valid >= 0) & (valid <= 100)).all()
    assert np.isfinite(valid.to_numpy()).all()
