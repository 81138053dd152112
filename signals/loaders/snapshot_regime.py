"""Undo a vendor's "opening snapshot" closes: the genuine close on its own market date.

Yahoo's USD/JPY file (``JPY=X``) changes meaning in Aug 2010: from then on a
row's ``Close`` equals its ``Open`` — a snapshot taken as that date opens in
London, i.e. roughly the *previous* New York close. A move that happens during
day D first shows in the row dated D+1 (the BoJ's 2022-12-20 band change shows
in the 2022-12-21 row, the 2024-07-31 hike in 2024-08-01). Before that, Close
is a genuine close. See ``docs/methodology.md`` ("Data: vendor timing").

The regime is read from the data, never from a date: a row belongs to the
snapshot regime when, in the 21 rows centred on it, at least 80 % have
``|Close/Open − 1| ≤ 0.1 %``. Genuine closes differ from the open by ~0.3 % on
a median day (≤ 0.1 % on fewer than one row in five); snapshot rows are within
0.1 % on ≥ 97 %. A lone Close == Open day in the genuine regime (a quiet day)
is left alone. In the snapshot regime the day's close is the NEXT row's
``Open`` (the next opening snapshot), when that row is at most
``MAX_NEXT_GAP_DAYS`` calendar days later (a weekend or a long weekend);
otherwise the close is unknown and the row is dropped, as is the file's last
row, whose close the file does not yet hold.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

NEAR_OPEN = 1e-3  # |Close/Open − 1| at or below this counts as "Close == Open"
WINDOW_ROWS = 21  # about a month of trading days, centred on the row
SNAPSHOT_SHARE = 0.8  # share of near-open rows in the window that marks the regime
MAX_NEXT_GAP_DAYS = 4  # Friday -> Tuesday after a holiday Monday

FloatArray = npt.NDArray[np.float64]


def snapshot_rows(open_: FloatArray, close: FloatArray) -> npt.NDArray[np.bool_]:
    """True where the row's Close is an opening snapshot (see the module docstring)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        near = np.abs(close / open_ - 1.0) <= NEAR_OPEN
    known = ~(np.isnan(open_) | np.isnan(close))
    share = (
        pd.Series(np.where(known, near.astype(float), np.nan))
        .rolling(WINDOW_ROWS, center=True, min_periods=WINDOW_ROWS // 2 + 1)
        .mean()
        .to_numpy()
    )
    out: npt.NDArray[np.bool_] = np.nan_to_num(share, nan=0.0) >= SNAPSHOT_SHARE
    return out


def genuine_close(dates: pd.DatetimeIndex, open_: FloatArray, close: FloatArray) -> FloatArray:
    """Each date's genuine close: its own Close, or in the snapshot regime the next Open.

    NaN where the snapshot regime holds but the next row is missing or too far
    away (the caller drops those rows). Inputs are not modified.
    """
    snap = snapshot_rows(open_, close)
    if not snap.any():
        return close.copy()
    next_open = np.full(close.size, np.nan)
    next_open[:-1] = open_[1:]
    gap = np.full(close.size, np.inf)
    day = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    gap[:-1] = (day[1:] - day[:-1]).astype(float)
    shifted = np.where(gap <= MAX_NEXT_GAP_DAYS, next_open, np.nan)
    out: FloatArray = np.where(snap, shifted, close)
    return out
