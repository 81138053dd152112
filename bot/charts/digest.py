"""The weekly digest's chart: the week's stress-score path over the level bands (PNG).

One slot per market date of the week, left to right. Every stored computation
of a day's score is a point inside its slot, at the time of day (in the
owner's zone) it was computed — a late revision or a backfill sits at the
slot's end — so a day recomputed through the session shows its intraday path,
and each day's final value is marked. Pure over what the store returned
(:func:`week_path`), then drawn like :mod:`bot.charts.score`: matplotlib's
object API on an Agg canvas (thread-safe, no window), imported only when drawn.

The language is a parameter, not the ambient context: callers render in a
worker thread, and ``loop.run_in_executor`` does not carry context variables.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

from bot import i18n
from bot.charts.fonts import FAMILIES, prepare
from bot.i18n import _
from bot.i18n.formats import decimal
from bot.render.common import level_word
from signals.levels import LEVEL_FLOORS, Level, level_for

BAND_COLOURS = ("#e8f5e9", "#fff8e1", "#ffe0b2", "#ffcdd2")  # low … severe
LINE = "#b71c1c"
FONT = 10


class NoWeekScores(ValueError):
    """No stored score in the digest's week: nothing to draw (the text says so)."""


@dataclass(frozen=True, slots=True)
class ScorePoint:
    day: dt.date  # the market date the score is for
    at: dt.datetime  # when it was computed (UTC)
    score: float


@dataclass(frozen=True, slots=True)
class DigestChartData:
    """What the chart draws: every computation of the week, in time order."""

    first: dt.date
    last: dt.date
    tz: str
    points: tuple[ScorePoint, ...]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def daily(self) -> tuple[ScorePoint, ...]:
        """Each market date's final score (its last computation), in date order."""
        final: dict[dt.date, ScorePoint] = {}
        for p in self.points:
            final[p.day] = p
        return tuple(final[d] for d in sorted(final))

    @property
    def intraday(self) -> bool:
        """Some day was computed more than once: its path within the day is drawn."""
        return len(self.points) > len(self.daily)

    def x(self, p: ScorePoint) -> float:
        """Slot of the day plus the fraction of that local day when it was computed."""
        zone = ZoneInfo(self.tz)
        start = dt.datetime.combine(p.day, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(p.day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        fraction = (p.at - start) / (end - start)
        return (p.day - self.first).days + min(1.0, max(0.0, fraction))


def week_path(
    first: dt.date,
    last: dt.date,
    tz: str,
    cutoff: dt.datetime,
    snapshots: Iterable[tuple[dt.date, dt.datetime, float | None]],
) -> DigestChartData:
    """The week's points from ``(as_of, computed_at, score)`` rows in store order:
    dates ``first``..``last``, computed by ``cutoff``, with a score."""
    points = [
        ScorePoint(day, at, float(score))
        for day, at, score in snapshots
        if first <= day <= last and at <= cutoff and score is not None
    ]
    points.sort(key=lambda p: (p.at, p.day))  # stable: store order within one instant
    return DigestChartData(first, last, tz, tuple(points))


def chart_title(data: DigestChartData) -> str:
    """``Stress score this week: Mar 23 – 29, 2026`` (the week as the reader writes it)."""
    span = babel_dates.format_interval(
        data.first, data.last, skeleton="yMMMd", locale=i18n.babel_locale()
    )
    return _("Stress score this week: {span}").format(span=span)


def font_families() -> tuple[str, ...]:
    """Latin first, then Noto Sans CJK for Chinese and Japanese (matplotlib falls back
    glyph by glyph through the list); registered once per process by
    :mod:`bot.charts.fonts`, which refuses a zh/ja chart without the font (no tofu)."""
    prepare(i18n.current())
    return FAMILIES


def render_digest_chart(data: DigestChartData, language: str) -> bytes:
    """A PNG about 780×340 px in ``language``; :class:`NoWeekScores` if there is nothing."""
    if not data.points:
        raise NoWeekScores("no stress score stored for this week")
    with i18n.use(language) as lang:
        return _draw(data, lang)


def _draw(data: DigestChartData, lang: str) -> bytes:
    import matplotlib.text as mtext  # deferred on purpose, see module doc
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.5, 2.85))
    FigureCanvasAgg(fig)  # headless: never a window
    ax = fig.subplots()
    edges = [0.0, *sorted(f for f, _lv in LEVEL_FLOORS), 100.0]
    for (lo, hi), colour, level in zip(itertools.pairwise(edges), BAND_COLOURS, Level, strict=True):
        ax.axhspan(lo, hi, color=colour, zorder=0)
        ax.text(0.005, (lo + hi) / 2, level_word(level), transform=ax.get_yaxis_transform(),
                va="center", fontsize=FONT - 2, color="#555555")  # fmt: skip
    daily = data.daily
    if data.intraday:
        ax.plot([data.x(p) for p in data.points], [p.score for p in data.points],
                color=LINE, lw=0.9, alpha=0.7, zorder=2, label=_("intraday"))  # fmt: skip
        ax.scatter([data.x(p) for p in daily], [p.score for p in daily], color=LINE, s=22,
                   zorder=3, label=_("daily close"))  # fmt: skip
        ax.legend(fontsize=FONT - 2, loc="upper right", frameon=False, ncol=2)
    else:
        ax.plot([data.x(p) for p in daily], [p.score for p in daily], color=LINE, lw=1.6,
                marker="o", markersize=4, zorder=3)  # fmt: skip
    last = data.points[-1]
    ax.annotate(
        f"{decimal(last.score)} {level_word(level_for(last.score))}",
        (data.x(last), last.score), xytext=(-6, 8 if last.score < 80 else -16),
        textcoords="offset points", ha="right", fontsize=FONT + 1, color=LINE,
    )  # fmt: skip
    ax.set_xlim(0, data.days)
    ax.set_ylim(0, 100)
    days = [data.first + dt.timedelta(days=n) for n in range(data.days)]
    locale = i18n.BABEL_LOCALES[lang]
    ax.set_xticks([n + 0.5 for n in range(data.days)])
    ax.set_xticklabels([babel_dates.format_skeleton("MMMEd", d, locale=locale) for d in days])
    ax.set_xticks(range(data.days + 1), minor=True)
    ax.grid(which="minor", axis="x", alpha=0.3)
    ax.tick_params(axis="x", which="major", length=0, labelsize=FONT - 2)
    ax.tick_params(axis="y", labelsize=FONT - 2)
    ax.set_ylabel(_("stress score (0–100)"), fontsize=FONT - 1)
    ax.set_title(chart_title(data), fontsize=FONT + 1, loc="left")
    families = list(font_families())
    for text in fig.findobj(mtext.Text):
        text.set_fontfamily(families)
    fig.subplots_adjust(left=0.09, right=0.985, top=0.88, bottom=0.12)  # no tight_layout: speed
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    return buf.getvalue()
