"""Date tick labels in the reader's language, written by Babel (CLDR), the way
matplotlib's ConciseDateFormatter would lay them out: ``2023 Jul 2024 Jul`` /
``2023年 7月 2024年 7月`` / ``Aug 5 12 19`` / ``8月 5日 12日 19日``.

matplotlib's own formatters use ``strftime`` (C-locale month names); CLDR knows
that Chinese and Japanese write 8月 and 5日. The chart thread calls this with the
reader's language already set (``i18n.use`` in the worker).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib import dates as mdates
from matplotlib import ticker

from bot.render.chart_words import date_skeleton


class LocalDateFormatter(ticker.Formatter):
    """Years at year ticks, months (the year at January) at month ticks, days (the
    month at each 1st) at day ticks; all words from Babel for the current language."""

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        stamps = [mdates.num2date(v) for v in values]  # type: ignore[no-untyped-call]
        if not stamps:
            return []
        if any(t.hour or t.minute for t in stamps):  # a one-day chart: hours
            return [
                date_skeleton(t, "Hm") if t.hour or t.minute else date_skeleton(t, "MMMd")
                for t in stamps
            ]
        days = [t.date() for t in stamps]
        if all(d.month == 1 and d.day == 1 for d in days):
            return [date_skeleton(d, "y") for d in days]
        if all(d.day == 1 for d in days):
            return [
                date_skeleton(d, "y") if d.month == 1 else date_skeleton(d, "MMM") for d in days
            ]
        return [date_skeleton(d, "MMM") if d.day == 1 else date_skeleton(d, "d") for d in days]

    def __call__(self, x: float, pos: Any = None) -> str:
        return self.format_ticks([x])[0]


def local_date_axis(axis: Any, *, maxticks: int | None = None) -> None:
    """Give ``axis`` matplotlib's automatic date ticks with :class:`LocalDateFormatter`."""
    locator = (
        mdates.AutoDateLocator(maxticks=maxticks)  # type: ignore[no-untyped-call]
        if maxticks
        else mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    )
    axis.set_major_locator(locator)
    axis.set_major_formatter(LocalDateFormatter())
