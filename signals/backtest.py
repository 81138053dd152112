"""The backtest: score a history panel; ``walk_rules`` steps bare rules over its days."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from signals.columns import indicator_array, rule_instant
from signals.config import DEFAULT_CONFIG, EngineConfig
from signals.engine import ScoredHistory, score_history
from signals.indicators import indicator_names
from signals.rules import Rule, RuleBook, Transition

__all__ = [
    "BacktestResult",
    "indicator_array",
    "known_indicator",
    "rule_instant",
    "run_backtest",
    "walk_rules",
]


def known_indicator(name: str, cfg: EngineConfig = DEFAULT_CONFIG) -> bool:
    """Whether a rule may refer to ``name``: the score, a component or a series indicator."""
    if name == "score":
        return True
    if name.startswith("component."):
        return name.removeprefix("component.") in dict(cfg.weights)
    for series in cfg.scored_series:
        for suffix in indicator_names(series, cfg.windows):
            if name == (f"{series}.{suffix}" if suffix else series):
                return True
    return False


@dataclass(frozen=True)
class BacktestResult:
    history: ScoredHistory
    first: int  # index of the first reported day (earlier rows are warm-up)

    @property
    def days(self) -> range:
        return range(self.first, len(self.history))


def walk_rules(
    history: ScoredHistory, rules: Sequence[Rule], first: int = 0, book: RuleBook | None = None
) -> tuple[list[tuple[int, Transition]], RuleBook]:
    """Evaluate every rule on every day from ``first``: the same RuleBook the live path uses."""
    book = book or RuleBook(rules)
    columns = {name: indicator_array(history, name).tolist() for name in book.indicators}
    out: list[tuple[int, Transition]] = []
    for i in range(first, len(history)):
        values = {k: v[i] for k, v in columns.items() if not math.isnan(v[i])}
        for t in book.evaluate(values, rule_instant(history.date(i))):
            out.append((i, t))
    return out, book


def run_backtest(
    panel: pd.DataFrame,
    cfg: EngineConfig = DEFAULT_CONFIG,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> BacktestResult:
    """Score the panel up to ``end`` (earlier rows warm the windows); report from ``start``.

    The alerts of those days come from the live alert stages, run over this
    result by ``bot.alerts.backtest`` (signals knows no alert policy).
    """
    if end is not None:
        panel = panel.loc[: pd.Timestamp(end)]
    history = score_history(panel, cfg)
    scored = np.flatnonzero(~np.isnan(history.score))
    first = int(scored[0]) if scored.size else len(history)  # days before any data say nothing
    if start is not None:
        first = max(first, int(np.searchsorted(history.dates, np.datetime64(start, "D"))))
    return BacktestResult(history, first)
