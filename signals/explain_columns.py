"""Every day's component explanation at once, column by column, for long backtests.

``ScoredHistory.snapshot(i)`` builds one explainable Snapshot per date: right
for ``/risk`` and alerts, but fifty years of it is a Python object per day and
most of ``backtest --json``'s time. This module reads the same aligned arrays
once and yields, per component, the lists the JSON needs (score, weight,
stale, reason) for a range of days. The reasons are the same strings
:mod:`signals.explain` writes (the text is :mod:`signals.reason_columns`);
``tests/signals/test_explain_columns.py``
compares the two on every day of the real history, so a change to one
without the other fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from signals.components import ComponentSpec, component_specs
from signals.engine import ScoredHistory
from signals.levels import LEVEL_FLOORS, level_for
from signals.reason_columns import (
    Column,
    DayRange,
    as_optional,
    available_reasons,
    unavailable_reasons,
)


@dataclass(frozen=True, slots=True)
class ComponentColumns:
    """One component over the days of a range: what a Snapshot's ComponentScore says."""

    name: str
    score: Column  # None where unavailable
    weight: list[float]
    stale: list[bool]
    reason: list[str]


@dataclass(frozen=True, slots=True)
class DayColumns:
    """The days ``[lo, hi)`` of a ScoredHistory as plain lists."""

    dates: list[str]  # YYYY-MM-DD
    score: Column  # None where no component had data
    level: list[str | None]  # None where no component had data ("no data", never low)
    components: tuple[ComponentColumns, ...]


def _component(spec: ComponentSpec, r: DayRange) -> ComponentColumns:
    h, lo, hi = r.h, r.lo, r.hi
    raw = h.components[spec.name][lo:hi]
    available = ~np.isnan(raw)
    stale = np.zeros(r.n, dtype=bool)
    for s in spec.series:
        if s in h.stale:
            stale |= h.stale[s][lo:hi]
    reasons = available_reasons(spec, r, h.config, (~available).tolist())
    dropped = np.flatnonzero(~available).tolist()
    for j, reason in zip(dropped, unavailable_reasons(spec, r, dropped), strict=True):
        reasons[j] = reason
    return ComponentColumns(
        name=spec.name,
        score=as_optional(raw, r.n),
        weight=np.where(available, h.weights[spec.name][lo:hi], 0.0).tolist(),
        stale=stale.tolist(),
        reason=reasons,
    )


def _levels(raw: np.ndarray, score: Column) -> list[str | None]:
    """Each day's level label: :func:`signals.levels.level_for` by ``searchsorted``
    over its floors (a score on a floor is in the level above it)."""
    floors = sorted(LEVEL_FLOORS)
    labels = [level_for(-math.inf).label, *(level.label for _, level in floors)]
    at = np.searchsorted([floor for floor, _ in floors], raw, side="right").tolist()
    return [None if s is None else labels[k] for s, k in zip(score, at, strict=True)]


def day_columns(history: ScoredHistory, lo: int = 0, hi: int | None = None) -> DayColumns:
    """Days ``[lo, hi)`` of ``history`` with what each day's Snapshot would explain."""
    hi = len(history) if hi is None else hi
    r = DayRange(history, lo, hi)
    score = as_optional(history.score[lo:hi], r.n)
    return DayColumns(
        dates=np.datetime_as_string(history.dates[lo:hi], unit="D").tolist(),
        score=score,
        level=_levels(history.score[lo:hi], score),
        components=tuple(_component(spec, r) for spec in component_specs(history.config)),
    )
