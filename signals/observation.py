"""The one record every source produces and the engine consumes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Observation:
    """One market value for one series on one market date.

    ``date`` is the market date the value belongs to (a JGB close in Tokyo, a
    UTC day for BTC), not when it was fetched; ``fetched_at`` is UTC-aware.
    """

    series: str
    date: dt.date
    value: float
    source: str
    fetched_at: dt.datetime | None = None
