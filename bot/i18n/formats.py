"""Numbers, dates and times for the current reader, by Babel's CLDR data.

Units stay explicit in the templates that use these (%, bp, JPY per USD); this
module only writes the digits and calendar words the reader's locale expects
(``Aug 5, 2024`` / ``2024年8月5日``; ``1,234.5`` everywhere we support).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from bot.i18n import babel_locale


def decimal(value: float, digits: int = 0, *, grouping: bool = True) -> str:
    """``value`` rounded to ``digits`` places in the reader's locale (no sign games:
    callers put a real minus sign or a ``+`` in front)."""
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=babel_locale())


def date_text(day: dt.date) -> str:
    """A calendar day as the reader writes it: ``Aug 5, 2024`` / ``2024年8月5日``."""
    return babel_dates.format_skeleton("yMMMd", day, locale=babel_locale())


def weekday_date_text(day: dt.date) -> str:
    """``Mon, Aug 5, 2024`` / ``2024年8月5日星期一`` / ``2024年8月5日(月)``."""
    return babel_dates.format_skeleton("yMMMEd", day, locale=babel_locale())


def _zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz


def time_text(ts: dt.datetime, tz: str | dt.tzinfo = "UTC") -> str:
    """A wall-clock time in ``tz``, 24-hour in every language: ``14:05``."""
    return babel_dates.format_time(ts, "HH:mm", tzinfo=_zone(tz), locale=babel_locale())


def datetime_text(ts: dt.datetime, tz: str | dt.tzinfo = "UTC") -> str:
    """Day and 24-hour time in ``tz``: ``Aug 5, 2024, 14:05`` / ``2024年8月5日 14:05``."""
    return babel_dates.format_skeleton("yMMMdHm", ts, tzinfo=_zone(tz), locale=babel_locale())


def weekday_name(weekday: int) -> str:
    """Monday=0 … Sunday=6 as the reader names it: ``Monday`` / ``星期一`` / ``月曜日``."""
    names = babel_dates.get_day_names("wide", locale=babel_locale())
    return str(names[weekday])
