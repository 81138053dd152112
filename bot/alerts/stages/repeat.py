"""Stage 4: a reminder while a rule keeps firing past the repeat interval.

Counted from when the rule last notified (``Memory.notified``); a rule that
fired or resolved in this evaluation, or is inhibited, sends no reminder.
"""

from __future__ import annotations

from bot.alerts.events import EventKind, Reason
from bot.alerts.stages.base import Context, Events
from bot.alerts.stages.inhibit import inhibited
from bot.alerts.stages.rule_states import event_for
from signals.rules import Phase, Transition, TransitionKind


def repeat(ctx: Context, events: Events) -> tuple[Context, Events]:
    interval = ctx.repeat_interval
    if interval is None:
        return ctx, events
    out = list(events)
    for rule in ctx.rules:
        state, before = ctx.after.state(rule.name), ctx.before.state(rule.name)
        last = ctx.before.notified.get(rule.name)
        if state.phase is not Phase.FIRING or state.episode != before.episode or last is None:
            continue
        if ctx.now - last < interval or state.last_value is None or inhibited(ctx, rule):
            continue
        seq = ctx.before.repeats.get(rule.name, 0) + 1
        t = Transition(rule, TransitionKind.FIRING, ctx.now, state.last_value, state.episode)
        out.append(event_for(ctx, rule, t, EventKind.REPEAT, Reason.REPEAT_INTERVAL, seq))
    return ctx, tuple(out)
