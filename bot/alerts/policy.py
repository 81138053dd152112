"""The live alert policy: the stage pipeline plus the memory between evaluations.

    snapshot ─▶ rule states ─▶ inhibit ─▶ escalate ─▶ repeat ─▶ group ─▶ events

The backtest runs the very same stages (``bot.alerts.backtest``). The memory
is handed back in every result so the caller stores it in the same
transaction as the events (``bot.store.rule_memory``): a restart resumes
without re-notifying. Every suppression is logged with its reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from bot.alerts.events import AlertEvent, Reason
from bot.alerts.stages import PIPELINE, Context, Memory, Reading, Stage, run_stages
from signals.rules import Rule
from signals.snapshot import Snapshot

log = logging.getLogger(__name__)

Suppressed = Reason  # kept for callers that name the suppression reason


@dataclass(frozen=True, slots=True)
class PolicyResult:
    events: tuple[AlertEvent, ...]
    memory: Memory
    suppressed: tuple[tuple[str, Reason], ...] = ()


class AlertPolicy:
    """Runs the stages on each reading and keeps the memory they hand back."""

    def __init__(
        self,
        rules: Iterable[Rule],
        memory: Memory | None = None,
        repeat_interval: dt.timedelta | None = None,
        stages: tuple[Stage, ...] = PIPELINE,
    ) -> None:
        self.rules = tuple(rules)
        self.memory = Memory()
        self.resume(memory or Memory())
        self.repeat_interval = repeat_interval
        self.stages = stages

    def resume(self, m: Memory) -> None:
        """Take up stored memory (at start, or after a failed commit), for known rules only."""
        names = {r.name for r in self.rules}
        self.memory = Memory(
            {k: v for k, v in m.states.items() if k in names},
            {k: v for k, v in m.notified.items() if k in names},
            {k: v for k, v in m.repeats.items() if k in names},
            {k: v for k, v in m.announced.items() if k in names},
        )

    def evaluate(self, snapshot: Snapshot, now: dt.datetime) -> PolicyResult:
        return self.evaluate_reading(Reading.of(snapshot), now)

    def evaluate_reading(self, reading: Reading, now: dt.datetime) -> PolicyResult:
        ctx = Context(self.rules, reading, now, self.memory, self.memory, self.repeat_interval)
        ctx, events = run_stages(self.stages, ctx)
        for name, why in ctx.suppressed:
            log.info("alert %s suppressed: %s", name, why.value)
        self.memory = ctx.after
        return PolicyResult(events, ctx.after, ctx.suppressed)
