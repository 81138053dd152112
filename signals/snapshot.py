"""The explainable result of scoring one date: what every alert and /risk comes from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from signals.levels import Level


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One component of the composite, with everything needed to explain it.

    ``weight`` is the effective (renormalised) weight used in the composite;
    ``base_weight`` the configured one. A component that is missing or stale has
    ``available=False``, ``score=None`` and ``weight=0``.
    """

    name: str
    label: str
    score: float | None
    weight: float
    base_weight: float
    available: bool
    stale: bool
    values: Mapping[str, float]
    data_date: dt.date | None
    reason: str
    # The same reason as data (signals.reasons): renderers write their own words.
    reason_code: str = ""
    reason_params: Mapping[str, float | str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": dict(self.values),
            "score": self.score,
            "weight": self.weight,
            "base_weight": self.base_weight,
            "available": self.available,
            "stale": self.stale,
            "data_date": self.data_date.isoformat() if self.data_date else None,
            "reason": self.reason,
            "reason_code": self.reason_code,
            "reason_params": dict(self.reason_params),
        }


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The composite score for ``as_of`` and how it was reached.

    ``score`` and ``level`` are None only when no component had data (e.g.
    before 1974): "no data", never ``low``;
    ``indicators`` holds every indicator value rules may refer to
    (``jgb.40y``, ``usdjpy.chg_5d_pct``, ``score`` …), fresh values only.
    """

    as_of: dt.date
    score: float | None
    level: Level | None
    components: tuple[ComponentScore, ...]
    indicators: Mapping[str, float] = field(default_factory=dict)

    @property
    def dropped(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.components if not c.available)

    @property
    def stale_series(self) -> tuple[str, ...]:
        return tuple(sorted({c.name for c in self.components if c.stale}))

    def component(self, name: str) -> ComponentScore:
        for comp in self.components:
            if comp.name == name:
                return comp
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "score": self.score,
            "level": self.level.label if self.level is not None else None,
            "components": {c.name: c.to_json() for c in self.components},
            "dropped": list(self.dropped),
        }
