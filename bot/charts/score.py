"""The score chart: stress with level bands and alert markers, over USD/JPY, BTC and
the super-long JGB yields (matplotlib PNG), readable at phone width.

Rendering takes tens of milliseconds; async callers run it in a worker thread
(``asyncio.to_thread``) so the event loop keeps serving chat updates. It uses
matplotlib's object API (``Figure`` + Agg canvas), which is safe in threads —
pyplot's global state is not — and imports matplotlib only when a chart is
drawn: it costs ~30 MB of memory that a bot which never charts need not pay.

What is drawn decides the title: the first and last date actually plotted, never
the range asked for. Past ~14 months the series are resampled to weekly points
(past ~8 years monthly): the score keeps each period's peak so no spike vanishes,
prices keep the period's last value. An empty range raises :class:`NoChartData`.

Every word is in the reader's language: :func:`render_score_chart` takes it as a
parameter (it runs in a worker thread, where the caller's context is not) and
draws inside ``i18n.use``; dates come from Babel, CJK glyphs from the font that
:mod:`bot.charts.fonts` registers.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bot import i18n
from bot.charts.fonts import prepare
from bot.i18n import N_, _, formats
from bot.render.chart_words import date_skeleton
from bot.render.common import Unit, fmt, level_word
from signals.levels import LEVEL_FLOORS, Level, level_for

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BAND_COLOURS = {
    Level.LOW: "#e8f5e9",
    Level.ELEVATED: "#fff8e1",
    Level.HIGH: "#ffe0b2",
    Level.SEVERE: "#ffcdd2",
}
MARKER_COLOURS = {
    Level.LOW: "#2e7d32",
    Level.ELEVATED: "#f9a825",
    Level.HIGH: "#ef6c00",
    Level.SEVERE: "#c62828",
}
WEEKLY_AFTER_DAYS = 430
MONTHLY_AFTER_DAYS = 8 * 366
QUARTERLY_AFTER_DAYS = 20 * 366
FONT = 12  # points at 120 dpi on a 6.5-inch figure: ~10 px when Telegram shows 390 px
RESAMPLED_NOTE = {
    "weekly": N_("weekly average; shaded: weekly peak"),
    "monthly": N_("monthly average; shaded: monthly peak"),
    "quarterly": N_("quarterly average; shaded: quarterly peak"),
}
JGB_LABEL = {"jgb.30y": N_("JGB 30y"), "jgb.40y": N_("JGB 40y")}


class NoChartData(ValueError):
    """Nothing to draw in the requested range; the message says so plainly."""


@dataclass(frozen=True)
class ChartData:
    dates: pd.DatetimeIndex
    score: np.ndarray
    series: Mapping[str, pd.Series]  # raw observations by series name
    title: str = ""  # ignored: the title always comes from the data drawn
    markers: Sequence[tuple[dt.date, Level]] = ()  # alerts: market date and level


@dataclass(frozen=True)
class Drawn:
    """What the chart actually shows, for its caption."""

    first: dt.date
    last: dt.date
    step: str  # "daily", "weekly", "monthly" or "quarterly"
    latest_score: float | None


def _step(first: dt.date, last: dt.date) -> str:
    span = (last - first).days
    if span > QUARTERLY_AFTER_DAYS:
        return "quarterly"
    if span > MONTHLY_AFTER_DAYS:
        return "monthly"
    if span > WEEKLY_AFTER_DAYS:
        return "weekly"
    return "daily"


def _rule(step: str) -> str:
    return {"weekly": "W", "monthly": "MS", "quarterly": "QS"}[step]


def _score_series(data: ChartData) -> pd.Series:
    s = pd.Series(np.asarray(data.score, dtype=float), index=data.dates).dropna()
    return s.sort_index()


def drawn(data: ChartData) -> Drawn:
    """The dates and resolution the chart will show; NoChartData if there is none."""
    score = _score_series(data)
    if score.empty:
        raise NoChartData("no scores in that range")
    first, last = score.index[0].date(), score.index[-1].date()
    return Drawn(first, last, _step(first, last), float(score.iloc[-1]))


def title_of(d: Drawn) -> str:
    """``Carry-unwind stress, Jul 7 – Aug 5, 2024`` in the current language (Babel dates)."""
    if d.first == d.last:
        return _("Carry-unwind stress, {day}").format(day=formats.date_text(d.last))
    if d.step in ("monthly", "quarterly"):
        start, end = date_skeleton(d.first, "yMMM"), date_skeleton(d.last, "yMMM")
    else:
        same_year = d.first.year == d.last.year
        start = date_skeleton(d.first, "MMMd") if same_year else formats.date_text(d.first)
        end = formats.date_text(d.last)
    return _("Carry-unwind stress, {start} – {end}").format(start=start, end=end)


def _resampled(s: pd.Series, step: str, how: str) -> pd.Series:
    if step == "daily" or s.empty:
        return s
    r = s.resample(_rule(step))
    return (r.max() if how == "max" else r.last()).dropna()


def render_score_chart(data: ChartData, language: str = "en") -> bytes:
    """A PNG in ``language``: the score (bands, alert markers, latest value) on top,
    then USD/JPY, BTC (log scale) and the super-long JGB yields, over the drawn range."""
    with i18n.use(language) as lang:
        prepare(lang)
        return png(figure(data))


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def figure(data: ChartData) -> Figure:
    """The chart as a matplotlib Figure (for :func:`png`; tests read its Text artists).
    Call inside ``i18n.use(language)`` after :func:`bot.charts.fonts.prepare`."""
    import matplotlib.ticker as mticker  # deferred on purpose, see module doc
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from bot.charts.axis_dates import local_date_axis  # imports matplotlib

    d = drawn(data)
    lo_ts, hi_ts = pd.Timestamp(d.first), pd.Timestamp(d.last)
    raw = _score_series(data)
    score = raw if d.step == "daily" else raw.resample(_rule(d.step)).mean().dropna()
    peaks = _resampled(raw, d.step, "max")
    panels = []
    for key in ("usdjpy", "btc"):
        s = data.series.get(key)
        if s is not None:
            s = _resampled(s.dropna().sort_index().loc[lo_ts:hi_ts], d.step, "last")
            if not s.empty:
                panels.append((key, s))
    jgb = {}
    for key in ("jgb.30y", "jgb.40y"):
        s = data.series.get(key)
        if s is not None:
            s = _resampled(s.dropna().sort_index().loc[lo_ts:hi_ts], d.step, "last")
            if not s.empty:
                jgb[key] = s
    rows = 1 + len(panels) + (1 if jgb else 0)
    fig = Figure(figsize=(6.5, 3.6 + 1.9 * (rows - 1)), dpi=120)
    FigureCanvasAgg(fig)  # headless: never a window
    axes = fig.subplots(
        rows, 1, sharex=True, gridspec_kw={"height_ratios": [2.2] + [1] * (rows - 1)}, squeeze=False
    )
    ax = axes[0][0]
    edges = [0.0, *sorted(f for f, _ in LEVEL_FLOORS), 100.0]
    for (lo, hi), level in zip(itertools.pairwise(edges), BAND_COLOURS, strict=True):
        ax.axhspan(lo, hi, color=BAND_COLOURS[level], zorder=0)
        ax.text(0.01, (lo + hi) / 2, level_word(level), transform=ax.get_yaxis_transform(),
                va="center", fontsize=FONT - 2, color="#555555")  # fmt: skip
    if d.step != "daily":  # the average as the line, each period's peak shaded
        ax.fill_between(peaks.index, 0, peaks.to_numpy(), color="#e57373", alpha=0.35,
                        lw=0, zorder=2)  # fmt: skip
    ax.plot(score.index, score.to_numpy(), color="#b71c1c", lw=1.6, zorder=3)
    _markers(ax, data.markers, peaks, d)
    last_x, last_y = raw.index[-1], float(raw.iloc[-1])
    ax.scatter([last_x], [last_y], color="#b71c1c", s=30, zorder=5)
    ax.annotate(
        _("{score} {level}").format(
            score=fmt(last_y, Unit.POINTS), level=level_word(level_for(last_y))
        ),
        (last_x, last_y), xytext=(-6, 10 if last_y < 80 else -18), textcoords="offset points",
        ha="right", fontsize=FONT + 1, color="#b71c1c", zorder=6,  # no bold: Noto ships Regular
    )  # fmt: skip
    ax.set_ylim(0, 100)
    ax.set_ylabel(_("stress (0–100)"), fontsize=FONT)
    title = ax.set_title(title_of(d), fontsize=FONT + 1, loc="left")
    if d.step != "daily":
        ax.text(0.01, 0.985, _(RESAMPLED_NOTE[d.step]), va="top",
                transform=ax.transAxes, fontsize=FONT - 3, color="#555555")  # fmt: skip
    row = 1
    for key, s in panels:
        sub = axes[row][0]
        row += 1
        sub.plot(s.index, s.to_numpy(), lw=1.2, color="#37474f")
        if key == "usdjpy":
            sub.set_ylabel(_("USD/JPY\nyen stronger ↓"), fontsize=FONT - 1)
            label = fmt(float(s.iloc[-1]), Unit.JPY)
        else:
            sub.set_yscale("log")
            sub.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: f"${v:,.0f}"))
            sub.yaxis.set_minor_formatter(mticker.NullFormatter())
            narrow = float(s.max()) < 3 * float(s.min())  # log ticks crowd a narrow range
            sub.yaxis.set_major_locator(
                mticker.MaxNLocator(4)
                if narrow
                else mticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0))
            )
            sub.set_ylabel(_("BTC (log scale)"), fontsize=FONT - 1)
            label = fmt(float(s.iloc[-1]), Unit.USD)
        _label_last(sub, s, label)
    if jgb:
        sub = axes[row][0]
        for key, s in jgb.items():
            sub.plot(s.index, s.to_numpy(), lw=1.2, label=_(JGB_LABEL[key]))
        last = list(jgb.values())[-1]
        _label_last(sub, last, fmt(float(last.iloc[-1]), Unit.YIELD))
        sub.set_ylabel(_("JGB yield %"), fontsize=FONT - 1)
        sub.legend(fontsize=FONT - 2, loc="upper left", frameon=False)
    for axrow in axes:
        axrow[0].tick_params(labelsize=FONT - 2)
        axrow[0].grid(alpha=0.25)
    if d.first == d.last:  # one day: give the axis a span so it can be labelled
        ax.set_xlim(lo_ts - pd.Timedelta(days=1), hi_ts + pd.Timedelta(days=1))
    local_date_axis(axes[-1][0].xaxis, maxticks=6)
    fig.tight_layout()
    _fit(title, fig)
    return fig


def _fit(text: Any, fig: Any) -> None:
    """Shrink ``text`` until it ends inside the figure: a Japanese title with two full
    dates is ~30 % wider than the English one."""
    room = fig.bbox.x1 - 4 - text.get_window_extent().x0
    width = text.get_window_extent().width
    if width > room > 0:
        text.set_fontsize(text.get_fontsize() * room / width)


def _label_last(ax: object, s: pd.Series, text: str) -> None:
    x, y = s.index[-1], float(s.iloc[-1])
    ax.scatter([x], [y], color="#37474f", s=14, zorder=5)  # type: ignore[attr-defined]
    ax.annotate(text, (x, y), xytext=(-4, 6), textcoords="offset points", ha="right",  # type: ignore[attr-defined]
                fontsize=FONT - 1, color="#263238")  # fmt: skip


def _markers(
    ax: object, markers: Sequence[tuple[dt.date, Level]], score: pd.Series, d: Drawn
) -> None:
    """One dot per alert on the score line, coloured by the alert's level."""
    for level in Level:
        days = [
            pd.Timestamp(day) for day, lv in markers if lv is level and d.first <= day <= d.last
        ]
        if not days:
            continue
        found = score.reindex(pd.DatetimeIndex(days), method="ffill")
        ys = np.nan_to_num(found.to_numpy(dtype=float), nan=0.0)
        ax.scatter(days, ys, color=MARKER_COLOURS[level], s=42, edgecolor="white",  # type: ignore[attr-defined]
                   linewidth=0.8, zorder=4,
                   label=_("{level} alert").format(level=level_word(level)))  # fmt: skip
    if markers:
        ax.legend(fontsize=FONT - 3, loc="upper right", frameon=False, ncol=2)  # type: ignore[attr-defined]
