"""The score chart on real data: 30 days, one year, the full history and an empty range.

The PNGs were looked at by eye while building (issue 10); these tests pin what can be
checked by machine: the title names the dates actually drawn, long ranges are
resampled, the picture is wide enough to read at 390 px, and an empty range is an
error instead of an empty chart with a 1970 axis.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from bot.charts.score import ChartData, NoChartData, drawn, render_score_chart, title_of
from bot.history.loader import load_history_panel
from signals.engine import score_history
from signals.levels import Level

END = dt.date(2024, 8, 5)


@functools.cache
def _full(history_dir: Path) -> tuple[pd.DataFrame, pd.Series]:
    panel = load_history_panel(history_dir)
    scored = score_history(panel)
    return panel, pd.Series(scored.score, index=pd.DatetimeIndex(scored.dates))


def data_between(history_dir: Path, start: dt.date, end: dt.date) -> ChartData:
    panel, score = _full(history_dir)
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    s = score.loc[lo:hi]
    series = {k: panel[k].loc[lo:hi] for k in ("usdjpy", "btc", "jgb.30y", "jgb.40y")}
    markers = ((dt.date(2024, 8, 2), Level.HIGH), (dt.date(2024, 8, 5), Level.SEVERE))
    return ChartData(s.index, s.to_numpy(), series, markers=markers)


def pixels(png: bytes) -> tuple[int, int]:
    image = mpimg.imread(io.BytesIO(png), format="png")
    return int(image.shape[1]), int(image.shape[0])


@pytest.mark.parametrize(
    ("days", "step"), [(30, "daily"), (365, "daily"), (None, "quarterly")], ids=["30d", "1y", "all"]
)
def test_ranges_render_with_titles_from_the_data_drawn(
    history_dir: Path, days: int | None, step: str
) -> None:
    start = END - dt.timedelta(days=days) if days else dt.date(1900, 1, 1)
    data = data_between(history_dir, start, END)
    shown = drawn(data)
    first_scored = data.dates[~np.isnan(np.asarray(data.score, dtype=float))][0].date()
    assert shown.first == first_scored and shown.last == END  # not the range asked for
    assert shown.step == step
    title = title_of(shown)  # English here; zh and ja in test_chart_languages
    assert title.endswith("Aug 5, 2024") if step == "daily" else title.endswith("Aug 2024")
    assert f"{shown.first:%b}" in title and (days is not None or f"{shown.first.year}" in title)
    png = render_score_chart(data)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = pixels(png)
    assert 700 <= width <= 900  # ~2x Telegram's 390 px: 12 pt text stays ~10 px there
    assert height > width  # stacked panels, phone-shaped


def test_a_year_and_more_is_resampled(history_dir: Path) -> None:
    """Two years become weekly points, the full history quarterly: never 16,000 points."""
    two_years = drawn(data_between(history_dir, END - dt.timedelta(days=730), END))
    assert two_years.step == "weekly"


def test_an_empty_range_is_an_error_not_an_empty_chart(history_dir: Path) -> None:
    data = data_between(history_dir, dt.date(1960, 1, 1), dt.date(1960, 12, 31))
    with pytest.raises(NoChartData):
        render_score_chart(data)
