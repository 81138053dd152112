"""Bodies that parse but lie: repeated keys, cut cells, huge numbers, impossible dates.

Each body is a recorded real one with one test-made change; each must end in a
``SourceFormatError`` (a data-quality event), never in a stored value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from bot.sources.coinbase import CoinbaseSource
from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.frankfurter import FrankfurterSource
from bot.sources.kraken import KrakenSource
from bot.sources.mof import MofSource
from bot.sources.parsing import CSV_TYPES, JSON_TYPES, check_content_type
from bot.sources.treasury import TreasurySource
from tests.standins.mof_current_month import build_current_month

FRANKFURTER = "frankfurter_timeseries_USD_2026-07-01..08.json"
KRAKEN = "kraken_public_OHLC_XXBTZUSD_1440.json"
COINBASE = "coinbase_exchange_candles_BTC-USD_1d.json"
TREASURY = "treasury_daily_par_yield_curve_2023ytd.csv"
FETCHED = dt.datetime(2026, 8, 17, 12, tzinfo=dt.UTC)
LOWER = 0.95  # test-made: the repeated entry is 5 % lower than the real one
HUGE = 10**400  # a JSON integer no float can hold


def problem(source: object, body: bytes, when: dt.datetime = FETCHED) -> FormatProblem:
    with pytest.raises(SourceFormatError) as err:
        source.parse(body, when)  # type: ignore[attr-defined]
    return err.value.problem


def test_frankfurter_date_twice_is_refused(api_samples: Path) -> None:
    body = (api_samples / FRANKFURTER).read_bytes()
    real = json.loads(body)["rates"]["2026-07-08"]["JPY"]
    entry = re.search(rb'"2026-07-08":\{[^}]*\}', body)
    assert entry is not None
    lower = entry.group(0).replace(str(real).encode(), f"{real * LOWER:.2f}".encode())
    twice = body.replace(entry.group(0), entry.group(0) + b"," + lower)
    assert json.loads(twice)["rates"]["2026-07-08"]["JPY"] == pytest.approx(real * LOWER, 1e-4)
    src = FrankfurterSource("http://x")
    with pytest.raises(SourceFormatError) as err:
        src.parse(twice, FETCHED)
    assert err.value.problem is FormatProblem.MALFORMED
    assert "'2026-07-08' appears twice" in str(err.value)


def test_a_key_twice_inside_one_object_is_refused(api_samples: Path) -> None:
    body = (api_samples / FRANKFURTER).read_bytes()
    twice = body.replace(b'"JPY":162.49}', b'"JPY":162.49,"JPY":150.49}')
    assert twice != body
    assert problem(FrankfurterSource("http://x"), twice) is FormatProblem.MALFORMED


def test_kraken_error_field_twice_is_refused(api_samples: Path) -> None:
    body = (api_samples / KRAKEN).read_bytes()
    twice = body.replace(b'"error": [],', b'"error": ["EService:Unavailable"],\n "error": [],', 1)
    assert twice != body
    assert problem(KrakenSource("http://x"), twice) is FormatProblem.MALFORMED


@pytest.mark.parametrize("field", [0, 1, 4, 5])
def test_coinbase_huge_integers_are_format_errors(api_samples: Path, field: int) -> None:
    rows = json.loads((api_samples / COINBASE).read_bytes())
    rows[-1][field] = HUGE
    assert problem(CoinbaseSource("http://x"), json.dumps(rows).encode()) in (
        FormatProblem.MALFORMED,
        FormatProblem.BAD_VALUE,
    )


@pytest.mark.parametrize("where", ["time", "last", "close"])
def test_kraken_huge_integers_are_format_errors(api_samples: Path, where: str) -> None:
    doc = json.loads((api_samples / KRAKEN).read_bytes())
    if where == "time":
        doc["result"]["XXBTZUSD"][0][0] = HUGE
    elif where == "last":
        doc["result"]["last"] = HUGE
    else:
        doc["result"]["XXBTZUSD"][0][4] = HUGE
    assert isinstance(problem(KrakenSource("http://x"), json.dumps(doc).encode()), FormatProblem)


def test_a_5000_digit_integer_is_a_bad_value(api_samples: Path) -> None:
    body = (api_samples / COINBASE).read_bytes().replace(b"63911.88", b"9" * 5000, 1)
    assert problem(CoinbaseSource("http://x"), body) is FormatProblem.BAD_VALUE


@pytest.mark.parametrize("date", [b"-0/6/10", b"-1/6/10", b"1/6/10", b"0/6/10"])
def test_mof_impossible_years_are_bad_dates(history_dir: Path, date: bytes) -> None:
    body = build_current_month(history_dir, 2026, 6).replace(b"2026/6/10,", date + b",")
    assert problem(MofSource("http://x"), body) is FormatProblem.MALFORMED


def test_mof_cut_inside_the_last_cell_is_truncated(history_dir: Path) -> None:
    body = build_current_month(history_dir, 2026, 6, last_day=10)
    row_end = body.index(b"\r\n,,,,,,,,,,,,,,,")
    assert body[:row_end].endswith(b",3.811,3.739")  # 2026-06-10, jgb.30y and jgb.40y
    cut = body[: row_end - len(b"739")]  # "…,3.811,3": jgb.40y would read 3.0
    assert problem(MofSource("http://x"), cut) is FormatProblem.TRUNCATED
    assert problem(MofSource("http://x"), body[:row_end]) is FormatProblem.TRUNCATED
    whole_row = body[: row_end + 2]  # the last row complete but no separator and footer
    assert problem(MofSource("http://x"), whole_row) is FormatProblem.TRUNCATED
    assert MofSource("http://x").parse(body, FETCHED)[-1].value == 3.739


def test_mof_historical_file_must_end_with_its_line_break(history_dir: Path) -> None:
    body = (history_dir / "mof/jgbcme_all.csv").read_bytes()
    assert body.endswith(b"\r\n")
    assert problem(MofSource("http://x"), body[:-2]) is FormatProblem.TRUNCATED


def test_mof_more_than_three_decimals_is_a_bad_value(history_dir: Path) -> None:
    body = build_current_month(history_dir, 2026, 6, last_day=10)
    longer = body.replace(b",3.811,3.739\r\n", b",3.811,3.7391\r\n")
    assert problem(MofSource("http://x"), longer) is FormatProblem.BAD_VALUE


def test_treasury_cut_inside_the_last_cell_is_truncated(api_samples: Path) -> None:
    body = (api_samples / TREASURY).read_bytes()
    assert body.endswith(b",3.88")  # the download has no final line break
    when = dt.datetime(2023, 9, 2, 12, tzinfo=dt.UTC)
    for cut in (1, 2, 3):
        assert problem(TreasurySource("http://x"), body[:-cut], when) is FormatProblem.TRUNCATED
    assert TreasurySource("http://x").parse(body, when)


@pytest.mark.parametrize(
    ("content_type", "accepted", "refused"),
    [
        ("application/json", JSON_TYPES, None),
        ("application/problem+json", JSON_TYPES, None),
        ("text/plain", JSON_TYPES, None),
        ("text/html", JSON_TYPES, FormatProblem.HTML_BODY),
        ("application/xhtml+xml", JSON_TYPES, FormatProblem.HTML_BODY),
        ("text/csv", JSON_TYPES, FormatProblem.MALFORMED),
        ("text/csv", CSV_TYPES, None),
        ("application/octet-stream", CSV_TYPES, None),
        ("application/vnd.ms-excel", CSV_TYPES, None),
        ("TEXT/CSV; charset=Shift_JIS", CSV_TYPES, None),
        ("text/html", CSV_TYPES, FormatProblem.HTML_BODY),
        ("application/json", CSV_TYPES, FormatProblem.MALFORMED),
        ("", CSV_TYPES, None),
    ],
)
def test_content_types(
    content_type: str, accepted: frozenset[str], refused: FormatProblem | None
) -> None:
    if refused is None:
        check_content_type(content_type, accepted, "x")
        return
    with pytest.raises(SourceFormatError) as err:
        check_content_type(content_type, accepted, "x")
    assert err.value.problem is refused
