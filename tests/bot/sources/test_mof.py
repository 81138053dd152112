"""MOF parsing (real historical file; synthetic-format current month from real rows)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.sources.errors import FormatProblem, SourceFormatError
from bot.sources.mof import MOF_SCHEDULE, MofSource, is_tokyo_business_day
from tests.standins.mof_current_month import build_current_month

FETCHED = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.UTC)


def test_current_month_file(history_dir: Path) -> None:
    obs = MofSource("http://x").parse(build_current_month(history_dir, 2026, 6), FETCHED)
    ten = [o for o in obs if o.series == "jgb.10y"]
    assert len(ten) == 22  # business days of June 2026
    assert ten[0].date == dt.date(2026, 6, 1)
    assert ten[0].value == 2.682
    assert ten[-1].date == dt.date(2026, 6, 30)
    assert ten[-1].value == 2.69
    forty = [o for o in obs if o.series == "jgb.40y"]
    assert forty[-1].value == 3.792
    assert len(obs) == 22 * 15


def test_historical_file_with_negative_yields(history_dir: Path) -> None:
    obs = MofSource("http://x").parse((history_dir / "mof/jgbcme_all.csv").read_bytes(), FETCHED)
    ten = {o.date: o.value for o in obs if o.series == "jgb.10y"}
    assert min(ten) == dt.date(1986, 7, 5)  # first published 10y
    assert max(ten) == dt.date(2024, 7, 31)
    negative = [d for d, v in ten.items() if v < 0]
    assert negative  # 2016–2020 negative 10y yields are real values, kept
    assert all(dt.date(2016, 1, 1) <= d <= dt.date(2021, 12, 31) for d in negative)
    forty = [o for o in obs if o.series == "jgb.40y"]
    assert forty[0].date == dt.date(2007, 11, 6)  # "-" before: skipped, not an error


def test_truncated_current_month_is_refused(history_dir: Path) -> None:
    body = build_current_month(history_dir, 2026, 6)
    with pytest.raises(SourceFormatError):
        MofSource("http://x").parse(body[: len(body) // 2], FETCHED)


def test_empty_and_html(history_dir: Path) -> None:
    src = MofSource("http://x")
    with pytest.raises(SourceFormatError) as err:
        src.parse(b"\r\n", FETCHED)
    assert err.value.problem is FormatProblem.EMPTY
    with pytest.raises(SourceFormatError) as err:
        src.parse(b"<!DOCTYPE html><html>Maintenance</html>", FETCHED)
    assert err.value.problem is FormatProblem.HTML_BODY


def test_tokyo_calendar_matches_every_mof_date_since_2010(history_dir: Path) -> None:
    lines = (history_dir / "mof/jgbcme_all_to_2026-06-30.csv").read_text().splitlines()[2:]
    published = {dt.date(*map(int, ln.split(",")[0].split("/"))) for ln in lines}
    day, end = dt.date(2010, 1, 1), dt.date(2026, 6, 30)
    while day <= end:
        assert is_tokyo_business_day(day) == (day in published), day
        day += dt.timedelta(days=1)


def test_schedule_and_urls() -> None:
    assert MOF_SCHEDULE.cron_kwargs() == [
        {"day_of_week": "mon-fri", "hour": 16, "minute": 45, "timezone": "Asia/Tokyo"},
        {"day_of_week": "mon-fri", "hour": 19, "minute": 0, "timezone": "Asia/Tokyo"},
    ]
    src = MofSource("https://www.mof.go.jp/english/policy/jgbs/reference/interest_rate/")
    assert src.url(FETCHED).endswith("/interest_rate/jgbcme.csv")
    assert src.historical_url().endswith("/interest_rate/historical/jgbcme_all.csv")
    # 2026-05-06 is a substitute holiday (Golden Week): no poll
    assert not src.should_poll(dt.datetime(2026, 5, 6, 8, tzinfo=dt.UTC))
    assert src.should_poll(dt.datetime(2026, 5, 7, 8, tzinfo=dt.UTC))
