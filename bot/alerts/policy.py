"""Snapshot -> alert events, as a short pipeline of small stages (after Alertmanager).

    rule transitions ─▶ inhibit/escalate (same family) ─▶ repeat reminders ─▶ NewAlert

Each stage is a pure function with the clock passed in; every suppression has
a reason that is logged. The policy's memory (rule states, last notification,
repeat count) is written to the store in the same transaction as the events,
so a restart resumes without re-notifying.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.alerts.events import EventKind
from bot.alerts.states import episode_key, from_row, to_row
from bot.alerts.text import cause, headline
from bot.render.units import unit_of
from bot.store.records import NewAlert, RuleStateRow
from signals.rules import Phase, Rule, RuleBook, Transition, TransitionKind
from signals.snapshot import Snapshot

log = logging.getLogger(__name__)


class Suppressed(enum.StrEnum):
    """Why a transition produced no message."""

    INHIBITED = "inhibited by a higher-level rule of the same family"


@dataclass(frozen=True, slots=True)
class Candidate:
    transition: Transition
    kind: EventKind
    seq: int = 0


@dataclass(frozen=True, slots=True)
class PolicyResult:
    events: tuple[NewAlert, ...]
    rule_states: tuple[RuleStateRow, ...]
    suppressed: tuple[tuple[str, Suppressed], ...] = ()


def _firing(book: RuleBook, rule: Rule) -> bool:
    return book.states[rule.name].phase in (Phase.FIRING, Phase.RECOVERING)


def classify(
    book: RuleBook, transitions: Sequence[Transition], was_firing: frozenset[str]
) -> tuple[list[Candidate], list[tuple[str, Suppressed]]]:
    """Stage 1: firing / escalated / resolved, with same-family inhibition.

    A rule does not notify while a higher-level rule of its family fires; a rule
    that fires while a lower-level sibling was already firing is an escalation.
    """
    out: list[Candidate] = []
    suppressed: list[tuple[str, Suppressed]] = []
    for t in transitions:
        family = [
            r for r in book.rules if t.rule.family and r.family == t.rule.family and r is not t.rule
        ]
        if any(_firing(book, r) and r.level > t.rule.level for r in family):
            suppressed.append((t.rule.name, Suppressed.INHIBITED))
            continue
        if t.kind is TransitionKind.RESOLVED:
            out.append(Candidate(t, EventKind.RESOLVED))
        elif any(r.name in was_firing and r.level < t.rule.level for r in family):
            out.append(Candidate(t, EventKind.ESCALATED))
        else:
            out.append(Candidate(t, EventKind.FIRING))
    return out, suppressed


class AlertPolicy:
    """Holds the RuleBook and each rule's notification memory between evaluations."""

    def __init__(
        self,
        rules: Iterable[Rule],
        stored: Mapping[str, RuleStateRow] | None = None,
        repeat_interval: dt.timedelta | None = None,
    ) -> None:
        self.book = RuleBook(rules)
        self.repeat_interval = repeat_interval
        self._notified: dict[str, dt.datetime | None] = {}
        self._repeats: dict[str, int] = {}
        for name, row in (stored or {}).items():
            if name in self.book.states:
                state, notified, repeats = from_row(row)
                self.book.states[name] = state
                self._notified[name] = notified
                self._repeats[name] = repeats

    def _repeat_candidates(self, now: dt.datetime, fresh: set[str]) -> list[Candidate]:
        """Stage 2: a reminder while a rule keeps firing past the repeat interval."""
        if self.repeat_interval is None:
            return []
        out = []
        for rule in self.book.rules:
            state = self.book.states[rule.name]
            last = self._notified.get(rule.name)
            if rule.name in fresh or state.phase is not Phase.FIRING or last is None:
                continue
            if now - last >= self.repeat_interval and state.last_value is not None:
                family = [r for r in self.book.rules if rule.family and r.family == rule.family]
                if any(_firing(self.book, r) and r.level > rule.level for r in family):
                    continue
                seq = self._repeats.get(rule.name, 0) + 1
                t = Transition(rule, TransitionKind.FIRING, now, state.last_value, state.episode)
                out.append(Candidate(t, EventKind.REPEAT, seq))
        return out

    def evaluate(self, snapshot: Snapshot, now: dt.datetime) -> PolicyResult:
        was_firing = frozenset(r.name for r in self.book.rules if _firing(self.book, r))
        transitions = self.book.evaluate(dict(snapshot.indicators), now)
        candidates, suppressed = classify(self.book, transitions, was_firing)
        for name, why in suppressed:
            log.info("alert %s suppressed: %s", name, why.value)
        candidates += self._repeat_candidates(now, {t.rule.name for t in transitions})
        events = []
        for c in candidates:
            rule, t = c.transition.rule, c.transition
            if c.kind is EventKind.FIRING or c.kind is EventKind.ESCALATED:
                self._repeats[rule.name] = 0
            elif c.kind is EventKind.REPEAT:
                self._repeats[rule.name] = c.seq
            self._notified[rule.name] = now
            events.append(
                NewAlert(
                    rule=rule.name,
                    kind=c.kind,
                    level=rule.level,
                    headline=headline(t),
                    cause=cause(rule, snapshot, resolved=t.kind is TransitionKind.RESOLVED),
                    as_of=snapshot.as_of,
                    created_at=now,
                    value=t.value,
                    threshold=rule.clear if t.kind is TransitionKind.RESOLVED else rule.threshold,
                    unit=unit_of(rule.indicator),
                    score=snapshot.score,
                    episode=episode_key(rule.name, t.episode),
                    seq=c.seq,
                )
            )
        rows = tuple(
            to_row(
                r,
                self.book.states[r.name],
                self._notified.get(r.name),
                self._repeats.get(r.name, 0),
            )
            for r in self.book.rules
        )
        return PolicyResult(tuple(events), rows, tuple(suppressed))
