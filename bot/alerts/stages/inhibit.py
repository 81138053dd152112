"""Stage 2: a rule says nothing while a higher-level rule of its family fires.

Alertmanager's inhibition, within a rule family: ``yen-squeeze`` (severe)
firing silences ``yen-surge`` (high) — its firing, its resolve and its repeats.
"""

from __future__ import annotations

from dataclasses import replace

from bot.alerts.events import Reason
from bot.alerts.stages.base import Context, Events, firing
from signals.rules import Rule


def inhibited(ctx: Context, rule: Rule) -> bool:
    """Whether a higher-level sibling of ``rule`` is firing after this evaluation."""
    return any(
        r.level > rule.level and firing(ctx.after.state(r.name)) for r in ctx.family_of(rule)
    )


def inhibit(ctx: Context, events: Events) -> tuple[Context, Events]:
    kept, dropped = [], []
    for e in events:
        if inhibited(ctx, ctx.rule(e.rule)):
            dropped.append((e.rule, Reason.INHIBITED))
        else:
            kept.append(e)
    return replace(ctx, suppressed=(*ctx.suppressed, *dropped)), tuple(kept)
