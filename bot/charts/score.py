"""The score chart: composite with level bands over the main series (matplotlib PNG).

Rendering takes tens of milliseconds; async callers run it in a worker thread
(``asyncio.to_thread``) so the event loop keeps serving chat updates. It uses
matplotlib's object API (``Figure`` + Agg canvas), which is safe in threads —
pyplot's global state is not — and imports matplotlib only when a chart is
drawn: it costs ~30 MB of memory that a bot which never charts need not pay.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from signals.levels import LEVEL_FLOORS

BAND_COLOURS = {"low": "#e8f5e9", "elevated": "#fff8e1", "high": "#ffe0b2", "severe": "#ffcdd2"}
PANELS: tuple[tuple[str, str], ...] = (
    ("jgb.30y", "JGB 30y %"),
    ("jgb.40y", "JGB 40y %"),
    ("usdjpy", "USD/JPY"),
    ("btc", "BTC $"),
)


@dataclass(frozen=True)
class ChartData:
    dates: pd.DatetimeIndex
    score: np.ndarray
    series: Mapping[str, pd.Series]  # raw observations by series name
    title: str


def render_score_chart(data: ChartData) -> bytes:
    """A PNG: the score with shaded level bands on top, one small panel per main series."""
    import matplotlib.dates as mdates  # deferred on purpose, see module doc
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = [(k, label) for k, label in PANELS if k in data.series and data.series[k].notna().any()]
    fig = Figure(figsize=(10, 3.2 + 1.4 * len(shown)))
    FigureCanvasAgg(fig)  # headless: never a window
    axes = fig.subplots(
        1 + len(shown),
        1,
        sharex=True,
        gridspec_kw={"height_ratios": [3] + [1] * len(shown)},
        squeeze=False,
    )
    ax = axes[0][0]
    edges = [0.0, *sorted(f for f, _ in LEVEL_FLOORS), 100.0]
    for (lo, hi), name in zip(itertools.pairwise(edges), BAND_COLOURS, strict=True):
        ax.axhspan(lo, hi, color=BAND_COLOURS[name], zorder=0)
        ax.text(
            0.005, (lo + hi) / 2, name, transform=ax.get_yaxis_transform(), va="center", fontsize=7
        )
    ax.plot(list(data.dates), np.asarray(data.score, dtype=float), color="#b71c1c", lw=1.2)
    ax.set_ylim(0, 100)
    ax.set_ylabel("stress score")
    ax.set_title(data.title)
    for row, (key, label) in enumerate(shown, start=1):
        sub = axes[row][0]
        s = data.series[key].dropna()
        sub.plot(s.index, s.to_numpy(), lw=0.9, color="#37474f")
        sub.set_ylabel(label, fontsize=8)
        sub.tick_params(labelsize=7)
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    axes[-1][0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()
