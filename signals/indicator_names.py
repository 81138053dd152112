"""The names of each series' indicators (``jgb.40y.chg_5d_bp``, ``btc.drawdown_30d``).

Apart from :mod:`signals.indicators`, which computes them with numpy: parsing a
rule expression needs only the names, and ``carrywatch rules test`` answers
from its cache without importing numpy at all.
"""

from __future__ import annotations

from signals.config import Windows


def is_yield(series: str) -> bool:
    """Yields and spreads change in basis points; prices in percent."""
    return series.startswith(("jgb.", "ust.", "spread."))


def change_suffix(series: str, n: int) -> str:
    return f"chg_{n}d_bp" if is_yield(series) else f"chg_{n}d_pct"


def indicator_names(series: str, windows: Windows) -> tuple[str, ...]:
    """Names of the indicators computed for ``series`` (without the series prefix)."""
    names = ["", *(change_suffix(series, n) for n in windows.change)]
    names += [f"vol_{windows.vol}d", f"z_{windows.zscore_horizon}d", "z_1d"]
    if not is_yield(series):
        names.append(f"drawdown_{windows.drawdown}d")
    return tuple(names)


def indicator_key(series: str, suffix: str) -> str:
    """``jgb.40y`` + ``chg_5d_bp`` -> ``jgb.40y.chg_5d_bp``; the level is the bare name."""
    return f"{series}.{suffix}" if suffix else series
