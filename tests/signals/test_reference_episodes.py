"""/explain's reference episodes, found in the real scored history (signals.episodes).

Expected values come from the scored series itself, read another way (a pandas
window, a plain loop over days), never from the module under test; the one fact
typed in is the well-known day of the 2024 crash, Monday 5 Aug 2024.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from signals.engine import ScoredHistory
from signals.episodes import peak_ratio, severe_runs, standing, unwind_2024

CRASH_2024 = dt.date(2024, 8, 5)  # Nikkei −12 %, USD/JPY 141.7: the unwind's worst day


def _series(history: ScoredHistory) -> pd.Series:
    return pd.Series(history.score, index=pd.DatetimeIndex(history.dates))


def _last(history: ScoredHistory) -> dt.date:
    return history.date(len(history) - 1)


def test_2024_unwind_peaks_on_the_crash_day_at_the_window_maximum(
    scored_history: ScoredHistory,
) -> None:
    run = unwind_2024(scored_history, _last(scored_history))
    assert run is not None
    window = _series(scored_history).loc["2024-07-25":"2024-08-09"]
    assert run.peak == pytest.approx(float(window.max()))
    assert run.peak_on == CRASH_2024
    assert run.peak >= 75.0  # severe
    s = _series(scored_history)
    # the run is the stretch at high or above around the peak, and no longer
    assert (s.loc[str(run.start) : str(run.end)] >= 50.0).all()
    assert s.loc[: str(run.start - dt.timedelta(days=1))].iloc[-1] < 50.0
    assert s.loc[str(run.end + dt.timedelta(days=1)) :].iloc[0] < 50.0


def test_last_severe_episode_is_the_latest_completed_high_run_with_a_severe_peak(
    scored_history: ScoredHistory,
) -> None:
    end = _last(scored_history)
    runs = severe_runs(scored_history, end)
    assert runs, "the real history has severe episodes"
    last = runs[-1]
    # a plain loop over every day, independent of the module's edge detection
    score = np.nan_to_num(scored_history.score, nan=0.0)
    found = []
    start = None
    for i, v in enumerate(score):
        if v >= 50.0 and start is None:
            start = i
        if start is not None and (v < 50.0 or i == len(score) - 1):
            stop = i - 1 if v < 50.0 else i
            if v < 50.0 and score[start : stop + 1].max() >= 75.0:
                found.append((scored_history.date(start), scored_history.date(stop)))
            start = None
    assert [(r.start, r.end) for r in runs] == found
    s = _series(scored_history).loc[str(last.start) : str(last.end)]
    assert last.peak == pytest.approx(float(s.max())) and last.peak >= 75.0
    assert last.peak_on == s.idxmax().date()
    assert last.start > CRASH_2024  # something severe happened after the 2024 unwind


def test_judged_on_the_days_up_to_as_of_only(scored_history: ScoredHistory) -> None:
    before = standing(scored_history, 40.0, dt.date(2022, 12, 21))
    assert before.unwind is None  # 2022 does not know 2024
    assert before.last_severe is not None and before.last_severe.end < dt.date(2022, 12, 21)
    on = standing(scored_history, float(_series(scored_history)[str(CRASH_2024)]), CRASH_2024)
    assert on.unwind is not None and on.unwind.peak_on == CRASH_2024 and on.unwind.end == CRASH_2024
    # the run going on that day is today's, not "the last episode"
    assert on.last_severe is not None and on.last_severe.end < on.unwind.start
    assert peak_ratio(on.score, on.unwind) == pytest.approx(1.0)


def test_percentile_is_the_share_of_scored_days_below(scored_history: ScoredHistory) -> None:
    end = _last(scored_history)
    s = _series(scored_history).dropna()
    for score in (float(s.median()), float(s.quantile(0.9)), 0.0, 100.0):
        got = standing(scored_history, score, end)
        assert got.days_scored == len(s)
        assert got.percentile == pytest.approx((s < score).mean() * 100.0)
    assert standing(scored_history, 0.0, end).percentile == 0.0
    assert standing(scored_history, None, end).percentile is None
    assert standing(scored_history, 10.0, end).first_scored == s.index[0].date()
