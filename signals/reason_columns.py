"""Each component's reason text over a range of days, column by column.

The words are :mod:`signals.explain`'s, written for every day of a range at
once from the aligned arrays (:mod:`signals.explain_columns` puts them into
the day columns); ``tests/signals/test_explain_columns.py`` holds the two to
the same text on every day of the real history.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from signals.components import (
    ComponentSpec,
    comovement_parts,
    joint_strength,
    still_moving,
    two_markets_stressed,
)
from signals.config import EngineConfig
from signals.engine import ScoredHistory
from signals.explain import _shock_text
from signals.indicators import change_suffix

_TENOR_LABEL = {"jgb.10y": "10y", "jgb.20y": "20y", "jgb.30y": "30y", "jgb.40y": "40y"}
_CO_NAMES = ("yen up", "BTC down", "JGB yields moving")
_SHOCK_LABEL = {
    "usdjpy": "USD/JPY",
    "btc": "BTC",
    "spread.us_jp_10y": "US–JP 10y gap",
    **{k: f"{v} JGB" for k, v in _TENOR_LABEL.items()},
}

Column = list[float | None]


def _bp(v: float) -> str:
    return f"{v:+.1f} bp" if abs(v) < 10 else f"{v:+.0f} bp"


def as_optional(values: np.ndarray | None, n: int) -> Column:
    """Array → list with None for NaN (and for a missing indicator).

    The NaN days are found by numpy and patched, not tested one by one.
    """
    if values is None:
        return [None] * n
    out: Column = values.tolist()
    for j in np.flatnonzero(np.isnan(values)).tolist():
        out[j] = None
    return out


class DayRange:
    """The history's arrays cut to ``[lo, hi)``, converted to lists on first use."""

    def __init__(self, history: ScoredHistory, lo: int, hi: int) -> None:
        self.h, self.lo, self.hi, self.n = history, lo, hi, hi - lo
        self._cache: dict[str, Column] = {}

    def col(self, key: str) -> Column:
        if key not in self._cache:
            arr = self.h.inputs.get(key)
            self._cache[key] = as_optional(None if arr is None else arr[self.lo : self.hi], self.n)
        return self._cache[key]


def _move_reasons(r: DayRange, series: Sequence[str], skip: list[bool]) -> list[str]:
    """``"40y JGB +12 bp in 5 days (+2.1σ), now 3.512%"`` with the tenor chosen per day."""
    # each tenor's columns looked up once, not once per day
    columns = {
        name: (f"{_TENOR_LABEL.get(name, name)} JGB ", *_move_columns(r, name))
        for name in dict.fromkeys(series)
    }
    out = []
    for j, (name, dropped) in enumerate(zip(series, skip, strict=True)):
        if dropped:
            out.append("")
            continue
        head, chg_col, z_col, level_col = columns[name]
        chg, z, level = chg_col[j] or 0.0, z_col[j], level_col[j]
        text = (
            f"{head}{chg:+.1f} bp in 5 days" if abs(chg) < 10 else f"{head}{chg:+.0f} bp in 5 days"
        )
        if z is not None:
            text += f" ({z:+.1f}σ)"
        if level is not None:
            text += f", now {level:.3f}%"
        out.append(text)
    return out


def _move_columns(r: DayRange, name: str) -> tuple[Column, Column, Column]:
    return r.col(f"{name}.chg_5d_bp"), r.col(f"{name}.z_5d"), r.col(name)


def _superlong_series(r: DayRange, cfg: EngineConfig) -> list[str]:
    """Per day, the super-long tenor that moved most in 5 days, either way (the last if none).

    The first tenor wins a tie (``argmax``); a tenor without data never wins.
    """
    tenors = cfg.superlong_tenors
    moves = np.full((len(tenors), r.n), -np.inf)
    for k, t in enumerate(tenors):
        chg = r.h.inputs.get(f"{t}.chg_5d_bp")
        if chg is not None:
            moves[k] = np.where(np.isnan(chg[r.lo : r.hi]), -np.inf, np.abs(chg[r.lo : r.hi]))
    best = np.argmax(moves, axis=0)
    best[np.isneginf(moves.max(axis=0, initial=-np.inf))] = len(tenors) - 1
    return [tenors[k] for k in best.tolist()]


def _drawdown_shares(r: DayRange, series: str, full_at: float) -> Column:
    """How much each day's drawdown still counts (see components.still_moving)."""
    chg = r.h.inputs.get(f"{series}.chg_5d_pct")
    if chg is None:
        return [None] * r.n
    return as_optional(still_moving(chg[r.lo : r.hi], full_at), r.n)


def _drawdown_text(dd: float, share: float | None) -> str:
    text = f", {abs(dd):.1f}% below its 30-day high"
    if share is not None and share < 1.0:
        text += (
            " (no longer falling: drawdown not counted)"
            if share == 0
            else (f" (counted {share:.0%}: falling slower)")
        )
    return text


