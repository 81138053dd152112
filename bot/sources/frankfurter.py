"""Frankfurter (ECB reference rates) time series: USD/JPY (``usdjpy``).

``GET {root}/{start}..{end}?base=USD&symbols=JPY`` answers
``{"amount": 1.0, "base": "USD", "start_date": ..., "end_date": ...,
"rates": {"YYYY-MM-DD": {"JPY": 162.71, ...}, ...}}`` with one entry per ECB
business day (weekends and TARGET holidays absent). The date is the ECB
publication date (rates fixed ~14:15 CET), the market date of the value.
The ECB publishes once a day, so ``end`` is today and ``start`` a short
look-back that covers a missed day or two.
"""

from __future__ import annotations

import datetime as dt

from bot.sources.base import Source
from bot.sources.breaker import CircuitBreaker
from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.parsing import load_json, positive
from signals.observation import Observation


class FrankfurterSource(Source):
    """USD/JPY from the ECB reference rates via Frankfurter (``/v1`` API)."""

    name = "frankfurter"
    series = ("usdjpy",)

    def __init__(
        self,
        root: str,
        *,
        lookback_days: int = 10,
        timeout: float | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        super().__init__(root, timeout=timeout, breaker=breaker)
        self.lookback_days = lookback_days

    def url(self, now: dt.datetime) -> str:
        end = now.astimezone(dt.UTC).date()
        start = end - dt.timedelta(days=self.lookback_days)
        return f"{self.root}/{start.isoformat()}..{end.isoformat()}?base=USD&symbols=JPY"

    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        doc = load_json(body, self.name)
        if not isinstance(doc, dict):
            raise SourceFormatError(self.name, FormatProblem.MALFORMED, "not a JSON object")
        if "rates" not in doc:
            message = str(doc.get("message", "no 'rates' field"))[:200]
            raise SourceFormatError(self.name, FormatProblem.MALFORMED, message)
        if doc.get("base") != "USD":
            raise SourceFormatError(
                self.name, FormatProblem.MALFORMED, f"base is {doc.get('base')!r}, not USD"
            )
        amount = doc.get("amount", 1.0)
        if amount != 1.0 and amount != 1:
            raise SourceFormatError(self.name, FormatProblem.MALFORMED, f"amount {amount!r}")
        rates = doc["rates"]
        if not isinstance(rates, dict):
            raise SourceFormatError(self.name, FormatProblem.MALFORMED, "rates is not an object")
        out: list[Observation] = []
        for key, day_rates in rates.items():
            try:
                day = dt.date.fromisoformat(key)
            except (TypeError, ValueError) as exc:
                raise SourceFormatError(
                    self.name, FormatProblem.MALFORMED, f"bad date {key!r}"
                ) from exc
            if not isinstance(day_rates, dict) or "JPY" not in day_rates:
                raise SourceFormatError(self.name, FormatProblem.MALFORMED, f"{key}: no JPY rate")
            value = positive(day_rates["JPY"], self.name, f"{key} JPY")
            out.append(Observation(self.series[0], day, value, self.name, fetched_at))
        return out
