"""Stage 2: a rule says nothing while a higher-level rule of its family fires.

Alertmanager's inhibition, within a rule family: ``yen-squeeze`` (severe)
firing silences ``yen-surge`` (high) — its firing, its resolve and its repeats.
And, as Alertmanager sends a resolve only for an alert it notified, the
resolve of an episode whose firing was never sent is dropped as well.
"""

from __future__ import annotations

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
        elif e.resolved and ctx.before.announced.get(e.rule) != ctx.before.state(e.rule).episode:
            dropped.append((e.rule, Reason.UNANNOUNCED))
        else:
            kept.append(e)
    if not dropped:
        return ctx, tuple(kept)
    return ctx.with_suppressed((*ctx.suppressed, *dropped)), tuple(kept)
