"""Coinbase exchange rates: USD/JPY's second live venue (issue 8 §3).

No real body of this endpoint was recorded, so each body here is the documented
shape (``{"data": {"currency": "USD", "rates": {...}}}``, rates as decimal
strings) around a real USD/JPY close read from the history dir.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from bot.sources.coinbase_rates import CoinbaseRatesSource
from bot.sources.errors import FormatProblem, SourceFormatError

AUG5 = dt.date(2024, 8, 5)  # a Monday


def real_close(history_dir: Path, day: dt.date) -> float:
    """The Yahoo file's USD/JPY row of ``day`` (the market number the body carries)."""
    frame = pd.read_csv(history_dir / "fx/usdjpy_yahoo_daily_1996-2026.csv", index_col=0)
    return float(frame.loc[day.isoformat(), "Close"])


def rates_body(jpy: object, base: str = "USD", **extra: object) -> bytes:
    rates = {"EUR": "0.9158", "JPY": jpy, "GBP": "0.7822"} if jpy is not None else {"EUR": "1"}
    return json.dumps({"data": {"currency": base, "rates": rates}, **extra}).encode()


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 7, tzinfo=dt.UTC)


def test_the_jpy_rate_is_todays_provisional_usdjpy(history_dir: Path) -> None:
    close = real_close(history_dir, AUG5)
    text = f"{close:.4f}"
    [obs] = CoinbaseRatesSource("http://x").parse(rates_body(text), at(AUG5, 3))
    assert obs.series == "usdjpy" and obs.source == "coinbase_rates"
    assert obs.date == AUG5 and obs.provisional
    assert obs.value == float(text)
    assert obs.fetched_at == at(AUG5, 3)


def test_a_weekend_quote_is_not_a_market_value(history_dir: Path) -> None:
    body = rates_body(f"{real_close(history_dir, dt.date(2024, 8, 2)):.4f}")
    saturday, sunday = dt.date(2024, 8, 3), dt.date(2024, 8, 4)
    assert CoinbaseRatesSource("http://x").parse(body, at(saturday, 12)) == []
    assert CoinbaseRatesSource("http://x").parse(body, at(sunday, 20)) == []


@pytest.mark.parametrize(
    ("body", "problem", "words"),
    [
        (b'{"errors":[{"id":"not_found","message":"Not found"}]}', "malformed", "Not found"),
        (rates_body("146.5", base="EUR"), "malformed", "base is EUR"),
        (rates_body(None), "malformed", "no JPY"),
        (rates_body(146.5), "malformed", "not a string"),
        (rates_body("-146.5"), "bad_value", "<= 0"),
        (rates_body("NaN"), "bad_value", "non-finite"),
        (rates_body("1e400"), "bad_value", "non-finite"),
        (b'{"data": []}', "malformed", "no data"),
        (b"[1, 2]", "malformed", "not a JSON object"),
        (b'{"data":{"currency":"USD","rates":{"JPY":"146.5","JPY":"99"}}}', "malformed", "JPY"),
    ],
)
def test_anything_else_is_one_format_error(body: bytes, problem: str, words: str) -> None:
    with pytest.raises(SourceFormatError) as err:
        CoinbaseRatesSource("http://x").parse(body, at(AUG5, 3))
    assert err.value.problem is FormatProblem(problem)
    assert words in str(err.value)
