"""Treasury par yield curve CSV parsing against the recorded 2023 download."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.treasury import TreasurySource

BODY = "treasury_daily_par_yield_curve_2023ytd.csv"
FETCHED = dt.datetime(2023, 9, 2, tzinfo=dt.UTC)


@pytest.fixture
def body(api_samples: Path) -> bytes:
    return (api_samples / BODY).read_bytes()


def test_ten_year_and_all_tenors(body: bytes) -> None:
    obs = TreasurySource("http://x").parse(body, FETCHED)
    ten = [o for o in obs if o.series == "ust.10y"]
    assert len(ten) == 169
    assert ten[0].date == dt.date(2023, 1, 3)
    assert ten[0].value == 3.79  # 01/03/2023 "10 Yr"
    assert ten[-1].date == dt.date(2023, 9, 1)
    assert ten[-1].value == 4.18  # 09/01/2023 "10 Yr"
    assert [o.date for o in ten] == sorted(o.date for o in ten)
    assert {o.series for o in obs} >= {"ust.1m", "ust.4m", "ust.2y", "ust.30y"}
    assert len(obs) == 169 * 13  # every cell of the 2023 download is filled


def test_url_is_the_current_year_csv() -> None:
    root = "https://home.treasury.gov/resource-center/data-chart-center/interest-rates"
    url = TreasurySource(root).url(dt.datetime(2026, 1, 1, 3, tzinfo=dt.UTC))
    assert url == (
        f"{root}/daily-treasury-rates.csv/2025/all?type=daily_treasury_yield_curve"
        "&field_tdr_date_value=2025&page&_format=csv"
    )  # 03:00 UTC on 1 Jan is still 31 Dec in New York


def test_html_page_is_named(body: bytes) -> None:
    with pytest.raises(SourceFormatError) as err:
        TreasurySource("http://x").parse(b"<html><body>Access Denied</body></html>", FETCHED)
    assert err.value.problem is FormatProblem.HTML_BODY
