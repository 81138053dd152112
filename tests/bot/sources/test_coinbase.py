"""Coinbase candles parsing against the recorded real body (newest first in the file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.sources.coinbase import CoinbaseSource, candles
from bot.sources.errors import FormatProblem, SourceFormatError

BODY = "coinbase_exchange_candles_BTC-USD_1d.json"
AFTER_WINDOW = dt.datetime(2026, 8, 11, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def body(api_samples: Path) -> bytes:
    return (api_samples / BODY).read_bytes()


def test_ten_closes_oldest_first(body: bytes) -> None:
    obs = CoinbaseSource("http://x").parse(body, AFTER_WINDOW)
    assert [o.date for o in obs] == [dt.date(2026, 8, d) for d in range(1, 11)]
    assert obs[0].value == 62764.2  # 2026-08-01 close (last array element)
    assert obs[-1].value == 63911.88  # 2026-08-10 close (first array element)
    assert {o.series for o in obs} == {"btc"}


def test_in_progress_candle_is_provisional(body: bytes) -> None:
    parsed = CoinbaseSource("http://x").parse(body, dt.datetime(2026, 8, 10, 12, tzinfo=dt.UTC))
    assert parsed[-1].provisional and parsed[-1].date == dt.date(2026, 8, 10)
    obs = [o for o in parsed if not o.provisional]
    assert len(obs) == 9
    assert obs[-1].date == dt.date(2026, 8, 9)
    assert obs[-1].value == 64848.69


def test_raw_candle_fields(body: bytes) -> None:
    first = candles(body)[0]  # [1786320000, 63733.03, 65341.83, 64848.68, 63911.88, 6197.02944527]
    assert (first.low, first.high, first.open, first.close) == (
        63733.03,
        65341.83,
        64848.68,
        63911.88,
    )


def test_error_message_body() -> None:
    with pytest.raises(SourceFormatError) as err:
        CoinbaseSource("http://x").parse(b'{"message":"NotFound"}', AFTER_WINDOW)
    assert err.value.problem is FormatProblem.MALFORMED


def test_urls() -> None:
    src = CoinbaseSource("http://cb/")
    assert src.url(AFTER_WINDOW) == "http://cb/products/BTC-USD/candles?granularity=86400"
    assert src.page_url(dt.date(2026, 1, 1), dt.date(2026, 2, 1)).endswith(
        "granularity=86400&start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z"
    )
