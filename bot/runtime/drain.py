"""Deliver everything a replay enqueued before it moves on (or exits).

``Dispatcher.run_once`` returns 0 as soon as nothing is *due*, which used to
end a replay's day — and the replay itself — with deliveries still waiting for
a retry (a 429, a requeue past the pacer's inline wait): Aug 2024 to 900 chats
left ~157 undelivered, silently. :func:`drain` keeps going until nothing is
owed to an enabled platform. While rows wait only for their retry time and
none is in flight, the simulated clock is moved to the earliest retry (a
consistent model of time: no lease can expire under a send in progress, and
the real pacing still waits its real seconds); while rows are leased by a
running send, it waits in real time for that send to settle.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.dispatch.dispatcher import Dispatcher
from bot.store.models import DeliveryModel
from bot.store.store import Store

OWED = ("pending", "failed")  # "held" waits for quiet hours, in simulated time
SETTLE_POLL = 0.05  # real seconds between looks while a send is in flight


@dataclass(frozen=True, slots=True)
class Owed:
    count: int
    leased: int
    next_due: dt.datetime | None  # earliest retry time
    lease_end: dt.datetime | None  # earliest end of a live lease


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


async def owed(store: Store, platforms: Collection[str], now: dt.datetime) -> Owed:
    """Deliveries still owed to ``platforms``, how many are leased now, the next retry time."""
    d = DeliveryModel
    owed_rows = (d.status.in_(OWED)) & (d.platform.in_(list(platforms)))
    live = owed_rows & d.claimed_until.is_not(None) & (d.claimed_until > now)
    async with store.transaction() as session:
        count = await session.scalar(select(func.count()).where(owed_rows))
        leased = await session.scalar(select(func.count()).where(live))
        due = await session.scalar(select(func.min(d.next_attempt_at)).where(owed_rows))
        lease_end = await session.scalar(select(func.min(d.claimed_until)).where(live))
    return Owed(int(count or 0), int(leased or 0), _utc(due), _utc(lease_end))


@dataclass
class DrainReport:
    sent_rounds: int = 0
    clock_moved: dt.timedelta = dt.timedelta(0)


async def drain(
    dispatcher: Dispatcher,
    store: Store,
    platforms: Collection[str],
    clock: Callable[[], dt.datetime],
    advance: Callable[[dt.datetime], None] | None = None,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> DrainReport:
    """Until nothing is owed: send what is due; else move ``advance`` to the next retry."""
    report = DrainReport()
    while True:
        if await dispatcher.run_once():
            report.sent_rounds += 1
            continue
        now = clock()
        state = await owed(store, platforms, now)
        if state.count == 0:
            return report
        if on_progress is not None:
            on_progress(state.count)
        later = [t for t in (state.next_due, state.lease_end) if t is not None and t > now]
        if dispatcher.busy or advance is None or not later:
            await asyncio.sleep(SETTLE_POLL)  # a send settles, or real time brings the retry
            continue
        report.clock_moved += min(later) - now
        advance(min(later))
