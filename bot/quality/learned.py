"""Jump and curve-shape limits learned from each series' own recent history.

The fixed limits in ``bot.quality.gate`` sit above fifty years of real moves,
so they are wide: 100 bp lets the 1-year JGB go from 1.17 % to 1.75 % (+50 %)
in a day. Yields have no second provider to cross-check, so each series also
gets a limit from its own recent behaviour:

    allowed = LEARNED_FACTOR × max(FLOOR, largest step of the last WINDOW steps)

where a step is ``|Δ| / √(calendar days)``, and the same for the *kink* of a
curve tenor (its step minus the mean of its neighbours' steps: a tenor moving
alone). A limit is learned only after ``MIN_STEPS`` steps; before that the
fixed limits alone apply. Measured on the real files (MOF 1974–2026, Treasury
par curve 1990–2022, FRED DGS2/DGS10 1962–2026), the largest real step is 5.6× the
largest of its previous 250 (jgb.5y, 1985-10-25; ust.1m after 11 Sep 2001), and
the largest kink 5.6× (ust.7y, 2009-02-26, the 7-year's return), so a factor
of 8 passes every one of them (the history tests run every file through).
With June 2026's steps that limit is 46 bp for jgb.1y (a 50 % jump is 58 bp)
and 62 bp for jgb.2y (50 %: 69 bp).

Learned steps come only from values the gate accepted or the store already
holds (``learn``); a rejected value teaches nothing. Pure: no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from dataclasses import dataclass, field
from functools import cache

WINDOW = 250  # steps (about a year of business days)
MIN_STEPS = 20
LEARNED_FACTOR = 8.0
FLOOR = 0.05  # percentage points (5 bp): below it a quiet spell would flag noise
MAX_GAP_DAYS = 30


_ROOTS = tuple(math.sqrt(max(days, 1)) for days in range(MAX_GAP_DAYS + 1))


def gap_scale(previous: dt.date, day: dt.date) -> float:
    """√(calendar days between two values, 1..30): how much further a move may go."""
    return _ROOTS[min(max(day.toordinal() - previous.toordinal(), 0), MAX_GAP_DAYS)]


class SlidingMax:
    """Maximum of the last ``size`` values in O(1) amortised (monotonic deque)."""

    def __init__(self, size: int = WINDOW) -> None:
        self.size = size
        self.count = 0
        self._items: deque[tuple[int, float]] = deque()

    def push(self, value: float) -> None:
        while self._items and self._items[-1][1] <= value:
            self._items.pop()
        self._items.append((self.count, value))
        self.count += 1
        while self._items[0][0] <= self.count - 1 - self.size:
            self._items.popleft()

    @property
    def max(self) -> float:
        return self._items[0][1] if self._items else 0.0


@dataclass
class _Track:
    day: dt.date
    value: float
    steps: SlidingMax = field(default_factory=SlidingMax)


class LearnedLimits:
    """Per-key learned limits (a series for jumps, ``series~kink`` for curve shape)."""

    def __init__(self, factor: float = LEARNED_FACTOR, floor: float = FLOOR) -> None:
        self.factor = factor
        self.floor = floor
        self._tracks: dict[str, _Track] = {}
        self._kinks: dict[str, SlidingMax] = {}

    def learn(self, series: str, day: dt.date, value: float) -> float | None:
        """Take an accepted value; idempotent for a date already learned. Returns its step."""
        track = self._tracks.get(series)
        if track is None:
            self._tracks[series] = _Track(day, value)
            return None
        if day <= track.day or not math.isfinite(value):
            return None
        step = abs(value - track.value) / gap_scale(track.day, day)
        track.steps.push(step)
        track.day, track.value = day, value
        return step

    def learn_kink(self, series: str, kink: float) -> None:
        self._kinks.setdefault(series, SlidingMax()).push(abs(kink))

    def jump_limit(self, series: str) -> float | None:
        """Largest plausible step (per √day) for ``series``, or None while still learning."""
        track = self._tracks.get(series)
        if track is None or track.steps.count < MIN_STEPS:
            return None
        return self.factor * max(self.floor, track.steps.max)

    def kink_limit(self, series: str) -> float | None:
        kinks = self._kinks.get(series)
        if kinks is None or kinks.count < MIN_STEPS:
            return None
        return self.factor * max(self.floor, kinks.max)


@cache
def tenor_months(series: str) -> int | None:
    """Maturity of a curve series in months (``jgb.10y`` → 120, ``ust.3m`` → 3)."""
    _, _, tenor = series.partition(".")
    unit = tenor[-1:]
    if unit not in ("m", "y") or not tenor[:-1].isdigit():
        return None
    return int(tenor[:-1]) * (1 if unit == "m" else 12)


CURVES = ("jgb.", "ust.")
"""Series families that form a yield curve (whose tenors move together)."""


@cache
def curve_of(series: str) -> str | None:
    return next((c for c in CURVES if series.startswith(c)), None)
