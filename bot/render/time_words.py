"""Time in the reader's words: their zone, durations, "time ago", days and data age.

Split from ``bot.render.common`` (which re-exports these names): English keeps the
house style ("Tue 6 Aug"); other languages get Babel's CLDR patterns.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from babel import dates as babel_dates

from bot.i18n import _, babel_locale, current, formats, ngettext


def zone(tz: str | None) -> zoneinfo.ZoneInfo:
    """The reader's zone, UTC when unknown or misspelt (never an exception while rendering)."""
    if tz:
        try:
            return zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return zoneinfo.ZoneInfo("UTC")


def duration_words(delta: dt.timedelta) -> str:
    """``2 h 10 min``, ``3 days``, ``45 min``, ``1 day 4 h``; never "0 min"."""
    minutes = max(int(delta.total_seconds() // 60), 1)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days >= 7 or (days and not hours):
        return ngettext("{days} day", "{days} days", days).format(days=days)
    if days:
        return ngettext("{days} day {hours} h", "{days} days {hours} h", days).format(
            days=days, hours=hours
        )
    if hours and mins:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=mins)
    if hours:
        return _("{hours} h").format(hours=hours)
    return _("{minutes} min").format(minutes=mins)


def ago(delta: dt.timedelta) -> str:
    """The one "time ago" helper: ``just now``, ``5 min ago``, ``2 h 10 min ago``."""
    if delta < dt.timedelta(minutes=1):
        return _("just now")
    return _("{duration} ago").format(duration=duration_words(delta))


def _english() -> bool:
    return current() == "en"


def day_text(day: dt.date) -> str:
    """``Tue 6 Aug`` / ``8月6日周二`` / ``8月6日(火)``; the year only when it is not
    obvious (older than ~300 days is the caller's business: see :func:`day_text_full`)."""
    if _english():  # the house style, kept exactly (CLDR's en would say "Tue, Aug 6")
        return f"{day:%a} {day.day} {day:%b}"
    return babel_dates.format_skeleton("MMMEd", day, locale=babel_locale())


def day_text_full(day: dt.date) -> str:
    if _english():
        return f"{day:%a} {day.day} {day:%b %Y}"
    return formats.weekday_date_text(day)


def month_day(day: dt.date) -> str:
    """``6 Aug`` / ``8月6日``: a day without its weekday."""
    if _english():
        return f"{day.day} {day:%b}"
    return babel_dates.format_skeleton("MMMd", day, locale=babel_locale())


def data_age_text(as_of: dt.date, now: dt.datetime, tz: str | None = None) -> str:
    """``as of Tue 6 Aug, 2 days old`` — market date and its age in whole days."""
    today = now.astimezone(zone(tz)).date()
    days = (today - as_of).days
    shown = day_text(as_of) if days < 300 else day_text_full(as_of)
    if days <= 0:
        return _("as of {day}, today").format(day=shown)
    return ngettext("as of {day}, {days} day old", "as of {day}, {days} days old", days).format(
        day=shown, days=days
    )


def local_time(at: dt.datetime, tz: str | None) -> str:
    """``Mon 5 Aug 08:00 CEST`` in the reader's zone (UTC when it has none)."""
    local = at.astimezone(zone(tz))
    return f"{day_text(local.date())} {local:%H:%M} {local.tzname() or 'UTC'}"


def clock_range(start: dt.time, end: dt.time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"