def _yen_reasons(r: DayRange, cfg: EngineConfig, skip: list[bool]) -> list[str]:
    out = []
    cols = zip(
        r.col("usdjpy.chg_5d_pct"),
        r.col("usdjpy.z_5d"),
        r.col("usdjpy.drawdown_30d"),
        r.col("usdjpy"),
        _drawdown_shares(r, "usdjpy", cfg.yen_drawdown_live),
        skip,
        strict=True,
    )
    for chg, z, dd, lvl, share, dropped in cols:
        if dropped:
            out.append("")
            continue
        text = f"USD/JPY {(chg or 0.0):+.1f}% in 5 days"
        if z is not None:
            text += f" ({z:+.1f}σ)"
        if dd is not None:
            text += _drawdown_text(dd, share)
        if lvl is not None:
            text += f", at {lvl:.2f}"
        out.append(text)
    return out


def _gap_reasons(r: DayRange, skip: list[bool]) -> list[str]:
    out = []
    for chg, lvl, dropped in zip(
        r.col("spread.us_jp_10y.chg_20d_bp"), r.col("spread.us_jp_10y"), skip, strict=True
    ):
        if dropped:
            out.append("")
            continue
        text = f"US–JP 10y gap {_bp(chg or 0.0)} in 20 days"
        if lvl is not None:
            text += f", now {lvl:.2f} pp"
        out.append(text)
    return out


def _btc_reasons(r: DayRange, cfg: EngineConfig, skip: list[bool]) -> list[str]:
    out = []
    for chg, dd, lvl, share, dropped in zip(
        r.col("btc.chg_5d_pct"),
        r.col("btc.drawdown_30d"),
        r.col("btc"),
        _drawdown_shares(r, "btc", cfg.btc_drawdown_live),
        skip,
        strict=True,
    ):
        if dropped:
            out.append("")
            continue
        text = f"BTC {(chg or 0.0):+.1f}% in 5 days"
        if dd is not None:
            text += _drawdown_text(dd, share)
        if lvl is not None:
            text += f", at ${lvl:,.0f}"
        out.append(text)
    return out


def _comovement_reasons(r: DayRange, cfg: EngineConfig, skip: list[bool]) -> list[str]:
    needed = {
        k: a[r.lo : r.hi] for k, a in r.h.inputs.items() if k.endswith(("chg_5d_bp", "chg_5d_pct"))
    }
    arrays = comovement_parts(needed, cfg, r.n)
    parts = [p.tolist() for p in arrays]
    # most days no market moves (NaN counts as not moving): one sentence for all of them
    still = ~np.logical_or.reduce([p > 0 for p in arrays]) if arrays else np.ones(r.n, bool)
    out = []
    for day, quiet, dropped in zip(zip(*parts, strict=True), still.tolist(), skip, strict=True):
        if dropped:
            out.append("")
            continue
        if quiet:
            out.append("markets not moving together")
            continue
        moving = [
            f"{n} ({p:.0%} of full)"
            for n, p in zip(_CO_NAMES, day, strict=True)
            if not math.isnan(p) and p > 0
        ]
        if len(moving) >= 2:
            out.append(f"{len(moving)} of 3 markets moving together: " + ", ".join(moving))
        else:
            out.append("markets not moving together" + (f" (only {moving[0]})" if moving else ""))
    return out


def _strongest_shocks(r: DayRange, cfg: EngineConfig) -> tuple[list[int], list[float]]:
    """Per day, the index of the shock rule closest to (or past) a shock, and its strength.

    :func:`signals.shock_facts.strongest_shock` over whole columns: the same
    arithmetic per rule, the first rule winning a tie; -1 where no rule has data.
    """
    best = np.full(r.n, -1)
    best_s = np.full(r.n, -np.inf)
    for k, rule in enumerate(cfg.shocks):
        za = r.h.inputs.get(f"{rule.series}.z_1d")
        ca = r.h.inputs.get(f"{rule.series}.{change_suffix(rule.series, 1)}")
        if za is None or ca is None:
            continue
        z, chg = za[r.lo : r.hi], ca[r.lo : r.hi]
        if rule.direction == 0:
            z, chg = np.abs(z), np.abs(chg)
        elif rule.direction < 0:
            z, chg = -z, -chg
        strength = np.minimum(z / rule.sigmas, chg / rule.floor)
        better = strength > best_s  # False where NaN: a rule without today's data is skipped
        best = np.where(better, k, best)
        best_s = np.where(better, strength, best_s)
    return best.tolist(), best_s.tolist()


