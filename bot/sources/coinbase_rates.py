"""Coinbase's public exchange rates: USD/JPY spot (``usdjpy``), intraday.

``GET {root}/exchange-rates?currency=USD`` (root ``https://api.coinbase.com/v2``,
no authentication) answers ``{"data": {"currency": "USD", "rates": {"JPY":
"155.27", ...}}}``: one unit of the base currency in each quote currency, as
decimal strings. Errors come as ``{"errors": [{"id": ..., "message": ...}]}``.

It is the second intraday quote of USD/JPY beside Kraken's current bar (issue 8
§3): the ECB reference rate (Frankfurter) appears once a day, so without a
second live venue a yen move from Kraken alone waited for the cross-check's
deadline. The rate is the day's *provisional* value for the UTC date it was
fetched on, and only on a weekday: the FX market is shut from Friday evening
to Sunday evening, and a weekend quote is the Friday close repeated.
"""

from __future__ import annotations

import datetime as dt

from bot.sources.base import Source
from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.parsing import load_json, positive
from signals.observation import Observation

BASE, QUOTE = "USD", "JPY"


class CoinbaseRatesSource(Source):
    """USD/JPY spot from Coinbase's exchange-rates endpoint (provisional, weekdays)."""

    name = "coinbase_rates"
    series = ("usdjpy",)

    def url(self, now: dt.datetime) -> str:
        return f"{self.root}/exchange-rates?currency={BASE}"

    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        rate = usd_jpy(body, self.name)
        day = fetched_at.astimezone(dt.UTC).date()
        if day.weekday() >= 5:
            return []
        return [Observation(self.series[0], day, rate, self.name, fetched_at, provisional=True)]


def usd_jpy(body: bytes, source: str = "coinbase_rates") -> float:
    """The JPY rate of a USD-based exchange-rates body, validated."""
    doc = load_json(body, source)
    if not isinstance(doc, dict):
        raise SourceFormatError(source, FormatProblem.MALFORMED, "not a JSON object")
    if "errors" in doc:
        shown = str(doc["errors"])[:200]
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"error body: {shown}")
    data = doc.get("data")
    if not isinstance(data, dict):
        raise SourceFormatError(source, FormatProblem.MALFORMED, "no data object")
    if data.get("currency") != BASE:
        shown = str(data.get("currency"))[:20]
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"base is {shown}, not {BASE}")
    rates = data.get("rates")
    if not isinstance(rates, dict) or QUOTE not in rates:
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"no {QUOTE} rate")
    raw = rates[QUOTE]
    if not isinstance(raw, str):  # Coinbase sends decimal strings; a number is another format
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"{QUOTE} rate is not a string")
    return positive(raw, source, f"rates.{QUOTE}")
