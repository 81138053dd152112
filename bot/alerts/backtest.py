"""The alerts a backtest reports: the live policy's stages, run on history.

Each scored day is one evaluation at ``rule_instant(day)``, with the same
rules, inhibition, escalation, repeat interval and grouping as the live
pipeline, so ``backtest --json`` and a ``replay`` of the same days agree.

Fifty years are ~16,000 evaluations, but on most days no rule's state can
change: an inactive rule whose condition does not hold and a firing rule
whose clear level is not passed come out of :func:`signals.rules.step` as
they went in, with no event, and then the later stages see no event either.
So the stages run only on the days that can matter — per rule, from its
phase after the last evaluation: a day its condition holds (inactive), a day
it is cleared (firing), every day while a ``for``/``keep_firing_for``/
cooldown timer runs (pending, recovering), and every firing day when
reminders are on. The one thing a skipped day does change is each rule's
``last_value``; it is set from the indicator columns before the next
evaluation and at the end, so the memory is exactly the day-by-day one
(``tests/bot/alerts/test_backtest_fast.py`` holds both to that on real
history). Components are only built for the days that produce an event.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np

from bot.alerts.events import AlertEvent
from bot.alerts.policy import AlertPolicy
from bot.alerts.stages import Memory, Reading
from signals.backtest import BacktestResult, indicator_array, rule_instant
from signals.components import component_specs
from signals.explain_columns import DayColumns
from signals.levels import level_for
from signals.rules import Phase, Rule, RuleState
from signals.snapshot import ComponentScore

_CMP = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


Explain = Callable[[int], Sequence[ComponentScore]]


def backtest_alerts(
    result: BacktestResult,
    rules: Sequence[Rule],
    repeat_interval: dt.timedelta | None = None,
    days: DayColumns | None = None,
) -> tuple[AlertEvent, ...]:
    """Every event the live policy would have stored over the reported days, in order.

    ``days`` (the reported days' columns, which ``backtest --json`` writes
    anyway) explain an event's components without building a Snapshot.
    """
    explain = None if days is None else columns_explain(result, days)
    return walk_policy(result, rules, repeat_interval, explain)[0]


def columns_explain(result: BacktestResult, days: DayColumns) -> Explain:
    """Day ``i``'s components from the day columns (``day_columns(history, first)``).

    The score, weight, stale flag and reason are the ones its Snapshot has
    (``tests/signals/test_explain_columns.py`` holds the columns to that);
    ``values`` are the same fresh inputs. What a driver does not read is
    left out: the data date and the reason code, and the components without
    a score (``driver_of`` looks only at the available ones, in order): these
    components only choose an event's driver.
    """
    h, lo = result.history, result.first
    specs = {spec.name: spec for spec in component_specs(h.config)}
    known = set(h.config.scored_series)
    heads = {key: key if key in known else key.rsplit(".", 1)[0] for key in h.inputs}
    # per component, the input keys ``_values(spec, _group_by_series(...))`` reads, in
    # its order, as lists: a day's values are then a few list reads, not a pass over
    # every input array
    keys = {
        c.name: [k for series in specs[c.name].series for k in h.inputs if heads[k] == series]
        for c in days.components
    }
    lists = {k: h.inputs[k].tolist() for k in {k for ks in keys.values() for k in ks}}
    # per component, what does not change from day to day: its column, its label and
    # base weight, and its inputs as (key, list) pairs
    fixed = [
        (c, specs[c.name].label, h.config.weight(c.name), [(k, lists[k]) for k in keys[c.name]])
        for c in days.components
    ]

    def explain(i: int) -> Sequence[ComponentScore]:
        j = i - lo
        out = []
        for c, label, base_weight, inputs in fixed:
            score = c.score[j]
            if score is None:
                continue
            out.append(
                ComponentScore(
                    name=c.name,
                    label=label,
                    score=score,
                    weight=c.weight[j],
                    base_weight=base_weight,
                    available=True,
                    stale=c.stale[j],
                    values={k: v for k, col in inputs if (v := col[i]) == v},  # NaN: no value
                    data_date=None,
                    reason=c.reason[j],
                )
            )
        return tuple(out)

    return explain


class _Columns:
    """Per rule: the days its condition holds / it is cleared, and the last seen value."""

    def __init__(self, result: BacktestResult, rules: Sequence[Rule]) -> None:
        history, lo = result.history, result.first
        n = len(history)
        # the days as ``ScoredHistory.date`` gives them, made at once
        self.dates: list[dt.date] = history.dates.astype("datetime64[D]").tolist()
        self.arrays: dict[str, np.ndarray] = {}
        self.lists: dict[str, list[float]] = {}
        self.last_seen: dict[str, np.ndarray] = {}  # index of the last non-NaN day <= i, or -1
        for name in sorted({r.indicator for r in rules}):
            arr = np.asarray(indicator_array(history, name), dtype=float)
            self.arrays[name] = arr
            self.lists[name] = arr.tolist()
            seen = np.where(~np.isnan(arr) & (np.arange(n) >= lo), np.arange(n), -1)
            self.last_seen[name] = np.maximum.accumulate(seen) if n else seen
        # sorted day lists: ``bisect`` on a list beats ``np.searchsorted`` per call
        self.hold_at: dict[str, list[int]] = {}
        self.clear_at: dict[str, list[int]] = {}
        for r in rules:
            with np.errstate(invalid="ignore"):
                values = self.arrays[r.indicator][lo:]
                holds = _CMP[r.op](values, r.threshold)
                cleared = values < r.clear if r.rising else values > r.clear
            self.hold_at[r.name] = (np.flatnonzero(holds) + lo).tolist()
            self.clear_at[r.name] = (np.flatnonzero(cleared) + lo).tolist()

    def last_value(self, indicator: str, i: int) -> float | None:
        """The value ``step`` last saw for ``indicator`` on a reported day up to ``i``."""
        at = int(self.last_seen[indicator][i]) if i >= 0 else -1
        return None if at < 0 else self.lists[indicator][at]


def _next_after(days: list[int], k: int) -> int | None:
    j = bisect.bisect_left(days, k)
    return days[j] if j < len(days) else None


def walk_policy(
    result: BacktestResult,
    rules: Sequence[Rule],
    repeat_interval: dt.timedelta | None = None,
    explain: Explain | None = None,
) -> tuple[tuple[AlertEvent, ...], Memory]:
    """The events and the final memory of the live stages run over the reported days."""
    history, rules = result.history, tuple(rules)
    explain = explain or (lambda i: history.snapshot(i).components)
    policy = AlertPolicy(rules, repeat_interval=repeat_interval)
    cols = _Columns(result, rules)
    scores = history.score.tolist()
    every_day = {Phase.PENDING, Phase.RECOVERING}
    if repeat_interval is not None:
        every_day.add(Phase.FIRING)
    out: list[AlertEvent] = []
    k, end, last_fed = result.first, len(history), result.first - 1
    while k < end:
        nxt: int | None = None
        for r in rules:
            phase = policy.memory.state(r.name).phase
            if phase in every_day:
                cand: int | None = k
            elif phase is Phase.FIRING:
                cand = _next_after(cols.clear_at[r.name], k)
            else:
                cand = _next_after(cols.hold_at[r.name], k)
            if cand is not None and (nxt is None or cand < nxt):
                nxt = cand
        if nxt is None:
            break
        i = nxt
        if i > last_fed + 1:
            _catch_up(policy, cols, rules, i - 1)
        reading = _reading(cols, scores, i, explain)
        out.extend(policy.evaluate_reading(reading, _now(cols, i)).events)
        last_fed, k = i, i + 1
    if end - 1 > last_fed:
        _catch_up(policy, cols, rules, end - 1)
    return tuple(out), policy.memory


def _now(cols: _Columns, i: int) -> dt.datetime:
    return rule_instant(cols.dates[i])


def _reading(cols: _Columns, scores: list[float], i: int, components: Explain) -> Reading:
    """Day ``i`` as the live policy reads it: ``ScoredHistory.date``/``level`` of the
    day, from lists made once (a ``pd.Timestamp`` per call costs more than the day)."""
    values = {k: v[i] for k, v in cols.lists.items() if v[i] == v[i]}  # NaN is no reading
    score = scores[i]
    present = score == score
    made: list[Sequence[ComponentScore]] = []

    def explain() -> Sequence[ComponentScore]:
        if not made:  # several events of one day share one set of components
            made.append(components(i))
        return made[0]

    return Reading(
        as_of=cols.dates[i],
        score=float(score) if present else None,
        score_level=level_for(score) if present else None,
        values=values,
        explain=explain,
    )


def _catch_up(policy: AlertPolicy, cols: _Columns, rules: tuple[Rule, ...], i: int) -> None:
    """The memory after the skipped days up to ``i``: only ``last_value`` moved."""
    m = policy.memory
    states = dict(m.states)
    for r in rules:
        last = cols.last_value(r.indicator, i)
        state = m.state(r.name)
        # a stepped day sets every rule's entry (unchanged where its value was missing)
        if last is None:
            states[r.name] = state
        else:
            states[r.name] = RuleState(
                state.phase, state.since, state.episode, last, state.last_resolved_at
            )
    policy.memory = Memory(states, m.notified, m.repeats, m.announced)
