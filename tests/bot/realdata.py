"""Real snapshots and real alert events, built from the real history through the engine.

Nothing here is typed in: the panel is loaded from ``CARRYWATCH_HISTORY_DIR``,
scored by ``signals.engine.score_history``, and alert events are what the real
``AlertPolicy`` with the packaged rules emits day by day. Two windows: the BoJ-hike
unwind around 2024-08-05 and the BoJ yield-curve-control widening of 2022-12-20/21.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

from bot.alerts.events import AlertEvent
from bot.alerts.policy import AlertPolicy
from bot.history.loader import load_history_panel
from bot.rules.load import load_rules
from signals.engine import ScoredHistory, score_history
from signals.observation import Observation
from signals.snapshot import Snapshot

UNWIND = dt.date(2024, 8, 5)
YCC = dt.date(2022, 12, 21)
WINDOWS = {
    UNWIND: (dt.date(2024, 7, 1), dt.date(2024, 9, 15)),
    YCC: (dt.date(2022, 11, 15), dt.date(2023, 2, 15)),
}


@functools.cache
def scored(history_dir: Path) -> ScoredHistory:
    panel = load_history_panel(history_dir, start=dt.date(2021, 1, 1), end=dt.date(2024, 12, 31))
    return score_history(panel)


def snapshot_on(history_dir: Path, day: dt.date) -> Snapshot:
    """The engine's snapshot of ``day`` (the last market day on or before it)."""
    s = scored(history_dir)
    best = max(i for i in range(len(s)) if s.date(i) <= day)
    return s.snapshot(best)


def at_close(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(21, 0), tzinfo=dt.UTC)


@functools.cache
def events_around(history_dir: Path, day: dt.date) -> tuple[AlertEvent, ...]:
    """Every event the packaged rules emit over the window around ``day`` (with
    daily repeat reminders, so every kind the policy has shows up)."""
    s = scored(history_dir)
    start, end = WINDOWS[day]
    policy = AlertPolicy(load_rules(), repeat_interval=dt.timedelta(days=3))
    out: list[AlertEvent] = []
    first_fired: dict[tuple[str, str], dt.datetime] = {}
    for i in range(len(s)):
        if not start <= s.date(i) <= end:
            continue
        result = policy.evaluate(s.snapshot(i), at_close(s.date(i)))
        for new in result.events:
            fields = {f.name: getattr(new, f.name) for f in dataclasses.fields(AlertEvent)
                      if f.name != "id" and hasattr(new, f.name)}  # fmt: skip
            key = (new.rule, new.episode)
            if new.kind.value in ("firing", "escalated"):
                first_fired.setdefault(key, new.created_at)
            if new.kind.value == "resolved":  # as the outbox's claim fills it in
                fields["started_at"] = first_fired.get(key)
            out.append(AlertEvent(id=len(out) + 1, **fields))
    return tuple(out)


def observations_until(history_dir: Path, day: dt.date, days: int = 10) -> list[Observation]:
    """The real observations of every watched series in the ``days`` before ``day``, so
    feed freshness on ``day`` is what it was."""
    from bot.commands.feeds import WATCHED

    panel = load_history_panel(history_dir, start=day - dt.timedelta(days=days), end=day)
    out = []
    for series, _ in WATCHED:
        if series in panel:
            out += [Observation(series, ts.date(), float(v), "history")
                    for ts, v in panel[series].dropna().items()]  # fmt: skip
    return out
