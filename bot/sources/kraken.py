"""Kraken public OHLC: daily closes for BTC/USD (``btc``) and USD/JPY (``usdjpy``).

``GET {root}/OHLC?pair=XBTUSD&interval=1440`` answers
``{"error": [], "result": {"XXBTZUSD": [[time, "o", "h", "l", "c", "vwap", "vol", n], ...],
"last": t}}``: prices are strings, bars oldest first, keyed by Kraken's own
pair name (``XXBTZUSD`` for ``XBTUSD``, ``ZUSDZJPY`` for ``USDJPY``). Kraken
documents that the last bar is the current, not-yet-committed one; ``last`` is
the open time of the newest committed bar. A bar is kept only if it is both
committed (``time <= last``) and over (``time + 1 day <= fetched_at``).
The bar of the day still trading (``time <= fetched_at < time + 1 day``) is
kept as that day's *provisional* value: the live score moves on an intraday
crash at the next poll, and the day's close replaces it (issue 8 §3).

Errors come as HTTP 200 with ``{"error": ["EGeneral:..."]}`` and no usable
``result``; that is a format error here (a transient ``EService:`` still counts
against the breaker, which is what a busy provider deserves).
"""

from __future__ import annotations

import datetime as dt

from bot.sources.base import Source
from bot.sources.breaker import CircuitBreaker
from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.parsing import epoch_seconds, load_json, number, positive, utc_day
from signals.observation import Observation

DAY = 86_400

RESULT_KEYS: dict[str, tuple[str, ...]] = {
    "XBTUSD": ("XXBTZUSD", "XBTUSD"),
    "USDJPY": ("ZUSDZJPY", "USDJPY"),
}
"""Result keys Kraken uses for each requested pair (its legacy X/Z-prefixed names)."""

PAIR_SERIES: dict[str, str] = {"XBTUSD": "btc", "USDJPY": "usdjpy"}


class KrakenSource(Source):
    """Daily OHLC closes of one Kraken pair; one instance per pair."""

    name = "kraken"

    def __init__(
        self,
        root: str,
        *,
        pair: str = "XBTUSD",
        timeout: float | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        if pair not in PAIR_SERIES:
            raise ValueError(f"unsupported Kraken pair {pair!r}")
        super().__init__(root, timeout=timeout, breaker=breaker)
        self.pair = pair
        self.series = (PAIR_SERIES[pair],)

    def url(self, now: dt.datetime) -> str:
        return f"{self.root}/OHLC?pair={self.pair}&interval=1440"

    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        doc = load_json(body, self.name)
        if not isinstance(doc, dict):
            raise SourceFormatError(self.name, FormatProblem.MALFORMED, "not a JSON object")
        errors = doc.get("error")
        if errors:
            raise SourceFormatError(
                self.name, FormatProblem.MALFORMED, f"error envelope: {errors!r}"[:300]
            )
        result = doc.get("result")
        if errors != [] or not isinstance(result, dict):
            raise SourceFormatError(self.name, FormatProblem.MALFORMED, "no error/result fields")
        keys = [k for k in RESULT_KEYS[self.pair] if k in result]
        if len(keys) != 1:
            found = sorted(k for k in result if k != "last")
            raise SourceFormatError(
                self.name, FormatProblem.MALFORMED, f"pair {self.pair} not in result (has {found})"
            )
        bars = result[keys[0]]
        if not isinstance(bars, list):
            raise SourceFormatError(self.name, FormatProblem.MALFORMED, "bars are not a list")
        last = result.get("last")
        last_committed = epoch_seconds(last, self.name, "last") if last is not None else None
        now = fetched_at.timestamp()
        out: list[Observation] = []
        for i, bar in enumerate(bars):
            where = f"bar {i}"
            if not isinstance(bar, list) or len(bar) != 8:
                raise SourceFormatError(
                    self.name, FormatProblem.MALFORMED, f"{where}: expected 8 fields"
                )
            start = epoch_seconds(bar[0], self.name, where)
            if start % DAY:
                raise SourceFormatError(
                    self.name, FormatProblem.MALFORMED, f"{where}: not a UTC-day bar"
                )
            close = positive(bar[4], self.name, f"{where} close")
            for j in (1, 2, 3):
                positive(bar[j], self.name, f"{where} field {j}")
            for j in (5, 6):  # vwap, volume: "0.0" on a bar without trades
                number(bar[j], self.name, f"{where} field {j}")
            uncommitted = last_committed is not None and start > last_committed
            if start <= now < start + DAY:
                today = Observation(
                    self.series[0], utc_day(start), close, self.name, fetched_at, provisional=True
                )
                out.append(today)
                continue
            if start + DAY > now or uncommitted:
                continue
            out.append(Observation(self.series[0], utc_day(start), close, self.name, fetched_at))
        return out
