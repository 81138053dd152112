"""Coinbase Exchange daily candles for BTC-USD (``btc``).

``GET {root}/products/BTC-USD/candles?granularity=86400[&start=..&end=..]``
answers ``[[time, low, high, open, close, volume], ...]`` NEWEST FIRST, numbers
as JSON numbers, at most 300 candles; without start/end the window ends now, so
the first candle is usually today's, still open — it is kept as today's
*provisional* value (issue 8 §3: an intraday crash moves the score at the
next poll; the close replaces it). Errors come as ``{"message": ...}``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.sources.base import Source
from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.parsing import epoch_seconds, load_json, number, positive, utc_day
from signals.observation import Observation

DAY = 86_400
MAX_CANDLES = 300  # Coinbase's per-request limit


class CoinbaseSource(Source):
    """BTC-USD daily closes (UTC days) from Coinbase Exchange."""

    name = "coinbase"
    series = ("btc",)
    product = "BTC-USD"

    def url(self, now: dt.datetime) -> str:
        return f"{self.root}/products/{self.product}/candles?granularity={DAY}"

    def page_url(self, start: dt.date, end: dt.date) -> str:
        """A window of at most 300 days, for backfills (``end`` exclusive)."""
        return (
            f"{self.root}/products/{self.product}/candles?granularity={DAY}"
            f"&start={start.isoformat()}T00:00:00Z&end={end.isoformat()}T00:00:00Z"
        )

    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        now = fetched_at.timestamp()
        out = []
        for c in candles(body, self.name):
            if c.time + DAY <= now:
                out.append(
                    Observation(self.series[0], utc_day(c.time), c.close, self.name, fetched_at)
                )
            elif c.time <= now:  # today's candle is still moving: provisional, not a close
                day = utc_day(c.time)
                out.append(Observation(self.series[0], day, c.close, self.name, fetched_at, True))
        out.reverse()  # the promised order, reversed; never sorted
        return out


@dataclass(frozen=True, slots=True)
class Candle:
    time: int
    low: float
    high: float
    open: float
    close: float
    volume: float


def candles(body: bytes, source: str = "coinbase") -> list[Candle]:
    """The candles of a body, validated, in body order (newest first)."""
    doc = load_json(body, source)
    if isinstance(doc, dict):
        message = str(doc.get("message", doc))[:200]
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"error body: {message}")
    if not isinstance(doc, list):
        raise SourceFormatError(source, FormatProblem.MALFORMED, "not a JSON array")
    out: list[Candle] = []
    for i, row in enumerate(doc):
        where = f"candle {i}"
        if not isinstance(row, list) or len(row) != 6:
            raise SourceFormatError(source, FormatProblem.MALFORMED, f"{where}: expected 6 fields")
        start = epoch_seconds(row[0], source, where)
        if start % DAY:
            raise SourceFormatError(source, FormatProblem.MALFORMED, f"{where}: not a UTC day")
        low, high, open_, close = (
            positive(row[j], source, f"{where} field {j}") for j in range(1, 5)
        )
        volume = number(row[5], source, f"{where} volume")
        out.append(Candle(start, low, high, open_, close, volume))
    return out
