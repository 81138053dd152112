"""When a weekly digest is due: a weekday and hour in the owner's own time zone.

Pure (``now`` is passed in). The hour is local wall-clock time, so a Monday
08:00 digest in Europe/Berlin goes out at 07:00 UTC in winter and 06:00 UTC in
summer. It is due from that hour until the end of that local day (a bot that
was down at 08:00 catches up at its next check) and once per local date; a
local hour skipped by a DST change is caught up at the next existing hour.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def due_on(
    now: dt.datetime, weekday: int, hour: int, tz: str, last_sent_for: str | None
) -> dt.date | None:
    """The owner's local date this digest is for, if it should go out now; else None."""
    local = now.astimezone(ZoneInfo(tz))
    if local.weekday() != weekday or local.hour < hour:
        return None
    day = local.date()
    if last_sent_for == day.isoformat():
        return None
    return day


def next_due(now: dt.datetime, weekday: int, hour: int, tz: str) -> dt.datetime:
    """The next time (UTC) the digest goes out, for "next digest: …" answers."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    for ahead in range(8):
        day = local.date() + dt.timedelta(days=ahead)
        at = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
        if day.weekday() == weekday and at.astimezone(dt.UTC) > now:
            return at.astimezone(dt.UTC)
    raise AssertionError("a weekday recurs within 8 days")  # pragma: no cover
