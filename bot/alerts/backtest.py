"""The alerts a backtest reports: the live policy's stages, run day by day on history.

Each scored day is one evaluation at ``rule_instant(day)``, with the same
rules, inhibition, escalation, repeat interval and grouping as the live
pipeline, so ``backtest --json`` and a ``replay`` of the same days agree.
Components are only rebuilt for the days that produce an event.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from bot.alerts.events import AlertEvent
from bot.alerts.policy import AlertPolicy
from bot.alerts.stages import Reading
from signals.backtest import BacktestResult, indicator_array, rule_instant
from signals.rules import Rule


def backtest_alerts(
    result: BacktestResult, rules: Sequence[Rule], repeat_interval: dt.timedelta | None = None
) -> tuple[AlertEvent, ...]:
    """Every event the live policy would have stored over the reported days, in order."""
    history = result.history
    policy = AlertPolicy(rules, repeat_interval=repeat_interval)
    names = sorted({r.indicator for r in rules})
    columns = {name: indicator_array(history, name).tolist() for name in names}
    scores = history.score.tolist()
    out: list[AlertEvent] = []
    for i in result.days:
        values = {k: v[i] for k, v in columns.items() if not math.isnan(v[i])}
        score = None if math.isnan(scores[i]) else float(scores[i])
        reading = Reading(
            as_of=history.date(i),
            score=score,
            score_level=history.level(i) if score is not None else None,
            values=values,
            explain=lambda i=i: history.snapshot(i).components,  # type: ignore[misc]
        )
        out.extend(policy.evaluate_reading(reading, rule_instant(reading.as_of)).events)
    return tuple(out)
