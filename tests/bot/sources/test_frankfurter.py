"""Frankfurter time-series parsing against the recorded real body."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.frankfurter import FrankfurterSource

BODY = "frankfurter_timeseries_USD_2026-07-01..08.json"
FETCHED = dt.datetime(2026, 7, 8, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def body(api_samples: Path) -> bytes:
    return (api_samples / BODY).read_bytes()


def test_jpy_per_ecb_business_day(body: bytes) -> None:
    obs = FrankfurterSource("http://x").parse(body, FETCHED)
    days = [o.date for o in obs]
    assert days == [dt.date(2026, 7, d) for d in (1, 2, 3, 6, 7, 8)]  # weekend absent
    assert obs[0].value == 162.71
    assert obs[-1].value == 162.49
    assert {o.series for o in obs} == {"usdjpy"}
    assert {o.source for o in obs} == {"frankfurter"}


def test_other_base_refused(body: bytes) -> None:
    with pytest.raises(SourceFormatError, match="not USD"):
        FrankfurterSource("http://x").parse(body.replace(b'"base":"USD"', b'"base":"EUR"'), FETCHED)


def test_missing_jpy_refused(body: bytes) -> None:
    with pytest.raises(SourceFormatError) as err:
        FrankfurterSource("http://x").parse(body.replace(b'"JPY"', b'"XXX"', 1), FETCHED)
    assert err.value.problem is FormatProblem.MALFORMED


def test_url_is_a_short_lookback_window() -> None:
    src = FrankfurterSource("https://api.frankfurter.dev/v1/", lookback_days=7)
    assert src.url(FETCHED) == (
        "https://api.frankfurter.dev/v1/2026-07-01..2026-07-08?base=USD&symbols=JPY"
    )
