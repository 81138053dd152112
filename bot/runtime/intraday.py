"""Replay with intraday BTC: hourly prices as the day's provisional value, hour by hour.

The live path treats a poll of a day still trading as that day's provisional
value (``Observation.provisional``); this replays the same thing from a
history dir's hourly Binance klines (``btc/binance_BTCUSDT-1h-*.csv``):

    HH:00 UTC   the close of the hour just ended ─▶ btc, today, provisional
    22:00 UTC   the day's daily rows of every other series (as ``replay_days``)
    00:00 UTC   the day's BTC daily close ─▶ replaces the provisional value

Each step is one ``FetchResult`` through the live pipeline on a simulated
clock, deliveries drained before the clock moves on, so each console alert
carries the simulated time it went out. Days without hourly bars replay daily.
The klines are USDT-quoted (Binance spot); the daily close that replaces them
is the USD series of the history dir — a difference of about 0.1 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.runtime.app import Runtime
from bot.runtime.replay import (
    ReplaySummary,
    SimClock,
    day_observations,
    drain_all,
    replay_instant,
)
from bot.sources.base import FetchResult
from signals.observation import Observation

HOURLY_GLOB = "binance_BTCUSDT-1h-*.csv"
HOUR = dt.timedelta(hours=1)


class HourlyHistoryError(ValueError):
    """The history dir has no usable hourly BTC file; the message says which and why."""


def load_hourly_btc(history_dir: Path) -> pd.Series:
    """Hourly BTC closes indexed by the instant each was known: the bar's end (UTC).

    Binance kline CSVs have no header; column 0 is the open time in ms since the
    epoch, column 4 the close. A bar that is not one whole UTC hour is refused.
    """
    files = sorted((history_dir / "btc").glob(HOURLY_GLOB))
    if not files:
        raise HourlyHistoryError(f"no hourly BTC file ({HOURLY_GLOB}) in {history_dir / 'btc'}")
    parts = []
    for path in files:
        try:
            raw = pd.read_csv(path, header=None, usecols=[0, 4])
        except (ValueError, pd.errors.ParserError) as exc:
            raise HourlyHistoryError(f"{path.name}: not a Binance kline CSV ({exc})") from None
        opened = pd.to_datetime(raw[0], unit="ms", utc=True)
        if (opened != opened.dt.floor("h")).any():
            raise HourlyHistoryError(f"{path.name}: a bar does not open on the hour")
        closes = pd.to_numeric(raw[4], errors="coerce")
        if closes.isna().any() or (closes <= 0).any():
            raise HourlyHistoryError(f"{path.name}: a close is missing or not positive")
        parts.append(pd.Series(closes.to_numpy(float), index=opened + pd.Timedelta(hours=1)))
    series = pd.concat(parts).sort_index()
    return series[~series.index.duplicated(keep="last")]


@dataclass(frozen=True, slots=True)
class Step:
    """One simulated poll: when it happens and what it brings."""

    at: dt.datetime
    observations: tuple[Observation, ...]


def _at(ts: pd.Timestamp) -> dt.datetime:
    return ts.to_pydatetime().astimezone(dt.UTC)


def intraday_steps(
    panel: pd.DataFrame, hourly: pd.Series, start: dt.date, end: dt.date
) -> Iterator[Step]:
    """The polls of ``[start, end]`` in time order (see the module docstring)."""
    window = panel.loc[pd.Timestamp(start) : pd.Timestamp(end)]
    for ts in pd.DatetimeIndex(window.index):
        day = ts.date()
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        bars = hourly.loc[pd.Timestamp(midnight + HOUR) : pd.Timestamp(midnight + 23 * HOUR)]
        daily = day_observations(window, ts, replay_instant(day))
        if bars.empty:  # no hourly data for this day: the plain daily replay
            yield Step(replay_instant(day), daily)
            continue
        others = tuple(o for o in daily if o.series != "btc")
        close = tuple(o for o in daily if o.series == "btc")
        evening = replay_instant(day)
        for when, price in zip(pd.DatetimeIndex(bars.index), bars.to_numpy(), strict=True):
            at = _at(when)
            if others and at > evening:
                yield Step(evening, tuple(_stamped(o, evening) for o in others))
                others = ()
            tick = Observation("btc", day, float(price), "replay-intraday", at, provisional=True)
            yield Step(at, (tick,))
        if others:
            yield Step(evening, others)
        if close:
            at = midnight + 24 * HOUR
            yield Step(at, tuple(_stamped(o, at) for o in close))


def _stamped(obs: Observation, at: dt.datetime) -> Observation:
    return Observation(obs.series, obs.date, obs.value, obs.source, at, obs.provisional)


async def replay_intraday(
    runtime: Runtime,
    clock: SimClock,
    panel: pd.DataFrame,
    hourly: pd.Series,
    start: dt.date,
    end: dt.date,
) -> ReplaySummary:
    """Push ``[start, end]`` through a started runtime poll by poll, draining deliveries."""
    summary = ReplaySummary()
    days: set[dt.date] = set()
    for step in intraday_steps(panel, hourly, start, end):
        clock.now = max(clock.now, step.at)  # a drain may have moved it to a due retry
        outcome = await runtime.pipeline.ingest(FetchResult("replay", clock.now, step.observations))
        for a in outcome.alerts:
            summary.alerts.append((a.as_of, a.rule, a.kind.value, a.level.label))
            summary.events.append(a)
        await drain_all(runtime, clock)
        days.update(o.date for o in step.observations)
    summary.days = len(days)
    return summary