def _shock_reasons(r: DayRange, cfg: EngineConfig, skip: list[bool]) -> list[str]:
    """The market closest to (or past) a one-day shock, per day."""
    out = []
    sliced = {
        key: arr[r.lo : r.hi]
        for key, arr in r.h.inputs.items()
        if key.endswith(("_1d", "_1d_bp", "_1d_pct"))
    }
    joint = np.full(r.n, -np.inf)
    for js in cfg.joint_shocks:
        joint = np.fmax(joint, joint_strength(sliced, js, r.n))
    two = np.zeros(r.n, dtype=bool)
    if cfg.stressed_shocks:
        whole = {key: arr[r.lo : r.hi] for key, arr in r.h.inputs.items()}
        two = two_markets_stressed(whole, cfg, r.n)
    words: dict[int, tuple[str, bool, Column, Column, str, str]] = {}
    for j, (k, strength, dropped) in enumerate(zip(*_strongest_shocks(r, cfg), skip, strict=True)):
        if dropped:
            out.append("")
            continue
        if two[j] or (joint[j] >= 1.0 and strength < 1.0):  # rare: the scalar path's words
            out.append(_shock_text(r.h.inputs, r.lo + j, cfg))
            continue
        if k < 0 or strength <= 0:
            out.append("no market moved sharply the stress way today")
            continue
        if k not in words:
            words[k] = _shock_words(r, cfg, k)
        label, in_bp, chg_col, z_col, held, needs = words[k]
        chg, z = chg_col[j] or 0.0, z_col[j] or 0.0
        move = _bp(chg) if in_bp else f"{chg:+.1f}%"
        out.append(
            f"{label} {move} today ({z:+.1f}σ of 250 days){held if strength >= 1.0 else needs}"
        )
    return out


def _shock_words(
    r: DayRange, cfg: EngineConfig, k: int
) -> tuple[str, bool, Column, Column, str, str]:
    """What one shock rule's sentence needs, looked up once: its label, unit, the
    change and z columns, and the two endings (a shock / how far from one)."""
    best = cfg.shocks[k]
    unit = "bp" if best.series.startswith(("jgb.", "spread.")) else "%"
    chg = r.col(f"{best.series}.{'chg_1d_bp' if unit == 'bp' else 'chg_1d_pct'}")
    return (
        _SHOCK_LABEL.get(best.series, best.series),
        unit == "bp",
        chg,
        r.col(f"{best.series}.z_1d"),
        f": a one-day shock, score held at {cfg.shock_floor:.0f}+",
        f"; a shock needs {best.sigmas:.0f}σ and {best.floor:g} {unit}",
    )


def available_reasons(
    spec: ComponentSpec, r: DayRange, cfg: EngineConfig, skip: list[bool]
) -> list[str]:
    """The component's reason on each day, ``""`` on the ``skip`` days (it is dropped
    there, and :func:`unavailable_reasons` says why): BTC is missing on three days
    in four of fifty years, the JGB and rate-gap series on one in four."""
    if spec.name == "jgb_superlong":
        return _move_reasons(r, _superlong_series(r, cfg), skip)
    if spec.name == "jgb_10y":
        return _move_reasons(r, ["jgb.10y"] * r.n, skip)
    if spec.name == "yen_squeeze":
        return _yen_reasons(r, cfg, skip)
    if spec.name == "rate_gap":
        return _gap_reasons(r, skip)
    if spec.name == "crypto_liquidation":
        return _btc_reasons(r, cfg, skip)
    if spec.name == "day_shock":
        return _shock_reasons(r, cfg, skip)
    return _comovement_reasons(r, cfg, skip)


def unavailable_reasons(spec: ComponentSpec, r: DayRange, days: list[int]) -> list[str]:
    """Why the component is dropped on each of ``days`` (offsets into the range)."""
    h = r.h
    at = np.asarray(days, dtype=int) + r.lo  # only the dropped days are formatted
    series = spec.series
    # per day: the first stale series (its index, -1 if none), and which series have
    # no data as bits of one integer, so that each pattern's words are written once
    first_stale = np.full(at.size, -1)
    for k in reversed(range(len(series))):
        if series[k] in h.stale:
            first_stale = np.where(h.stale[series[k]][at], k, first_stale)
    missing = np.zeros(at.size, dtype=np.int64)
    for k, name in enumerate(series):
        absent = np.isnat(h.data_dates[name][at]) if name in h.data_dates else True
        missing |= np.where(absent, 1 << k, 0)
    texts: dict[int, str] = {}
    out = []
    for j, (k, bits) in enumerate(zip(first_stale.tolist(), missing.tolist(), strict=True)):
        if k >= 0:
            out.append(_stale_text(h, series[k], int(at[j])))
        elif (text := texts.get(bits)) is not None:
            out.append(text)
        else:
            names = [name for b, name in enumerate(series) if bits >> b & 1]
            text = f"no data for {', '.join(names) or ', '.join(series)}; dropped"
            out.append(texts.setdefault(bits, text))
    return out


def _stale_text(h: ScoredHistory, name: str, i: int) -> str:
    seen = h.data_dates[name][i : i + 1]
    age = (h.dates[i : i + 1] - seen).astype("timedelta64[D]").astype(float)[0]
    day = np.datetime_as_string(seen, unit="D")[0]
    return f"stale: {name} last seen {day} ({int(age)} days old); dropped"
