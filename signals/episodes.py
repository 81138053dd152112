"""Reference episodes for /explain: the 2024 unwind, the last severe episode, today's rank.

/explain puts today's score next to two past readings a trader remembers, both
found in the scored history rather than typed in: the peak of the Jul–Aug 2024
BoJ-hike unwind (its window is the well-known one in
:data:`signals.calibration.EPISODES`; the peak inside it is computed), and the
most recent *severe episode* — a run of consecutive days at ``high`` or above
whose peak reached ``severe``. Everything is judged on the days up to ``as_of``
only, so a reading of 2022 never compares itself with 2024, and a run still
going on ``as_of`` is not yet "the last episode" (it is today's).

Pure: arrays in, frozen dataclasses out; no clock, nothing mutated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from signals.calibration import EPISODES
from signals.engine import ScoredHistory
from signals.levels import LEVEL_FLOORS, Level

UNWIND_2024 = next(e for e in EPISODES if e.start.startswith("2024-07"))
_FLOORS = {lv: floor for floor, lv in LEVEL_FLOORS}
HIGH_FLOOR = _FLOORS[Level.HIGH]
SEVERE_FLOOR = _FLOORS[Level.SEVERE]


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive scored days at ``high`` or above; its peak and the day of the peak."""

    start: dt.date
    end: dt.date
    peak: float
    peak_on: dt.date


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one score stands against the history up to ``as_of``.

    ``percentile``: the share of scored days (0–100) with a lower score, None
    without a score. ``unwind`` None when the history does not reach Jul 2024;
    ``last_severe`` None when no completed severe episode precedes ``as_of``.
    """

    as_of: dt.date
    score: float | None
    percentile: float | None
    days_scored: int
    first_scored: dt.date | None
    unwind: Run | None
    last_severe: Run | None


def _date(history: ScoredHistory, i: int) -> dt.date:
    return history.date(i)


def _until(history: ScoredHistory, as_of: dt.date) -> int:
    """How many of the history's days are on or before ``as_of``."""
    return int(np.searchsorted(history.dates, np.datetime64(as_of, "D"), side="right"))


def _run_around(history: ScoredHistory, i: int, n: int) -> Run:
    """The run of days at ``high``+ around day ``i`` (just day ``i`` when it is below)."""
    high = np.nan_to_num(history.score[:n], nan=0.0) >= HIGH_FLOOR
    lo = hi = i
    if high[i]:
        while lo > 0 and high[lo - 1]:
            lo -= 1
        while hi + 1 < n and high[hi + 1]:
            hi += 1
    window = history.score[lo : hi + 1]
    top = lo + int(np.nanargmax(window))
    peak = float(history.score[top])
    return Run(_date(history, lo), _date(history, hi), peak, _date(history, top))


def severe_runs(history: ScoredHistory, as_of: dt.date) -> list[Run]:
    """Every run at ``high``+ that peaked at ``severe``, oldest first, up to ``as_of``.

    A run still going on the last day up to ``as_of`` is left out: it has not ended.
    """
    n = _until(history, as_of)
    high = np.nan_to_num(history.score[:n], nan=0.0) >= HIGH_FLOOR
    edges = np.diff(np.concatenate(([0], high.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    out = []
    for lo, hi in zip(starts, ends, strict=True):
        if hi == n - 1:  # ongoing on as_of
            continue
        window = history.score[lo : hi + 1]
        top = int(lo) + int(np.nanargmax(window))
        if window[top - lo] >= SEVERE_FLOOR:
            out.append(
                Run(
                    _date(history, int(lo)),
                    _date(history, int(hi)),
                    float(window[top - lo]),
                    _date(history, top),
                )
            )
    return out


def unwind_2024(history: ScoredHistory, as_of: dt.date) -> Run | None:
    """The 2024 unwind's run and peak, as far as the history up to ``as_of`` has it."""
    n = _until(history, as_of)
    lo = _until(history, dt.date.fromisoformat(UNWIND_2024.start) - dt.timedelta(days=1))
    hi = min(_until(history, dt.date.fromisoformat(UNWIND_2024.end)), n)
    window = history.score[lo:hi]
    if hi <= lo or np.isnan(window).all():
        return None
    top = lo + int(np.nanargmax(window))
    return _run_around(history, top, n)


def standing(history: ScoredHistory, score: float | None, as_of: dt.date) -> Standing:
    """Today's ``score`` against every scored day up to ``as_of`` and the two references."""
    n = _until(history, as_of)
    scores = history.score[:n]
    scored = ~np.isnan(scores)
    count = int(scored.sum())
    first = _date(history, int(np.argmax(scored))) if count else None
    pct = None
    if score is not None and count:
        pct = float((scores[scored] < score).sum()) / count * 100.0
    runs = severe_runs(history, as_of)
    return Standing(
        as_of=as_of,
        score=score,
        percentile=pct,
        days_scored=count,
        first_scored=first,
        unwind=unwind_2024(history, as_of),
        last_severe=runs[-1] if runs else None,
    )


def peak_ratio(score: float | None, run: Run | None) -> float | None:
    """Today's score as a share of a reference peak (1.0 = as high as that peak)."""
    if score is None or run is None or run.peak <= 0:
        return None
    return score / run.peak
