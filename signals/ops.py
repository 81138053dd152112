"""The element-wise operations the component maths is written in, twice.

The component functions (:mod:`signals.components`) take an ``ops`` argument
and use only these operations plus ``+ - * /`` and comparisons, so one
definition of the maths runs on whole columns (``ARRAY``, numpy: the backtest,
fifty years at once) and on one date as plain Python floats (``SCALAR``: the
live path, where a numpy call on a length-1 array costs more than the
arithmetic). Both follow IEEE-754 double arithmetic with numpy's NaN rules
(``minimum``/``maximum`` propagate NaN, ``fmin``/``fmax`` ignore it), so the
two give the same bits; ``tests/signals/test_ops.py`` holds them to that on
NaN, infinities and signed zeros, and the incremental-vs-vectorised property
test on real history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

# A column (np.ndarray) for ARRAY, a float (or bool) for SCALAR. The maths is
# the same text for both, so it is typed loosely here and checked by tests.
Num = Any
# What a snapshot reads row ``i`` of: a numpy column, or a one-row tuple (live).
Column = Any

# The scalar versions test ``x != x`` for NaN (the one value unequal to itself):
# cheaper than a call to math.isnan on the live path's every operation.


def _s_minimum(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    return a if a <= b else b


def _s_maximum(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    return a if a >= b else b


def _s_fmin(a: float, b: float) -> float:
    if a != a:
        return b
    if b != b:
        return a
    return a if a <= b else b


def _s_fmax(a: float, b: float) -> float:
    if a != a:
        return b
    if b != b:
        return a
    return a if a >= b else b


def _s_where(cond: bool, a: float, b: float) -> float:
    return a if cond else b


def _s_isnan(a: float) -> bool:
    return a != a


def _s_not(a: bool) -> bool:
    return not a


def _s_sqrt(a: float) -> float:
    return math.sqrt(a) if a >= 0.0 else math.nan


def _s_nan(n: int) -> float:
    return math.nan


def _s_zeros(n: int) -> float:
    return 0.0


def _s_div(a: float, b: float) -> float:
    """``a / b`` with numpy's results for a zero divisor (the composite's 0/0)."""
    if b == 0.0:
        if a != a or a == 0.0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _a_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out: np.ndarray = np.divide(a, b)
    return out


def _a_sqrt(a: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        out: np.ndarray = np.sqrt(a)
    return out


@dataclass(frozen=True, slots=True)
class Ops:
    """One implementation of the operations; see the module docstring."""

    minimum: Any
    maximum: Any
    fmin: Any
    fmax: Any
    where: Any
    isnan: Any
    not_: Any
    abs: Any
    sqrt: Any
    div: Any
    nan: Any  # nan(n): n NaNs (one NaN for SCALAR)
    zeros: Any


ARRAY = Ops(
    minimum=np.minimum,
    maximum=np.maximum,
    fmin=np.fmin,
    fmax=np.fmax,
    where=np.where,
    isnan=np.isnan,
    not_=np.logical_not,
    abs=np.abs,
    sqrt=_a_sqrt,
    div=_a_div,
    nan=lambda n: np.full(n, np.nan),
    zeros=np.zeros,
)

SCALAR = Ops(
    minimum=_s_minimum,
    maximum=_s_maximum,
    fmin=_s_fmin,
    fmax=_s_fmax,
    where=_s_where,
    isnan=_s_isnan,
    not_=_s_not,
    abs=abs,
    sqrt=_s_sqrt,
    div=_s_div,
    nan=_s_nan,
    zeros=_s_zeros,
)
