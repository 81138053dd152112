"""Digest timing: the owner's local weekday and hour, across DST changes, once per date."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.digest.schedule import due_on, next_due

MON, BERLIN, NY = 0, "Europe/Berlin", "America/New_York"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("tz", "before", "at", "local_day"),
    [
        # Berlin: CET (UTC+1) on Mon 23 Mar 2026, CEST (UTC+2) from Sun 29 Mar.
        (BERLIN, utc(2026, 3, 23, 6, 59), utc(2026, 3, 23, 7, 0), dt.date(2026, 3, 23)),
        (BERLIN, utc(2026, 3, 30, 5, 59), utc(2026, 3, 30, 6, 0), dt.date(2026, 3, 30)),
        # back to CET on Sun 25 Oct 2026
        (BERLIN, utc(2026, 10, 19, 5, 59), utc(2026, 10, 19, 6, 0), dt.date(2026, 10, 19)),
        (BERLIN, utc(2026, 10, 26, 6, 59), utc(2026, 10, 26, 7, 0), dt.date(2026, 10, 26)),
        # New York switches on 8 Mar 2026: EST (UTC-5) then EDT (UTC-4)
        (NY, utc(2026, 3, 2, 12, 59), utc(2026, 3, 2, 13, 0), dt.date(2026, 3, 2)),
        (NY, utc(2026, 3, 9, 11, 59), utc(2026, 3, 9, 12, 0), dt.date(2026, 3, 9)),
    ],
)
def test_monday_0800_local_across_dst(
    tz: str, before: dt.datetime, at: dt.datetime, local_day: dt.date
) -> None:
    assert due_on(before, MON, 8, tz, None) is None
    assert due_on(at, MON, 8, tz, None) == local_day
    assert due_on(at + dt.timedelta(hours=3), MON, 8, tz, local_day.isoformat()) is None
    assert next_due(before, MON, 8, tz) == at


def test_a_late_bot_catches_up_the_same_day_only() -> None:
    assert due_on(utc(2026, 3, 30, 20, 0), MON, 8, BERLIN, None) == dt.date(2026, 3, 30)
    assert due_on(utc(2026, 3, 30, 22, 30), MON, 8, BERLIN, None) is None  # Tuesday there


def test_an_hour_skipped_by_dst_goes_out_at_the_next_hour() -> None:
    """Sunday 02:00 does not exist in Berlin on 29 Mar 2026; 03:00 CEST sends it."""
    sunday = 6
    assert due_on(utc(2026, 3, 29, 0, 59), sunday, 2, BERLIN, None) is None  # 01:59 CET
    assert due_on(utc(2026, 3, 29, 1, 0), sunday, 2, BERLIN, None) == dt.date(2026, 3, 29)
