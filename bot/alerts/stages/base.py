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
from itertools import repeat
from typing import Protocol

from bot.alerts.events import AlertEvent, Driver, Reason
from signals.levels import Level
from signals.rules import Phase, Rule, RuleState
from signals.snapshot import ComponentScore, Snapshot

Events = tuple[AlertEvent, ...]

_INITIAL = RuleState()  # frozen: one shared "never evaluated" state (asked for ~4x per rule)


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
        return self.states.get(rule, _INITIAL)

    def with_states(self, states: Mapping[str, RuleState]) -> Memory:
        """``replace(self, states=states)`` at a constructor's cost (see Context.with_after)."""
        return Memory(states, self.notified, self.repeats, self.announced)


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

    def with_after(self, after: Memory) -> Context:
        """``dataclasses.replace(self, after=after)``, built with the constructor.

        Every stage of every evaluation hands on a new context, and a backtest
        runs thousands of evaluations: ``replace`` costs several times more.
        ``tests/bot/alerts/test_stages.py`` holds both to ``replace``.
        """
        return Context(
            self.rules,
            self.reading,
            self.now,
            self.before,
            after,
            self.repeat_interval,
            self.suppressed,
        )

    def with_suppressed(self, suppressed: tuple[tuple[str, Reason], ...]) -> Context:
        """``dataclasses.replace(self, suppressed=suppressed)`` (see with_after)."""
        return Context(
            self.rules,
            self.reading,
            self.now,
            self.before,
            self.after,
            self.repeat_interval,
            suppressed,
        )

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
    reading = [c for c in available if _reads(c.values, series, prefix)]
    best = max(reading or available, key=lambda c: (c.score or 0.0) * c.weight)
    return Driver(best.name, best.label, best.score, best.reason)


def _reads(values: Mapping[str, float], series: str, prefix: str) -> bool:
    """Whether a component's inputs include ``series`` or one of its indicators.

    ``map`` rather than a generator: a backtest asks this for every component of
    every event, over every input key, and the generator costs ~3x per key.
    """
    return series in values or any(map(str.startswith, values, repeat(prefix)))
