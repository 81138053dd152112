"""Kraken OHLC parsing against the recorded real body (values read from the file by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.kraken import KrakenSource

BODY = "kraken_public_OHLC_XXBTZUSD_1440.json"
# Recorded during the UTC day 2026-08-17 (its last bar, 08-17, is the open one).
FETCHED = dt.datetime(2026, 8, 17, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def body(api_samples: Path) -> bytes:
    return (api_samples / BODY).read_bytes()


def test_committed_daily_closes(body: bytes) -> None:
    parsed = KrakenSource("http://x", pair="XBTUSD").parse(body, FETCHED)
    obs = [o for o in parsed if not o.provisional]
    assert [o.date for o in obs] == [dt.date(2026, 8, d) for d in range(8, 17)]
    assert obs[0].value == 64901.1  # 2026-08-08 close "64901.1"
    assert obs[2].value == 63922.1  # 2026-08-10 close "63922.1"
    assert obs[-1].value == 62819.1  # 2026-08-16 close "62819.1"
    assert {o.series for o in obs} == {"btc"}
    assert {o.source for o in obs} == {"kraken"}
    assert all(o.fetched_at == FETCHED for o in obs)


def test_the_bar_of_today_is_its_provisional_value(body: bytes) -> None:
    """Parsed during 08-17, the open bar is that day's provisional value, last."""
    parsed = KrakenSource("http://x", pair="XBTUSD").parse(body, FETCHED)
    today = parsed[-1]
    assert today.provisional and today.date == dt.date(2026, 8, 17)
    assert [o for o in parsed if o.provisional] == [today]


def test_in_progress_bar_dropped_even_when_replayed_later(body: bytes) -> None:
    """The open bar (08-17) is excluded by ``last`` even if parsed days later."""
    later = KrakenSource("http://x").parse(body, dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    assert later[-1].date == dt.date(2026, 8, 16)
    assert len(later) == 9


def test_bar_not_over_is_dropped(body: bytes) -> None:
    early = KrakenSource("http://x").parse(body, dt.datetime(2026, 8, 16, 23, 59, tzinfo=dt.UTC))
    assert [o.date for o in early if not o.provisional][-1] == dt.date(2026, 8, 15)
    assert [o.date for o in early if o.provisional] == [dt.date(2026, 8, 16)]


def test_error_envelope_is_a_format_error() -> None:
    with pytest.raises(SourceFormatError) as err:
        KrakenSource("http://x").parse(b'{"error":["EGeneral:Invalid arguments"]}', FETCHED)
    assert err.value.problem is FormatProblem.MALFORMED
    assert "EGeneral" in str(err.value)


def test_wrong_pair_in_body_is_refused(body: bytes) -> None:
    """A USDJPY poll answered with the BTC body must not become USD/JPY values."""
    with pytest.raises(SourceFormatError, match="USDJPY not in result"):
        KrakenSource("http://x", pair="USDJPY").parse(body, FETCHED)


def test_usdjpy_source_shape() -> None:
    src = KrakenSource("http://k/0/public/", pair="USDJPY")
    assert src.series == ("usdjpy",)
    assert src.url(FETCHED) == "http://k/0/public/OHLC?pair=USDJPY&interval=1440"


def test_nan_price_is_a_bad_value(body: bytes) -> None:
    mutated = body.replace(b'"62819.1"', b'"NaN"', 1)
    assert mutated != body
    with pytest.raises(SourceFormatError) as err:
        KrakenSource("http://x").parse(mutated, FETCHED)
    assert err.value.problem is FormatProblem.BAD_VALUE
