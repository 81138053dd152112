"""The live (incremental) path and the backtest (vectorised) path must agree exactly."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rules.load import load_rules
from signals.backtest import rule_instant, walk_rules
from signals.engine import score_history
from signals.incremental import IncrementalEngine
from signals.rules import RuleBook


def _same(a: float | None, b: float) -> bool:
    if a is None:
        return math.isnan(b)
    return a == b


def _check_slice(panel: pd.DataFrame) -> int:
    """Compare both paths day by day; return how many transitions were compared."""
    rules = load_rules()
    history = score_history(panel)
    transitions, book = walk_rules(history, rules)
    live = IncrementalEngine()
    live_book = RuleBook(rules)
    live_transitions = []
    for i, (ts, row) in enumerate(panel.iterrows()):
        day = ts.date()
        values = {k: float(v) for k, v in row.items() if not np.isnan(v)}
        snap = live.update(day, values)
        assert _same(snap.score, history.score[i]), f"score differs on {day}"
        assert snap.level == history.level(i), f"level differs on {day}"
        for comp in snap.components:
            assert _same(comp.score, history.components[comp.name][i]), f"{comp.name} on {day}"
        # all of it: weights, values, data dates, reasons in words and as codes
        assert snap == history.snapshot(i), f"snapshot differs on {day}"
        for t in live_book.evaluate(dict(snap.indicators), rule_instant(day)):
            live_transitions.append((i, t))
    assert [(i, t.rule.name, t.kind) for i, t in live_transitions] == [
        (i, t.rule.name, t.kind) for i, t in transitions
    ]
    assert live_book.states == book.states
    return len(transitions)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_incremental_equals_vectorised_on_random_real_slices(
    real_panel: pd.DataFrame, data: st.DataObject
) -> None:
    """Scores, levels, component scores and rule states are identical on random slices."""
    panel = real_panel.loc["1988-01-01":]
    length = data.draw(st.integers(min_value=60, max_value=420), label="length")
    start = data.draw(st.integers(min_value=0, max_value=len(panel) - length), label="start")
    compared = _check_slice(panel.iloc[start : start + length])
    assert compared >= 0


def test_paths_agree_through_the_2024_unwind(real_panel: pd.DataFrame) -> None:
    """A fixed slice with full windows (a year of warm-up) through Aug 2024."""
    assert _check_slice(real_panel.loc["2023-06-01":"2024-09-30"]) > 5  # the unwind's alerts


def test_incremental_correction_replaces_the_days_value(real_panel: pd.DataFrame) -> None:
    """Feeding a date twice (a provider correction) equals feeding only the final value."""
    panel = real_panel.loc["2024-01-01":"2024-08-05"]
    once, twice = IncrementalEngine(), IncrementalEngine()
    for ts, row in panel.iterrows():
        values = {k: float(v) for k, v in row.items() if not np.isnan(v)}
        once.update(ts.date(), values)
        if "usdjpy" in values:
            twice.update(ts.date(), {**values, "usdjpy": values["usdjpy"] * 1.01})
        twice.update(ts.date(), values)
    last = panel.index[-1].date()
    assert once.snapshot(last) == twice.snapshot(last)
