"""Curve shape: one tenor moving alone while its neighbours stay put is not a market move.

Real yield curves move together: on the day of a real shock the neighbours of
the tenor that moved most moved too. A broken cell (a decimal slip, a cut
value, a column shifted by one) moves one tenor alone. For each date, each
tenor's *kink* is its step minus the mean of its neighbours' steps (steps per
√day since the previous value, neighbours = the next shorter and longer tenor
present that day with a previous value on the same date); the tenor whose kink
is the furthest past its learned limit is refused, then the rest re-checked
(its neighbours' kinks were only an echo of it). Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from bot.quality.learned import LearnedLimits, curve_of, gap_scale, tenor_months
from signals.observation import Observation


class _Point(NamedTuple):
    months: int
    obs: Observation
    step: float  # change per √day since the previous value
    since: dt.date  # the previous value's date: only same-interval steps compare


def _points(
    candidates: Sequence[Observation], refs: Mapping[str, Observation]
) -> list[list[_Point]]:
    """One date's candidates with a previous value, per curve, shortest tenor first."""
    curves: dict[str, list[_Point]] = {}
    for obs in candidates:
        curve, months, ref = curve_of(obs.series), tenor_months(obs.series), refs.get(obs.series)
        if curve is None or months is None or ref is None:
            continue
        step = (obs.value - ref.value) / gap_scale(ref.date, obs.date)
        curves.setdefault(curve, []).append(_Point(months, obs, step, ref.date))
    return [sorted(points, key=lambda p: p.months) for points in curves.values()]


def _kinks(points: Sequence[_Point]) -> list[tuple[int, float, list[_Point]]]:
    """(index, kink, neighbours) of each point that has a same-interval neighbour."""
    out = []
    for i, point in enumerate(points):
        near = [
            points[j]
            for j in (i - 1, i + 1)
            if 0 <= j < len(points) and points[j].since == point.since
        ]
        if near:
            out.append((i, point.step - sum(p.step for p in near) / len(near), near))
    return out


def curve_kinks(
    candidates: Sequence[Observation], refs: Mapping[str, Observation]
) -> dict[str, float]:
    """Each tenor's kink on one date (for learning from values known good)."""
    return {
        points[i].obs.series: kink
        for points in _points(candidates, refs)
        for i, kink, _ in _kinks(points)
    }


def curve_outliers(
    candidates: Sequence[Observation],
    refs: Mapping[str, Observation],
    learned: LearnedLimits,
) -> tuple[list[tuple[Observation, str]], dict[str, float]]:
    """Refused tenors (with why) among one date's candidates, and the kinks of the rest."""
    refused: list[tuple[Observation, str]] = []
    kinks: dict[str, float] = {}
    for points in _points(candidates, refs):
        while True:
            found = _kinks(points)
            worst: tuple[float, int, str] | None = None
            for i, kink, near in found:
                series = points[i].obs.series
                limit = learned.kink_limit(series)
                if limit is None or abs(kink) <= limit:
                    continue
                if worst is None or abs(kink) / limit > worst[0]:
                    moves = ", ".join(f"{p.obs.series} {p.step * 100:+.1f}" for p in near)
                    why = (
                        f"{series} moved {points[i].step * 100:+.1f} bp alone "
                        f"({moves} bp): kink {abs(kink) * 100:.1f} bp > {limit * 100:.0f} bp "
                        f"learned from its recent kinks"
                    )
                    worst = (abs(kink) / limit, i, why)
            if worst is None:
                kinks.update((points[i].obs.series, kink) for i, kink, _ in found)
                break
            refused.append((points[worst[1]].obs, worst[2]))
            del points[worst[1]]
    return refused, kinks
