"""A small chart of one rule over history: the series, its threshold and each firing.

Same approach as :mod:`bot.charts.score`: matplotlib's object API on an Agg
canvas (thread-safe, no window), imported only when a chart is drawn. It is
drawn while someone waits for the ``/rule test`` reply (200 ms for text and
chart, ``bench/bench_rule_preview.py``), so it is kept cheap: the line is reduced
to each pixel column's first/min/max/last value (the picture is the same, spikes
included, at ~2,500 points instead of 16,000), the title sits at a fixed height
and the lines are labelled where they start instead of in a legend (matplotlib's
automatic placements measure every tick label and every data point), each worker
thread keeps one figure and updates its artists (no axes and ticks built anew), and
:func:`warm_up` pays matplotlib's import and font set-up once, when the bot
loads the history at start.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from bot import i18n
from bot.charts.fonts import prepare
from bot.i18n import _, ngettext
from signals.preview import Preview

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 3.0, 100  # an 800×300 PNG
LEFT, RIGHT, TOP, BOTTOM = 0.07, 0.98, 0.9, 0.1
PLOT_PX = int(WIDTH_IN * DPI * (RIGHT - LEFT))
RED, ORANGE = "#b71c1c", "#e65100"
LABEL_BOX = {"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 1.0}

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
    for extreme in (lows, highs):  # one point per column: the first that reaches it
        hits = np.flatnonzero(values == extreme[column])
        _, first = np.unique(column[hits], return_index=True)
        keep[hits[first]] = True
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


@dataclass
class _Canvas:
    """One figure per worker thread, its artists updated for each chart: building the
    axes and their ticks anew was ~40 % of a chart's time. matplotlib objects are not
    shared between threads, so each thread keeps its own (:data:`_local`)."""

    fig: Figure
    ax: Any
    line: Any
    threshold: Any
    clear: Any
    fires: Any
    title: Any
    threshold_label: Any
    clear_label: Any
    fired_label: Any


_local = threading.local()


def _canvas() -> _Canvas:
    canvas: _Canvas | None = getattr(_local, "canvas", None)
    if canvas is None:
        canvas = _local.canvas = _new_canvas()
    return canvas


def _new_canvas() -> _Canvas:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # deferred, see module doc
    from matplotlib.figure import Figure

    from bot.charts.axis_dates import local_date_axis

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((LEFT, BOTTOM, RIGHT - LEFT, TOP - BOTTOM))
    (line,) = ax.plot([], [], lw=0.8, color="#37474f")
    threshold = ax.axhline(0.0, color=RED, lw=1.0)
    clear = ax.axhline(0.0, color=RED, lw=0.7, ls="--")
    fires = ax.scatter(np.empty(0), np.empty(0), s=14, color=ORANGE, zorder=3)
    on_line = ax.get_yaxis_transform()
    labels = [
        ax.text(0.005, 0.0, "", transform=on_line, fontsize=7, color=RED, bbox=LABEL_BOX, zorder=4)
        for _ in range(2)
    ]
    fired = ax.text(0.005, 0.98, "", transform=ax.transAxes, va="top", fontsize=7,
                    color=ORANGE, bbox=LABEL_BOX, zorder=4)  # fmt: skip
    title = ax.set_title(" ", fontsize=9, y=1.0, pad=4)  # y: no auto-placement
    ax.tick_params(labelsize=7)
    local_date_axis(ax.xaxis)
    return _Canvas(fig, ax, line, threshold, clear, fires, title, labels[0], labels[1], fired)


def figure(data: RuleChartData) -> Figure:
    """The chart as a matplotlib Figure (for :func:`png`; tests read its Text artists):
    this thread's figure, redrawn for ``data``, valid until the thread's next chart.
    Call inside ``i18n.use(language)`` after :func:`bot.charts.fonts.prepare`; tick
    labels are written when the figure is drawn, in the language current then."""
    from matplotlib import dates as mdates

    from bot.render.rule_preview import rule_title

    c = _canvas()
    rule = data.preview.rule
    days, values = pixel_line(data.dates.astype("datetime64[D]"), data.values, PLOT_PX)
    c.line.set_data(mdates.date2num(days), values)  # type: ignore[no-untyped-call]
    up = rule.clear < rule.threshold  # fires upwards: the clear line sits below
    c.threshold.set_ydata([rule.threshold, rule.threshold])
    _line_label(c.threshold_label, rule.threshold, _("threshold {value}"), up)
    has_clear = rule.clear != rule.threshold
    c.clear.set_visible(has_clear)
    c.clear.set_ydata([rule.clear, rule.clear])
    c.clear_label.set_visible(has_clear)
    _line_label(c.clear_label, rule.clear, _("clears at {value}") if has_clear else "", not up)
    fires = data.preview.fires
    when = np.array([f.date for f in fires], dtype="datetime64[D]")
    x = mdates.date2num(when)  # type: ignore[no-untyped-call]
    c.fires.set_offsets(np.column_stack([x, [f.value for f in fires]]))
    n = len(fires)
    fired = ngettext("fired once", "fired {count} times", n).format(count=n)
    c.fired_label.set_text("● " + fired if n else "")
    c.fired_label.set_visible(bool(n))
    c.title.set_text(rule_title(data.preview))
    c.ax.relim(visible_only=True)  # the line and the visible horizontal lines
    c.ax.autoscale_view()
    return c.fig  # png(): zlib level 1 would save ~4 ms for ~20 % more bytes to upload


def _line_label(text: Any, y: float, template: str, above: bool) -> None:
    """Name a horizontal line where it starts (labels on the lines: no legend box to
    look up, and a third of a legend's drawing time)."""
    text.set_text(template.format(value=f"{y:g}"))
    text.set_y(y)
    text.set_verticalalignment("bottom" if above else "top")


def warm_up() -> None:
    """Import matplotlib, register the fonts and draw this thread's figure once in
    every language, so the first preview someone waits for costs what later ones do."""
    prepare()
    canvas = _canvas()
    for language in i18n.LANGUAGES:  # glyph caches for Latin and CJK alike
        with i18n.use(language):
            canvas.title.set_text(_("threshold {value}").format(value="1"))
            png(canvas.fig)
