"""A small chart of one rule over history: the series, its threshold and each firing.

Same approach as :mod:`bot.charts.score`: matplotlib's object API on an Agg
canvas (thread-safe, no window), imported only when a chart is drawn.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from signals.preview import Preview


@dataclass(frozen=True)
class RuleChartData:
    dates: np.ndarray  # datetime64[D], the days the indicator had a value
    values: np.ndarray
    preview: Preview
    label: str


def render_rule_chart(data: RuleChartData) -> bytes:
    """A PNG about 800×300: line, threshold (solid), clear level (dashed), firings (dots)."""
    import matplotlib.dates as mdates  # deferred on purpose, see module doc
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rule = data.preview.rule
    fig = Figure(figsize=(8, 3))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot(data.dates.astype("datetime64[D]"), data.values, lw=0.8, color="#37474f")
    ax.axhline(rule.threshold, color="#b71c1c", lw=1.0, label=f"threshold {rule.threshold:g}")
    if rule.clear != rule.threshold:
        ax.axhline(rule.clear, color="#b71c1c", lw=0.7, ls="--", label=f"clears {rule.clear:g}")
    fires = data.preview.fires
    if fires:
        ax.scatter(
            np.array([f.date for f in fires], dtype="datetime64[D]"),
            [f.value for f in fires],
            s=14,
            color="#e65100",
            zorder=3,
            label=f"fired ({len(fires)})",
        )
    ax.set_title(data.label, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="best")
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    fig.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.1)  # tight_layout costs ~0.1 s
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()
