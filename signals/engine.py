"""The vectorised pass: score every date of a history panel at once.

Both paths share ``evaluate`` (components + composite on aligned arrays) and
``compute_indicators``; this module only aligns each series' indicators onto the
panel's dates "as of" each date, with the value's age, and masks stale ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from signals.columns import indicator_array
from signals.components import component_specs, composite, two_markets_stressed
from signals.config import DEFAULT_CONFIG, EngineConfig
from signals.explain import build_snapshot
from signals.indicators import SAME_DAY, compute_indicators, indicator_key
from signals.levels import Level, level_for
from signals.ops import ARRAY, Num, Ops
from signals.snapshot import Snapshot

FloatArray = np.ndarray
SPREAD = "spread.us_jp_10y"


def evaluate(
    inputs: Mapping[str, Num], cfg: EngineConfig, n: int, ops: Ops = ARRAY
) -> tuple[dict[str, Num], Num, dict[str, Num]]:
    """Component scores, composite score and effective weights for ``n`` aligned
    dates (columns, ``ARRAY``) or for one date (floats, ``SCALAR``)."""
    scores = {spec.name: spec.score(inputs, cfg, n, ops) for spec in component_specs(cfg)}
    severe = two_markets_stressed(inputs, cfg, n, ops)
    score, weights = composite(scores, cfg, n, severe, ops)
    return scores, score, weights


def with_spread(panel: pd.DataFrame) -> pd.DataFrame:
    """Add the US–JP 10y spread on the dates both yields were observed (a new frame)."""
    if "ust.10y" not in panel or "jgb.10y" not in panel:
        return panel
    out = panel.copy()
    out[SPREAD] = panel["ust.10y"] - panel["jgb.10y"]
    return out


@dataclass(frozen=True)
class ScoredHistory:
    """Every date's score, components and the fresh indicator values behind them."""

    dates: np.ndarray  # datetime64[D]
    inputs: dict[str, FloatArray]
    data_dates: dict[str, np.ndarray]  # per series: date of the value used (NaT if none)
    stale: dict[str, np.ndarray]  # per series: had data, but too old
    components: dict[str, FloatArray]
    weights: dict[str, FloatArray]
    score: FloatArray
    config: EngineConfig

    def __len__(self) -> int:
        return int(self.dates.size)

    def date(self, i: int) -> dt.date:
        return pd.Timestamp(self.dates[i]).date()

    def values(self, name: str) -> list[float]:
        """Indicator ``name`` (``score``, ``component.<name>``) as a list, for previews."""
        column: list[float] = indicator_array(self, name).tolist()
        return column

    def level(self, i: int) -> Level | None:
        """The day's level; None when no component had data ("no data", never ``low``)."""
        s = self.score[i]
        return None if np.isnan(s) else level_for(float(s))

    def snapshot(self, i: int) -> Snapshot:
        return build_snapshot(
            as_of=self.date(i),
            i=i,
            inputs=self.inputs,
            components=self.components,
            weights=self.weights,
            score=self.score,
            data_dates=self.data_dates,
            stale=self.stale,
            cfg=self.config,
        )


def score_history(panel: pd.DataFrame, cfg: EngineConfig = DEFAULT_CONFIG) -> ScoredHistory:
    """Score every date of ``panel`` (DatetimeIndex, one column per series, NaN = not observed)."""
    panel = with_spread(panel)
    dates = panel.index.to_numpy().astype("datetime64[D]")
    n = dates.size
    inputs: dict[str, FloatArray] = {}
    data_dates: dict[str, np.ndarray] = {}
    stale: dict[str, np.ndarray] = {}
    for series in cfg.scored_series:
        if series not in panel:
            continue
        column = panel[series].to_numpy(dtype=float)
        observed = ~np.isnan(column)
        obs_dates = dates[observed]
        pos = np.cumsum(observed) - 1
        has = pos >= 0
        safe = np.where(has, pos, 0)
        used = np.where(has, obs_dates[safe] if obs_dates.size else dates, np.datetime64("NaT"))
        age = (dates - used).astype("timedelta64[D]").astype(float)
        fresh = has & (age <= cfg.max_age(series))
        today = has & (age == 0)
        data_dates[series] = used
        stale[series] = has & ~fresh
        for suffix, values in compute_indicators(series, column[observed], cfg.windows).items():
            aligned = values[safe] if values.size else np.full(n, np.nan)
            usable = today if suffix in SAME_DAY else fresh
            inputs[indicator_key(series, suffix)] = np.where(usable, aligned, np.nan)
    components, score, weights = evaluate(inputs, cfg, n)
    return ScoredHistory(dates, inputs, data_dates, stale, components, weights, score, cfg)
