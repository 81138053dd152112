"""The shape every stage has, after Alertmanager's ``notify.Stage``/``MultiStage``.

A stage takes the evaluation's context and the events so far and returns the
(possibly updated) context and the events that go on. Stages are pure: no I/O
and no clock; the evaluation instant is ``Context.now``. Unlike Alertmanager's
``MultiStage`` the chain does not stop on an empty list, because a stage may
add events (repeat reminders appear without a transition).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.alerts.events import AlertEvent, Driver, Reason
from signals.levels import Level
from signals.rules import Phase, Rule, RuleState
from signals.snapshot import ComponentScore, Snapshot

Events = tuple[AlertEvent, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    """What one evaluation saw. ``explain`` yields the components, and is called
    only when an event needs its driver (the backtest builds them lazily)."""

    as_of: dt.date
    score: float | None
    score_level: Level | None
    values: Mapping[str, float]
    explain: Callable[[], Sequence[ComponentScore]] = lambda: ()

    @classmethod
    def of(cls, snapshot: Snapshot) -> Reading:
        level = snapshot.level if snapshot.score is not None else None
        return cls(
            snapshot.as_of,
            snapshot.score,
            level,
            dict(snapshot.indicators),
            lambda: snapshot.components,
        )


@dataclass(frozen=True, slots=True)
class Memory:
    """What the policy remembers between evaluations, per rule name.

    ``announced`` is the episode number whose firing was last notified: a
    resolve of an episode nobody was told about (it fired under inhibition)
    stays silent too.
    """

    states: Mapping[str, RuleState] = field(default_factory=dict)
    notified: Mapping[str, dt.datetime] = field(default_factory=dict)
    repeats: Mapping[str, int] = field(default_factory=dict)
    announced: Mapping[str, int] = field(default_factory=dict)

    def state(self, rule: str) -> RuleState:
        return self.states.get(rule, RuleState())


@dataclass(frozen=True, slots=True)
class Context:
    """One evaluation: the rules, what was read, when, and memory before and after."""

    rules: tuple[Rule, ...]
    reading: Reading
    now: dt.datetime
    before: Memory
    after: Memory
    repeat_interval: dt.timedelta | None = None
    suppressed: tuple[tuple[str, Reason], ...] = ()

    def rule(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)

    def family_of(self, rule: Rule) -> tuple[Rule, ...]:
        """The other rules of ``rule``'s family (none when it has no family)."""
        if not rule.family:
            return ()
        return tuple(r for r in self.rules if r.family == rule.family and r is not rule)


class Stage(Protocol):
    def __call__(self, ctx: Context, events: Events) -> tuple[Context, Events]: ...


def run_stages(
    stages: Sequence[Stage], ctx: Context, events: Events = ()
) -> tuple[Context, Events]:
    """Run ``stages`` in order, each on what the previous one let through."""
    for stage in stages:
        ctx, events = stage(ctx, events)
    return ctx, events


def firing(state: RuleState) -> bool:
    return state.phase in (Phase.FIRING, Phase.RECOVERING)


def episode_key(rule: str, episode: int) -> str:
    return f"{rule}#{episode}"


def driver_of(rule: Rule, components: Sequence[ComponentScore]) -> Driver | None:
    """The component reading the rule's series (else the biggest contributor)."""
    available = [c for c in components if c.available]
    if not available:
        return None
    series = rule.indicator
    for cut in (".chg", ".z_", ".drawdown", ".vol"):
        series = series.split(cut)[0]
    prefix = series + "."
    reading = [
        c for c in available if series in c.values or any(k.startswith(prefix) for k in c.values)
    ]
    best = max(reading or available, key=lambda c: (c.score or 0.0) * c.weight)
    return Driver(best.name, best.label, best.score, best.reason)
