"""Stage 3: a rule that fires while a lower-level sibling already fired escalates."""

from __future__ import annotations

from dataclasses import replace

from bot.alerts.events import EventKind, Reason
from bot.alerts.stages.base import Context, Events, firing


def escalate(ctx: Context, events: Events) -> tuple[Context, Events]:
    out = []
    for e in events:
        rule = ctx.rule(e.rule)
        lower_was_firing = any(
            r.level < rule.level and firing(ctx.before.state(r.name)) for r in ctx.family_of(rule)
        )
        if e.kind is EventKind.FIRING and lower_was_firing:
            e = replace(e, kind=EventKind.ESCALATED, reasons=(*e.reasons, Reason.ESCALATED))
        out.append(e)
    return ctx, tuple(out)
