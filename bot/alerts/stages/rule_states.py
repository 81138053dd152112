"""Stage 1: step every rule's state machine on the reading; a transition is an event."""

from __future__ import annotations

from bot.alerts.events import AlertEvent, EventKind, Reason
from bot.alerts.stages.base import Context, Events, driver_of, episode_key
from signals.rules import Rule, Transition, TransitionKind, step


def event_for(
    ctx: Context, rule: Rule, t: Transition, kind: EventKind, reason: Reason, seq: int = 0
) -> AlertEvent:
    """The facts of one rule at this evaluation, as an event of ``kind``."""
    reading = ctx.reading
    resolved = t.kind is TransitionKind.RESOLVED
    return AlertEvent(
        rule=rule.name,
        kind=kind,
        level=rule.level,
        as_of=reading.as_of,
        created_at=ctx.now,
        indicator=rule.indicator,
        operator=rule.op,
        value=t.value,
        threshold=rule.clear if resolved else rule.threshold,
        score=reading.score,
        score_level=reading.score_level,
        episode=episode_key(rule.name, t.episode),
        seq=seq,
        reasons=(reason,),
        driver=driver_of(rule, reading.explain()),
        description=rule.description,
    )


def rule_states(ctx: Context, events: Events) -> tuple[Context, Events]:
    states = dict(ctx.before.states)
    out = list(events)
    for rule in ctx.rules:
        value = ctx.reading.values.get(rule.indicator)
        states[rule.name], t = step(rule, ctx.before.state(rule.name), value, ctx.now)
        if t is None:
            continue
        if t.kind is TransitionKind.RESOLVED:
            out.append(event_for(ctx, rule, t, EventKind.RESOLVED, Reason.CLEARED))
        else:
            out.append(event_for(ctx, rule, t, EventKind.FIRING, Reason.CROSSED))
    return ctx.with_after(ctx.after.with_states(states)), tuple(out)
