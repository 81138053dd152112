"""One row's strongest one-day shock, joint shock and two-market stress, as facts.

A snapshot's words (:mod:`signals.explain`) and codes (:mod:`signals.reasons`)
name the shock closest to firing on its date. They are found here row by row
with :mod:`signals.components`' own strength functions in scalar operations,
once per snapshot (:func:`shock_facts`), on the live path and the backtest alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from signals.components import STRESS_SOURCES, Inputs, shock_strength
from signals.config import EngineConfig, JointShock, ShockRule, StressedShock
from signals.ops import SCALAR


class RowView(Mapping[str, float]):
    """Row ``i`` of aligned columns as floats, read on demand, for the SCALAR operations."""

    __slots__ = ("_columns", "_i")

    def __init__(self, columns: Inputs, i: int) -> None:
        self._columns, self._i = columns, i

    def __getitem__(self, key: str) -> float:
        return float(self._columns[key][self._i])

    def get(self, key: str, default: object = None) -> Any:
        column = self._columns.get(key)
        return default if column is None else float(column[self._i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def strongest_shock(row: Inputs, cfg: EngineConfig) -> tuple[ShockRule | None, float]:
    """The single-market rule closest to (or past) a shock on the row and its strength."""
    best: ShockRule | None = None
    best_s = -math.inf
    for rule in cfg.shocks:
        strength = shock_strength(row, rule, 1, SCALAR)
        if strength > best_s:  # False for NaN
            best, best_s = rule, strength
    return best, best_s


def strongest_joint(row: Inputs, cfg: EngineConfig) -> tuple[JointShock, ShockRule, float] | None:
    """The joint shock closest to (or past) one on the row: (joint, confirming rule, strength)."""
    best: tuple[JointShock, ShockRule, float] | None = None
    for joint in cfg.joint_shocks:
        lead = shock_strength(row, joint.lead, 1, SCALAR)
        if math.isnan(lead):
            continue
        for rule in joint.confirm:
            confirm = shock_strength(row, rule, 1, SCALAR)
            if math.isnan(confirm):  # no JGB move dated today: nothing confirms
                continue
            strength = min(lead, confirm)
            if strength > (best[2] if best is not None else -math.inf):
                best = (joint, rule, strength)
    return best


def strongest_stressed(row: Inputs, cfg: EngineConfig) -> tuple[StressedShock, float, float] | None:
    """The two-market rule closest to (or past) firing on the row:
    (rule, strength, the stressed component's score); None without data."""
    best: tuple[StressedShock, float, float] | None = None
    for rule in cfg.stressed_shocks:
        move = shock_strength(row, rule.shock, 1, SCALAR)
        stressed = STRESS_SOURCES[rule.stressed](row, cfg, 1, SCALAR)
        if math.isnan(move) or math.isnan(stressed):
            continue
        strength = min(move, stressed / rule.at)
        if strength > (best[1] if best is not None else -math.inf):
            best = (rule, strength, stressed)
    return best


@dataclass(frozen=True, slots=True)
class ShockFacts:
    """Row ``i``'s one-day-shock findings, found once for a snapshot's words and codes."""

    stressed: tuple[StressedShock, float, float] | None  # see strongest_stressed
    best: ShockRule | None  # see strongest_shock
    best_s: float
    joint: tuple[JointShock, ShockRule, float] | None  # see strongest_joint


def shock_facts(inputs: Inputs, i: int, cfg: EngineConfig) -> ShockFacts:
    row = RowView(inputs, i)
    best, best_s = strongest_shock(row, cfg)
    return ShockFacts(strongest_stressed(row, cfg), best, best_s, strongest_joint(row, cfg))
