"""The backtest's skipping walk equals a plain day-by-day run of the live stages.

``bot.alerts.backtest`` runs the stages only on the days a rule's state can
change. Here the same stages run on every day of a real slice (1995–2012:
the 1998 yen squeeze, 2003 VaR shock, 2008) and both must give the same
events and the same final memory — with the packaged rules, with reminders
on, and with ``for``/``keep_firing_for``/cooldown timers that keep rules
pending or recovering across days; and with the event drivers taken from
the day columns instead of Snapshots.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.alerts.backtest import backtest_alerts, walk_policy
from bot.alerts.events import AlertEvent, EventKind
from bot.alerts.policy import AlertPolicy
from bot.alerts.stages import Memory, Reading
from bot.history.loader import load_history_panel
from bot.rules.load import load_rules
from signals.backtest import BacktestResult, indicator_array, rule_instant, run_backtest
from signals.explain_columns import day_columns
from signals.rules import Rule

DAY = dt.timedelta(days=1)


def _plain(
    result: BacktestResult, rules: tuple[Rule, ...], interval: dt.timedelta | None
) -> tuple[tuple[AlertEvent, ...], Memory]:
    """Every reported day through the policy, one after the other."""
    h = result.history
    policy = AlertPolicy(rules, repeat_interval=interval)
    columns = {r.indicator: indicator_array(h, r.indicator) for r in rules}
    out: list[AlertEvent] = []
    for i in result.days:
        score = float(h.score[i])
        present = score == score
        reading = Reading(
            as_of=h.date(i),
            score=score if present else None,
            score_level=h.level(i) if present else None,
            values={k: float(v[i]) for k, v in columns.items() if v[i] == v[i]},
            explain=lambda i=i: h.snapshot(i).components,  # type: ignore[misc]
        )
        out.extend(policy.evaluate_reading(reading, rule_instant(reading.as_of)).events)
    return tuple(out), policy.memory


@pytest.fixture(scope="module")
def result(history_dir: Path) -> BacktestResult:
    panel = load_history_panel(history_dir, start=dt.date(1993, 1, 1), end=dt.date(2012, 12, 31))
    return run_backtest(panel, start=dt.date(1995, 1, 1))


def _timed(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The packaged rules with timers: each rule spends days pending and recovering."""
    return tuple(
        dataclasses.replace(r, for_=2 * DAY, keep_firing_for=3 * DAY, cooldown=5 * DAY)
        for r in rules
    )


@pytest.mark.parametrize("timers", [False, True], ids=["packaged", "timers"])
@pytest.mark.parametrize("interval", [None, 2 * DAY], ids=["no-repeat", "repeat-2d"])
def test_skipping_walk_equals_day_by_day(
    result: BacktestResult, timers: bool, interval: dt.timedelta | None
) -> None:
    rules = tuple(load_rules())
    if timers:
        rules = _timed(rules)
    fast_events, fast_memory = walk_policy(result, rules, interval)
    plain_events, plain_memory = _plain(result, rules, interval)
    assert fast_events == plain_events
    assert fast_memory == plain_memory
    # drivers chosen from the day columns (what ``backtest --json`` does) are the same
    days = day_columns(result.history, result.first)
    assert backtest_alerts(result, rules, interval, days) == plain_events
    # the slice is one that exercises the path: transitions, and reminders when on
    kinds = {e.kind for e in plain_events}
    assert {EventKind.FIRING, EventKind.RESOLVED} <= kinds
    assert (EventKind.REPEAT in kinds) == (interval is not None)


@pytest.mark.parametrize("interval", [None, 2 * DAY], ids=["no-repeat", "repeat-2d"])
def test_whole_history_fast_path_equals_day_by_day(
    history_dir: Path, interval: dt.timedelta | None
) -> None:
    """Every day since 1971, packaged rules: the skipping walk with drivers from the
    day columns (what ``backtest --json`` runs) gives exactly the day-by-day stages'
    events with drivers from Snapshots, and the same final memory."""
    result = run_backtest(load_history_panel(history_dir))
    rules = tuple(load_rules())
    days = day_columns(result.history, result.first)
    plain_events, plain_memory = _plain(result, rules, interval)
    fast_events, fast_memory = walk_policy(result, rules, interval)
    assert backtest_alerts(result, rules, interval, days) == plain_events == fast_events
    assert fast_memory == plain_memory
    assert len(plain_events) > 2_000  # fifty years of episodes, not an empty walk
    assert {e.rule for e in plain_events} == {r.name for r in rules}
