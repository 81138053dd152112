"""Replay recorded history through the live pipeline, as if it arrived day by day.

Each market date becomes one ``FetchResult`` from a ``replay`` source, stamped
with a simulated clock (22:00 UTC that day), and goes through the same quality
gate, store, engine, policy, outbox and notifiers as a live poll. The engine
is warmed with the history before ``start`` so windows are full on day one.

A day ends only when every delivery it enqueued is settled
(:func:`bot.runtime.drain.drain`), and the runtime's own dispatch loop is off
for a replay (``Runtime(dispatch_loop=False)``): one sender, so no lease can
expire under a send in flight when the clock jumps to the next day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from bot.runtime.app import Runtime
from bot.runtime.drain import drain
from bot.sources.base import FetchResult
from signals.engine import SPREAD
from signals.observation import Observation

REPLAY_HOUR = 22  # UTC: after Tokyo, London and New York closes of that date


class SimClock:
    """A clock the replay moves forward; everything in the runtime reads it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def replay_instant(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, REPLAY_HOUR, tzinfo=dt.UTC)


def day_observations(
    panel: pd.DataFrame, ts: pd.Timestamp, at: dt.datetime
) -> tuple[Observation, ...]:
    values = panel.loc[ts].to_numpy(dtype=float)
    day = ts.date()
    return tuple(
        Observation(str(series), day, float(value), "replay", at)
        for series, value in zip(panel.columns, values, strict=True)
        if series != SPREAD and value == value  # NaN: not observed; the spread is derived
    )


@dataclass
class ReplaySummary:
    days: int = 0
    alerts: list[tuple[dt.date, str, str, str]] = field(
        default_factory=list
    )  # date, rule, kind, level
    deliveries: dict[str, int] = field(default_factory=dict)  # by status, at the end


async def replay_days(
    runtime: Runtime,
    clock: SimClock,
    panel: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    *,
    seconds_per_day: float = 0.0,
    stop_after: int | None = None,
    on_day: Callable[[dt.date], None] | None = None,
) -> ReplaySummary:
    """Push ``[start, end]`` of ``panel`` through a started runtime, draining deliveries daily."""
    summary = ReplaySummary()
    window = panel.loc[pd.Timestamp(start) : pd.Timestamp(end)]
    for ts in pd.DatetimeIndex(window.index):
        if stop_after is not None and summary.days >= stop_after:
            break
        day = ts.date()
        clock.now = replay_instant(day)
        result = FetchResult("replay", clock.now, day_observations(window, ts, clock.now))
        outcome = await runtime.pipeline.ingest(result)
        for a in outcome.alerts:
            summary.alerts.append((day, a.rule, a.kind.value, a.level.label))
        await drain_all(runtime, clock)
        summary.days += 1
        if on_day:
            on_day(day)
        if seconds_per_day > 0:
            await asyncio.sleep(seconds_per_day)
    return summary


async def drain_all(
    runtime: Runtime, clock: SimClock, on_progress: Callable[[int], None] | None = None
) -> None:
    """Settle every delivery owed to an enabled platform, moving ``clock`` to due retries."""

    def advance(to: dt.datetime) -> None:
        clock.now = max(clock.now, to)

    dispatcher = runtime.dispatcher
    await drain(
        dispatcher, runtime.store, dispatcher.platforms, clock, advance, on_progress=on_progress
    )
