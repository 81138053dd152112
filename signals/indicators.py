"""Per-series indicators: level, changes, realised volatility, z-score, drawdown.

Every window statistic is computed row by row over ``sliding_window_view`` with a
fixed pairwise summation order (``window_sum``), so the value for a day depends
only on the values inside its window — never on how much history came before.
That is what lets the incremental (live) path, which keeps only the last
``Windows.lookback`` observations, agree bit for bit with the full-history pass.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from signals.config import Windows
from signals.indicator_names import change_suffix, indicator_key, indicator_names, is_yield

__all__ = [
    "SAME_DAY",
    "change_suffix",
    "compute_indicators",
    "indicator_key",
    "indicator_names",
    "is_yield",
]

FloatArray = np.ndarray

# Smallest daily volatility used to scale a z-score. Under yield-curve control the
# 10y barely moved for months; without a floor any tick would be "20σ".
_SIGMA_FLOOR_BP = 0.5
_SIGMA_FLOOR_PCT = 0.05


_BLOCK_VALUES = 1 << 18  # values per block of windows in rolling_std (2 MB of float64)

SAME_DAY = ("z_1d",)
"""Indicators that describe the move of the value's own market date only: they are
used on that date and never carried to a later one (a Friday shock is not Saturday's)."""


def window_sum(rows: FloatArray) -> FloatArray:
    """Sum each row of a 2-D array in a fixed pairwise order.

    numpy's own reductions may change their order with the array's shape; this
    one performs the same additions for a row whether it is alone or one of
    thousands, so results are reproducible across the two engine paths.

    Each level adds neighbours pairwise; an odd element at the end of a level
    is added to 0.0. Padding the row with zeros to a power of two once gives
    exactly those additions (``x + 0.0`` is ``x``; the extra zeros only meet
    each other), without a copy per level.
    """
    width = rows.shape[1]
    full = 1 << max(width - 1, 0).bit_length()
    v = rows
    if full != width:
        v = np.zeros((rows.shape[0], full))
        v[:, :width] = rows
    while v.shape[1] > 1:
        v = v[:, 0::2] + v[:, 1::2]
    return v[:, 0]


def _pad_front(values: FloatArray, length: int) -> FloatArray:
    out = np.full(length, np.nan)
    if values.size:
        out[length - values.size :] = values
    return out


def _windows(x: FloatArray, window: int, last: int | None) -> FloatArray:
    """The trailing windows of ``x`` as rows: every one, or the final ``last``.

    The live path wants one or two; slicing them is far cheaper than a sliding view.
    """
    if last == 1:
        return x[None, -window:]
    if last == 2 and x.size > window:
        return np.array((x[-window - 1 : -1], x[-window:]))
    return sliding_window_view(x if last is None else x[-(window + last - 1) :], window)


def rolling_std(x: FloatArray, window: int, last: int | None = None) -> FloatArray:
    """Sample standard deviation over the trailing ``window`` values (NaN before).

    ``last`` computes only the final ``last`` windows (the live path needs one);
    each window's value is the same either way.
    """
    n = x.size
    if n < window:
        return np.full(n, np.nan)
    rows = _windows(x, window, last)
    # A block of windows at a time: fifty years of 250-day windows are 4M values,
    # and the temporaries of whole-array passes (the padded copy, deviations,
    # squares, each pairwise level) would not stay in cache. Each window's
    # arithmetic is the same, so the result is too (bit for bit).
    block = max(1, _BLOCK_VALUES // window)
    std = np.empty(rows.shape[0])
    for lo in range(0, rows.shape[0], block):
        part = rows[lo : lo + block]
        mean = window_sum(part) / window
        dev = part - mean[:, None]
        std[lo : lo + block] = np.sqrt(window_sum(dev * dev) / (window - 1))
    return _pad_front(std, n)


def rolling_max(x: FloatArray, window: int, last: int | None = None) -> FloatArray:
    if x.size < window:
        return np.full(x.size, np.nan)
    return _pad_front(_windows(x, window, last).max(axis=1), x.size)


def change(x: FloatArray, n: int, in_bp: bool) -> FloatArray:
    out = np.full(x.size, np.nan)
    if x.size > n:
        if in_bp:
            out[n:] = (x[n:] - x[:-n]) * 100.0
        else:
            out[n:] = (x[n:] / x[:-n] - 1.0) * 100.0
    return out


def compute_indicators(
    series: str, x: FloatArray, windows: Windows, last: int | None = None
) -> dict[str, FloatArray]:
    """All indicators of one series over its own observations (no gaps, no NaN).

    Returns arrays as long as ``x``; NaN where the window is not yet full. With
    ``last``, window statistics are computed only for the final ``last`` positions
    (the live path) — the values there are identical, earlier ones are NaN.
    """
    in_bp = is_yield(series)
    out: dict[str, FloatArray] = {"": x}
    changes = {n: change(x, n, in_bp) for n in {*windows.change, 1, windows.zscore_horizon}}
    for n in windows.change:
        out[change_suffix(series, n)] = changes[n]
    daily = changes[1]
    out[f"vol_{windows.vol}d"] = _pad_front(rolling_std(daily[1:], windows.vol, last), x.size)
    # the last ``last + 1`` windows: today's σ for z_5d, yesterday's for z_1d
    sigma = _pad_front(
        rolling_std(daily[1:], windows.zscore, None if last is None else last + 1), x.size
    )
    floor = _SIGMA_FLOOR_BP if in_bp else _SIGMA_FLOOR_PCT
    horizon = windows.zscore_horizon
    scaled = np.fmax(sigma, floor) * math.sqrt(horizon)
    scaled[np.isnan(sigma)] = np.nan
    out[f"z_{horizon}d"] = changes[horizon] / scaled
    # One-day surprise: today's change in σ of the 250 daily changes BEFORE today,
    # so that the shock does not widen its own yardstick.
    sigma_prev = np.full(x.size, np.nan)
    sigma_prev[1:] = sigma[:-1]
    scaled_1d = np.fmax(sigma_prev, floor)
    scaled_1d[np.isnan(sigma_prev)] = np.nan
    out["z_1d"] = daily / scaled_1d
    if not in_bp:
        out[f"drawdown_{windows.drawdown}d"] = (
            x / rolling_max(x, windows.drawdown, last) - 1.0
        ) * 100.0
    return out
