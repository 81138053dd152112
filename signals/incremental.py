"""The live path: fold one observation at a time into the same score.

It keeps only ``Windows.lookback`` observations per series and recomputes that
series' indicators with the very functions the backtest uses, then scores the
date with the same ``evaluate`` in scalar operations (``signals.ops.SCALAR``:
the same IEEE arithmetic as the backtest's columns, without numpy's per-call
cost on one value), so live and backtest agree exactly (a hypothesis test
checks it on random slices of real history).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from signals.config import DEFAULT_CONFIG, EngineConfig
from signals.engine import SPREAD, evaluate
from signals.explain import build_snapshot
from signals.indicators import SAME_DAY, compute_indicators, indicator_key
from signals.ops import SCALAR
from signals.snapshot import Snapshot


class OutOfOrderError(ValueError):
    """An observation older than the newest one already folded in for its series."""


@dataclass
class _SeriesState:
    dates: deque[dt.date]
    values: deque[float]
    latest: dict[str, float] = field(default_factory=dict)  # today's indicators, ready to score
    same_day: frozenset[str] = frozenset()  # keys of ``latest`` valid on the value's own date only
    data_date: tuple[np.datetime64, ...] = ()  # the newest date, as a one-row column


class IncrementalEngine:
    """Stateful scorer for the live pipeline; pure apart from its own memory."""

    def __init__(self, config: EngineConfig = DEFAULT_CONFIG) -> None:
        self.config = config
        self._scored = frozenset(config.scored_series)
        self._state: dict[str, _SeriesState] = {}
        self._version = 0  # bumps whenever a scored value changes
        self._memo: tuple[int, dt.date, Snapshot] | None = None

    def last_date(self, series: str) -> dt.date | None:
        st = self._state.get(series)
        return st.dates[-1] if st and st.dates else None

    def observe(self, series: str, date: dt.date, value: float) -> None:
        """Fold in one observation; the same date again replaces it (a correction)."""
        if series not in self._scored:
            return
        if not np.isfinite(value):
            raise ValueError(f"{series} {date}: value {value!r} is not finite")
        lookback = self.config.windows.lookback
        st = self._state.setdefault(
            series, _SeriesState(deque(maxlen=lookback), deque(maxlen=lookback))
        )
        if st.dates and date < st.dates[-1]:
            raise OutOfOrderError(f"{series}: {date} is older than {st.dates[-1]}")
        if st.dates and date == st.dates[-1]:
            st.dates.pop()
            st.values.pop()
        st.dates.append(date)
        st.values.append(float(value))
        self._version += 1
        arrays = compute_indicators(
            series, np.fromiter(st.values, float, len(st.values)), self.config.windows, last=1
        )
        st.latest = {indicator_key(series, sfx): float(arr[-1]) for sfx, arr in arrays.items()}
        st.same_day = frozenset(indicator_key(series, suffix) for suffix in SAME_DAY)
        st.data_date = (np.datetime64(date, "D"),)
        if series in ("jgb.10y", "ust.10y"):
            self._derive_spread(date)

    def _derive_spread(self, date: dt.date) -> None:
        jgb, ust = self._state.get("jgb.10y"), self._state.get("ust.10y")
        if jgb and ust and jgb.dates[-1] == date and ust.dates[-1] == date:
            self.observe(SPREAD, date, ust.values[-1] - jgb.values[-1])

    def update(self, as_of: dt.date, values: Mapping[str, float]) -> Snapshot:
        """Fold in the observations of ``as_of`` and return that date's snapshot."""
        for series, value in values.items():
            self.observe(series, as_of, value)
        return self.snapshot(as_of)

    def snapshot(self, as_of: dt.date) -> Snapshot:
        """The snapshot for ``as_of``; reused while no scored value has changed."""
        if self._memo is not None and self._memo[:2] == (self._version, as_of):
            return self._memo[2]
        snap = self._build(as_of)
        self._memo = (self._version, as_of, snap)
        return snap

    def _build(self, as_of: dt.date) -> Snapshot:
        cfg = self.config
        inputs: dict[str, float] = {}
        data_dates: dict[str, tuple[np.datetime64, ...]] = {}
        stale: dict[str, tuple[bool, ...]] = {}
        by_series: dict[str, dict[str, float]] = {}  # fresh values, as build_snapshot groups them
        for series, st in self._state.items():
            if not st.dates:
                continue
            age = (as_of - st.dates[-1]).days
            fresh = 0 <= age <= cfg.max_age(series)
            data_dates[series] = st.data_date
            stale[series] = (not fresh,)
            group: dict[str, float] = {}
            for key, value in st.latest.items():
                usable = age == 0 if key in st.same_day else fresh
                inputs[key] = value if usable else math.nan
                if usable and value == value:  # not NaN
                    group[key] = value
            if group:
                by_series[series] = group
        components, score, weights = evaluate(inputs, cfg, 1, SCALAR)
        return build_snapshot(
            as_of=as_of,
            i=0,
            inputs={k: (v,) for k, v in inputs.items()},
            components={k: (v,) for k, v in components.items()},
            weights={k: (v,) for k, v in weights.items()},
            score=(score,),
            data_dates=data_dates,
            stale=stale,
            cfg=cfg,
            by_series=by_series,
        )
