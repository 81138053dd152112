"""The words around and on charts, in the reader's language (both platforms).

The caption under a chart is written from what the chart actually shows; the
dates on charts (titles, axis ticks) are CLDR patterns by Babel, so Chinese and
Japanese readers see 2024年8月5日 where English readers see Aug 5, 2024.
"""

from __future__ import annotations

import datetime as dt

from babel import dates as babel_dates

from bot.commands.answers import ChartAnswer
from bot.i18n import N_, _, babel_locale, current, formats, ngettext
from bot.render.common import LEVEL_EMOJI, Unit, fmt, level_word

STEP_POINTS = {
    "weekly": N_("weekly points"),
    "monthly": N_("monthly points"),
    "quarterly": N_("quarterly points"),
}


def date_skeleton(day: dt.date | dt.datetime, skeleton: str) -> str:
    """``day`` by a CLDR skeleton in the current language: ``yMMM`` is Aug 2024 /
    2024年8月, ``MMMd`` Aug 5 / 8月5日, ``d`` 5 / 5日."""
    return str(babel_dates.format_skeleton(skeleton, day, locale=babel_locale()))


def chart_unavailable() -> str:
    """What a reader sees when the server cannot draw charts in their language."""
    return _("Charts in this language are unavailable on this server right now (font missing).")


def chart_caption(answer: ChartAnswer) -> str:
    """``Carry-unwind stress from Sun, Jul 7, 2024 to Mon, Aug 5, 2024. Now 🟠 62/100,
    high. 4 alerts marked.`` plus a note when the data covers less than was asked for.
    Whole sentences, each one template, so word order is the translator's."""
    first = formats.weekday_date_text(answer.first)
    last = formats.weekday_date_text(answer.last)
    if answer.step in STEP_POINTS:
        span = _("Carry-unwind stress from {first} to {last} ({points}).").format(
            first=first, last=last, points=_(STEP_POINTS[answer.step])
        )
    else:
        span = _("Carry-unwind stress from {first} to {last}.").format(first=first, last=last)
    sentences = [span]
    if answer.score is not None and answer.level is not None:
        sentences.append(
            _("Now {emoji} {score}, {level}.").format(
                emoji=LEVEL_EMOJI[answer.level],
                score=fmt(answer.score, Unit.POINTS),
                level=level_word(answer.level),
            )
        )
    if answer.alerts:
        sentences.append(
            ngettext("{count} alert marked.", "{count} alerts marked.", answer.alerts).format(
                count=answer.alerts
            )
        )
    covered = (answer.last - answer.first).days + 1
    if answer.requested_days is not None and covered < answer.requested_days * 0.9:
        sentences.append(
            ngettext(
                "You asked for {asked} days; the data covers {count} day.",
                "You asked for {asked} days; the data covers {count} days.",
                covered,
            ).format(asked=answer.requested_days, count=covered)
        )
    sep = "" if current() in ("zh", "ja") else " "  # CJK sentences end in 。 and run on
    return sep.join(sentences)
