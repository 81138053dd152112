"""Real weeks for digest tests: the engine's scores of the real history, stored as the
live bot would store them (one evaluation per market day, optionally recomputed later
the same day), plus the observations the digest's moves are read from."""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.history.loader import load_history_panel
from bot.store import Store
from signals.engine import score_history
from signals.observation import Observation
from signals.snapshot import Snapshot

SERIES = ("jgb.20y", "jgb.30y", "jgb.40y", "usdjpy", "btc")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class RealWeeks:
    panel: pd.DataFrame
    observations: tuple[Observation, ...]
    snapshots: tuple[Snapshot, ...]  # scored by the real engine, first..last

    def scores(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, float]]:
        """The engine's score of each market date in ``first..last`` (what a chart shows)."""
        return [
            (s.as_of, float(s.score))
            for s in self.snapshots
            if first <= s.as_of <= last and s.score is not None
        ]


def real_weeks(history_dir: Path, first: dt.date, last: dt.date) -> RealWeeks:
    panel = load_history_panel(history_dir, start=first - dt.timedelta(days=800), end=last)
    scored = score_history(panel)
    snaps = tuple(scored.snapshot(i) for i in range(len(scored)) if first <= scored.date(i) <= last)
    obs = tuple(
        Observation(s, ts.date(), float(v), "history")
        for s in SERIES
        for ts, v in panel[s].loc[pd.Timestamp(first - dt.timedelta(days=21)) :].dropna().items()
    )
    return RealWeeks(panel, obs, snaps)


async def store_weeks(
    store: Store, weeks: RealWeeks, times: tuple[dt.time, ...] = (dt.time(9),)
) -> None:
    """Observations, then each day's snapshot computed at each of ``times`` (UTC) of its
    own date — a recomputation with the same data, as the live bot makes on every poll."""
    await store.upsert_observations(list(weeks.observations))
    for snap in weeks.snapshots:
        for at in times:
            await store.save_evaluation(snap, dt.datetime.combine(snap.as_of, at, tzinfo=dt.UTC))


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; AssertionError if it is not a PNG."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR", "PNG without IHDR first"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
