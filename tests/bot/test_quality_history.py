"""The live gate over a whole history: the same decisions as poll by poll, fast."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from bot.history.loader import load_history_frames
from bot.quality.gate import QualityGate
from bot.quality.history import screen_frames, screen_series
from signals.observation import Observation

NOW = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def _one_by_one(column: pd.Series, series: str) -> pd.Series:
    """Reference: every value through check_observations, as a live poll would."""
    gate = QualityGate(lambda: NOW)
    last: dict[str, Observation] = {}
    kept = {}
    for ts, value in column.dropna().items():
        if series in ("usdjpy", "btc") and value <= 0:
            continue
        obs = Observation(series, ts.date(), float(value), "history")
        if gate.check_observations("history", [obs], last).accepted:
            last[series] = obs
            kept[ts] = value
    return pd.Series(kept, dtype=float)


def test_real_history_bad_ticks_are_set_aside(history_dir: Path) -> None:
    """Yahoo's +8.5 % (2008-10-08) and +17.7 % (2008-12-08) ticks, reversed next day."""
    frames = load_history_frames(history_dir)
    screened = screen_frames(frames, NOW)
    found = {(e.date, e.series) for e in screened.events}
    assert found == {(dt.date(2008, 10, 8), "usdjpy"), (dt.date(2008, 12, 8), "usdjpy")}
    fx = screened.frames["usdjpy"]["usdjpy"]
    assert pd.Timestamp("2008-10-08") not in fx.index
    assert len(fx) == len(frames["usdjpy"]) - 2


def test_same_decisions_as_the_gate_one_poll_at_a_time(history_dir: Path) -> None:
    """With injected faults (a −5 close, a lone 40 % yield, a level shift) on real rows."""
    frames = load_history_frames(history_dir)
    fx = frames["usdjpy"]["usdjpy"].loc["2015":"2017"].copy()
    fx.loc["2016-02-10"] = -5.0
    fx.loc["2016-06-01"] = fx.loc["2016-06-01"] * 1.5  # a bad tick, next day normal
    jgb = frames["jgb"]["jgb.40y"].loc["2015":"2017"].copy()
    jgb.loc["2016-02-10"] = 40.0
    jgb.loc["2017-03-01":] = jgb.loc["2017-03-01":] + 3.0  # a unit error that persists
    for series, column in (("usdjpy", fx), ("jgb.40y", jgb)):
        kept, events = screen_series(series, column, QualityGate(lambda: NOW), NOW)
        reference = _one_by_one(column, series)
        assert kept.index.equals(reference.index), series
        assert len(events) == column.notna().sum() - len(kept)
