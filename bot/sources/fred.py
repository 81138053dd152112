"""FRED ``fredgraph.csv`` downloads: DGS10/DGS2 (``ust.10y``/``ust.2y``), DEXJPUS (``usdjpy``).

``GET {root}/graph/fredgraph.csv?id=<ID>`` answers a two-column CSV (header
``observation_date,<ID>``, ``DATE,<ID>`` before ~2024), oldest first, with
``.``/empty cells on days without a value. Parsing is the history loader's
(``signals.loaders.fred.parse_fred``). Used for history downloads and as an
official (noon New York) USD/JPY reference; FRED posts daily series with a lag
of a day or more, so it is not a live feed.
"""

from __future__ import annotations

import datetime as dt

from bot.sources.base import Source
from bot.sources.breaker import CircuitBreaker
from bot.sources.parsing import CSV_TYPES, frame_observations, run_loader
from signals.loaders.fred import parse_fred
from signals.observation import Observation

DEFAULT_ROOT = "https://fred.stlouisfed.org"

SERIES_IDS: dict[str, str] = {"DGS10": "ust.10y", "DGS2": "ust.2y", "DEXJPUS": "usdjpy"}


class FredSource(Source):
    """One FRED series through the public fredgraph.csv download (no API key)."""

    name = "fred"
    content_types = CSV_TYPES

    def __init__(
        self,
        root: str = DEFAULT_ROOT,
        *,
        series_id: str = "DGS10",
        timeout: float | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        if series_id not in SERIES_IDS:
            raise ValueError(f"unsupported FRED series {series_id!r}")
        super().__init__(root, timeout=timeout, breaker=breaker)
        self.series_id = series_id
        self.series = (SERIES_IDS[series_id],)

    def url(self, now: dt.datetime) -> str:
        return f"{self.root}/graph/fredgraph.csv?id={self.series_id}"

    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        frame = run_loader(lambda b: parse_fred(b, self.name, self.series[0]), body, self.name)
        return frame_observations(frame, self.name, fetched_at)
