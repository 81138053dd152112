"""Stage 5: the events of one evaluation become one group, and are remembered.

Like Alertmanager's ``SetNotifiesStage``: what goes out is recorded in the
memory (when each rule last notified, how many reminders this episode had),
so the next evaluation's repeat stage counts from here. The group keeps rule
order (transitions first, then reminders); one dedup key appears once.
"""

from __future__ import annotations

from bot.alerts.events import EventKind
from bot.alerts.stages.base import Context, Events, Memory


def group(ctx: Context, events: Events) -> tuple[Context, Events]:
    seen: set[tuple[str, str, str, int]] = set()
    out = []
    notified = dict(ctx.after.notified)
    repeats = dict(ctx.after.repeats)
    announced = dict(ctx.after.announced)
    for e in events:
        if e.dedup_key in seen:
            continue
        seen.add(e.dedup_key)
        out.append(e)
        notified[e.rule] = ctx.now
        if e.kind in (EventKind.FIRING, EventKind.ESCALATED):
            repeats[e.rule] = 0
            announced[e.rule] = ctx.after.state(e.rule).episode
        elif e.kind is EventKind.REPEAT:
            repeats[e.rule] = e.seq
    after = Memory(ctx.after.states, notified, repeats, announced)
    return ctx.with_after(after), tuple(out)
