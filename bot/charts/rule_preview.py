"""A small chart of one rule over history: the series, its threshold and each firing.

Same approach as :mod:`bot.charts.score`: matplotlib's object API on an Agg
canvas (thread-safe, no window), imported only when a chart is drawn. It is
drawn while someone waits for the ``/rule test`` reply (200 ms for text and
chart, ``bench/bench_rule_preview.py``), so it is kept cheap: the line is reduced
to each pixel column's first/min/max/last value (the picture is the same, spikes
included, at ~1,500 points instead of 16,000), the title sits at a fixed height
and the legend in a fixed corner (matplotlib's automatic placements measure every
tick label and every data point), and :func:`warm_up` pays matplotlib's import
and font set-up once, when the bot loads the history.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot import i18n
from bot.charts.fonts import prepare
from bot.i18n import _, ngettext
from signals.preview import Preview

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 3.0, 100  # an 800×300 PNG
LEFT, RIGHT, TOP, BOTTOM = 0.07, 0.98, 0.9, 0.1
PLOT_PX = int(WIDTH_IN * DPI * (RIGHT - LEFT))

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class RuleChartData:
    dates: np.ndarray  # datetime64[D], the days the indicator had a value
    values: np.ndarray
    preview: Preview


def pixel_line(days: np.ndarray, values: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """The line as Agg would draw it ``columns`` pixels wide: per column the first,
    lowest, highest and last points. Short series come back as they are."""
    n = len(values)
    if n <= 4 * columns:
        return days, values
    bounds = np.linspace(0, n, columns + 1).astype(int)
    keep = np.zeros(n, dtype=bool)
    keep[bounds[:-1]] = True  # first of each column
    keep[bounds[1:] - 1] = True  # last
    lows = np.minimum.reduceat(values, bounds[:-1])
    highs = np.maximum.reduceat(values, bounds[:-1])
    column = np.repeat(np.arange(columns), np.diff(bounds))
    first_low = np.flatnonzero(values == lows[column])
    first_high = np.flatnonzero(values == highs[column])
    keep[first_low] = True
    keep[first_high] = True
    return days[keep], values[keep]


def render_rule_chart(data: RuleChartData, language: str = "en") -> bytes:
    """A PNG 800×300 in ``language``: line, threshold (solid), clear level (dashed),
    firings (dots). ``language`` is explicit: this runs in a worker thread."""
    with i18n.use(language) as lang:
        prepare(lang)
        return png(figure(data))


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def figure(data: RuleChartData) -> Figure:
    """The chart as a matplotlib Figure (for :func:`png`; tests read its Text artists).
    Call inside ``i18n.use(language)`` after :func:`bot.charts.fonts.prepare`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # deferred, see module doc
    from matplotlib.figure import Figure

    from bot.charts.axis_dates import local_date_axis
    from bot.render.rule_preview import rule_title

    rule = data.preview.rule
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((LEFT, BOTTOM, RIGHT - LEFT, TOP - BOTTOM))
    days, values = pixel_line(data.dates.astype("datetime64[D]"), data.values, PLOT_PX)
    ax.plot(days, values, lw=0.8, color="#37474f")
    ax.axhline(
        rule.threshold,
        color="#b71c1c",
        lw=1.0,
        label=_("threshold {value}").format(value=f"{rule.threshold:g}"),
    )
    if rule.clear != rule.threshold:
        ax.axhline(
            rule.clear,
            color="#b71c1c",
            lw=0.7,
            ls="--",
            label=_("clears at {value}").format(value=f"{rule.clear:g}"),
        )
    fires = data.preview.fires
    if fires:
        n = len(fires)
        ax.scatter(
            np.array([f.date for f in fires], dtype="datetime64[D]"),
            [f.value for f in fires],
            s=14,
            color="#e65100",
            zorder=3,
            label=ngettext("fired once", "fired {count} times", n).format(count=n),
        )
    ax.set_title(rule_title(data.preview), fontsize=9, y=1.0, pad=4)  # y: no auto-placement
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="upper left", framealpha=0.8)
    local_date_axis(ax.xaxis)
    return fig  # png(): zlib level 1 would save ~4 ms for ~20 % more bytes to upload


def warm_up() -> None:
    """Import matplotlib, register the fonts and draw one throwaway chart, so the
    first preview someone waits for costs what every later one does."""
    prepare()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    for language in i18n.LANGUAGES:  # glyph caches for Latin and CJK alike
        with i18n.use(language):
            fig = Figure(figsize=(2, 1), dpi=DPI)
            FigureCanvasAgg(fig)
            ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
            ax.plot([0, 1], [0, 1])
            ax.set_title(_("threshold {value}").format(value="1"))
            fig.savefig(io.BytesIO(), format="png", dpi=DPI)
