"""One table of every series on the union of their dates, honestly gapped.

The panel is what the engine scores: one column per series, one row per date
any series was observed, NaN where a series was not observed that day (a
Tokyo holiday leaves ``jgb.*`` empty while USD/JPY trades). It is never
forward-filled here: carrying a stale value forward would make a closed
market look calm, and the engine already tracks each value's age to decide
what is stale.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import pandas as pd

Unit = Literal["%", "JPY", "USD", "pp"]

SPREAD_US_JP_10Y = "spread.us_jp_10y"
"""US 10y minus JGB 10y, percentage points: what the carry trade earns."""

SERIES_UNITS: dict[str, Unit] = {
    "usdjpy": "JPY",
    "btc": "USD",
    SPREAD_US_JP_10Y: "pp",
}
"""Units of the non-yield series; every ``jgb.*`` and ``ust.*`` is in percent."""

_YIELD = re.compile(r"^(jgb|ust)\.\d+[my]$")


def is_yield(series: str) -> bool:
    """True for yields and yield spreads, whose moves are read in basis points.

    Agrees with :func:`signals.indicators.is_yield`: prices (USD/JPY, BTC)
    move in percent instead.
    """
    return bool(_YIELD.match(series)) or series.startswith("spread.")


def unit_of(series: str) -> Unit:
    """The unit a series' values are quoted in; ValueError for an unknown name."""
    if series in SERIES_UNITS:
        return SERIES_UNITS[series]
    if _YIELD.match(series):
        return "%"
    if series.startswith("spread."):
        return "pp"
    raise ValueError(f"unknown series {series!r}; known: jgb.<tenor>, ust.<tenor>, usdjpy, btc")


def splice(primary: pd.DataFrame, secondary: pd.DataFrame) -> pd.DataFrame:
    """Extend ``primary`` with ``secondary`` only outside primary's date range.

    Inside [first, last] of primary, primary's rows are used as they are, gaps
    included; secondary only supplies dates strictly before primary's first or
    strictly after its last. Vendors are never interleaved day by day: two
    providers quote at different times and with different conventions, so
    alternating between them creates day-to-day "moves" that are only the
    difference between vendors. One vendor per stretch leaves a single seam
    at each end. Both frames must hold the same single column; neither is
    modified.
    """
    if list(primary.columns) != list(secondary.columns) or len(primary.columns) != 1:
        raise ValueError(
            "splice needs two frames with the same single column, got "
            f"{list(primary.columns)} and {list(secondary.columns)}"
        )
    primary = primary.dropna(how="all")
    if primary.empty:
        return secondary.copy()
    first, last = primary.index[0], primary.index[-1]
    outside = (secondary.index < first) | (secondary.index > last)
    spliced: pd.DataFrame = pd.concat([secondary.loc[outside], primary]).sort_index()
    spliced.index.name = "date"
    return spliced


def build_panel(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Outer-join ``frames`` on the union of their dates and add the US–JP spread.

    Columns must not repeat across frames (ValueError: which vendor wins must
    be decided by :func:`splice`, not by join order). ``spread.us_jp_10y`` =
    ``ust.10y - jgb.10y`` in percentage points, only on dates where both were
    observed that same day; elsewhere NaN. Never forward-fills.
    """
    seen: dict[str, int] = {}
    for i, frame in enumerate(frames):
        for column in frame.columns:
            if column in seen:
                raise ValueError(f"column {column!r} is in frame {seen[column]} and frame {i}")
            seen[str(column)] = i
    if not frames:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"), dtype="float64")
    panel = pd.concat(list(frames), axis=1, join="outer", sort=True).astype("float64")
    panel = panel.dropna(how="all")
    panel.index.name = "date"
    if "ust.10y" in panel.columns and "jgb.10y" in panel.columns:
        panel[SPREAD_US_JP_10Y] = panel["ust.10y"] - panel["jgb.10y"]
    return panel
