"""The one record every source produces and the engine consumes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Observation:
    """One market value for one series on one market date.

    ``date`` is the market date the value belongs to (a JGB close in Tokyo, a
    UTC day for BTC), not when it was fetched; ``fetched_at`` is UTC-aware.
    ``provisional`` marks an intraday value of a day still trading: it stands
    for the day until a later value (another poll, or the close) replaces it.
    """

    series: str
    date: dt.date
    value: float
    source: str
    fetched_at: dt.datetime | None = None
    provisional: bool = False
