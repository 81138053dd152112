"""Component scores (0–100) from fresh indicator arrays.

Each function works element-wise on equal-length arrays, so one date (the live
path, arrays of length 1) and fifty years (the backtest) run the same
operations in the same order and agree exactly. NaN means "not available".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from signals.config import EngineConfig, JointShock, MoveRamps, Ramp, ShockRule, StressedShock
from signals.indicators import change_suffix

FloatArray = np.ndarray
Inputs = Mapping[str, FloatArray]


def ramp(x: FloatArray, r: Ramp) -> FloatArray:
    """0 at ``r.start``, 100 at ``r.full``, linear between, clipped; NaN stays NaN."""
    # minimum/maximum rather than np.clip: same values (NaN included), far less overhead
    out: FloatArray = np.minimum(np.maximum((x - r.start) / (r.full - r.start), 0.0), 1.0) * 100.0
    return out


def _move(chg: FloatArray, z: FloatArray, ramps: MoveRamps) -> FloatArray:
    """Half size, half surprise; size alone while the z-score window fills.

    JGB yields count either way: a sell-off is a supply/fiscal or BoJ shock, a
    sharp rally the flight to safety of an unwind (Aug 2007, Mar 2011, Aug 2024).
    """
    chg, z = np.abs(chg), np.abs(z)
    by_size = ramp(chg, ramps.change)
    out: FloatArray = np.where(np.isnan(z), by_size, 0.5 * by_size + 0.5 * ramp(z, ramps.zscore))
    return out


def _get(inputs: Inputs, key: str, n: int) -> FloatArray:
    value = inputs.get(key)
    return value if value is not None else np.full(n, np.nan)


def jgb_superlong(inputs: Inputs, cfg: EngineConfig, n: int) -> FloatArray:
    scores = [
        _move(_get(inputs, f"{t}.chg_5d_bp", n), _get(inputs, f"{t}.z_5d", n), cfg.superlong)
        for t in cfg.superlong_tenors
    ]
    out = scores[0]
    for s in scores[1:]:
        out = np.fmax(out, s)
    return out


def jgb_10y(inputs: Inputs, cfg: EngineConfig, n: int) -> FloatArray:
    return _move(_get(inputs, "jgb.10y.chg_5d_bp", n), _get(inputs, "jgb.10y.z_5d", n), cfg.jgb_10y)


def still_moving(chg_5d: FloatArray, full_at: float) -> FloatArray:
    """0..1: how much a drawdown still counts — 1 at ``full_at`` (a 5-day fall), 0 at >= 0."""
    out: FloatArray = np.minimum(np.maximum(chg_5d / full_at, 0.0), 1.0)
    return out


def yen_squeeze(inputs: Inputs, cfg: EngineConfig, n: int) -> FloatArray:
    chg = _get(inputs, "usdjpy.chg_5d_pct", n)
    z = _get(inputs, "usdjpy.z_5d", n)
    move = ramp(chg, cfg.yen_change)
    move = np.where(np.isnan(z), move, 0.5 * move + 0.5 * ramp(z, cfg.yen_zscore))
    drawdown = ramp(_get(inputs, "usdjpy.drawdown_30d", n), cfg.yen_drawdown)
    drawdown = drawdown * still_moving(chg, cfg.yen_drawdown_live)
    out: FloatArray = np.fmax(move, drawdown)
    out[np.isnan(chg)] = np.nan
    return out


def rate_gap(inputs: Inputs, cfg: EngineConfig, n: int) -> FloatArray:
    out: FloatArray = ramp(_get(inputs, "spread.us_jp_10y.chg_20d_bp", n), cfg.rate_gap)
    return out


def crypto_liquidation(inputs: Inputs, cfg: EngineConfig, n: int) -> FloatArray:
    chg = _get(inputs, "btc.chg_5d_pct", n)
    drawdown = ramp(_get(inputs, "btc.drawdown_30d", n), cfg.btc_drawdown)
    out: FloatArray = np.fmax(
        ramp(chg, cfg.btc_change), drawdown * still_moving(chg, cfg.btc_drawdown_live)
    )
    out[np.isnan(chg)] = np.nan
    return out


def comovement_parts(inputs: Inputs, cfg: EngineConfig, n: int) -> tuple[FloatArray, ...]:
    """Each market's move on 0..1: yen up, BTC down, JGB yields moving (largest tenor).

    JGB yields count either way: a sell-off (BoJ tightening, supply) and a sharp
    rally (the flight to safety that comes with an unwind, Aug 2007, Mar 2011,
    Aug 2024) both go with a carry unwind.
    """
    jgb = np.abs(_get(inputs, "jgb.10y.chg_5d_bp", n))
    for t in cfg.superlong_tenors:
        jgb = np.fmax(jgb, np.abs(_get(inputs, f"{t}.chg_5d_bp", n)))
    return (
        ramp(_get(inputs, "usdjpy.chg_5d_pct", n), cfg.co_yen) / 100.0,
        ramp(_get(inputs, "btc.chg_5d_pct", n), cfg.co_btc) / 100.0,
        ramp(jgb, cfg.co_jgb) / 100.0,
    )


def comovement(inputs: Inputs, cfg: EngineConfig, n: int) -> FloatArray:
    """The second-strongest of the three moves: one market alone scores 0."""
    parts = np.vstack(comovement_parts(inputs, cfg, n))
    available = (~np.isnan(parts)).sum(axis=0)
    ordered = np.sort(np.where(np.isnan(parts), -np.inf, parts), axis=0)
    out = ordered[1] * 100.0
    return np.where(available >= 2, out, np.nan)


def shock_strength(inputs: Inputs, rule: ShockRule, n: int) -> FloatArray:
    """How far today's move is toward a shock (>= 1 is one): the weaker of σ and floor.

    NaN where the series has no move on this very date (``z_1d`` is same-day only).
    """
    z = _get(inputs, f"{rule.series}.z_1d", n)
    chg = _get(inputs, f"{rule.series}.{change_suffix(rule.series, 1)}", n)
    if rule.direction == 0:
        z, chg = np.abs(z), np.abs(chg)
    elif rule.direction < 0:
        z, chg = -z, -chg
    out: FloatArray = np.fmin(z / rule.sigmas, chg / rule.floor)
    out[np.isnan(z) | np.isnan(chg)] = np.nan
    return out


def _row_strength(inputs: Inputs, rule: ShockRule, i: int) -> float:
    """:func:`shock_strength` for one row, in scalar arithmetic (NaN: no move today)."""
    za = inputs.get(f"{rule.series}.z_1d")
    ca = inputs.get(f"{rule.series}.{change_suffix(rule.series, 1)}")
    if za is None or ca is None:
        return math.nan
    z, chg = float(za[i]), float(ca[i])
    if math.isnan(z) or math.isnan(chg):
        return math.nan
    if rule.direction == 0:
        z, chg = abs(z), abs(chg)
    elif rule.direction < 0:
        z, chg = -z, -chg
    return min(z / rule.sigmas, chg / rule.floor)


def strongest_shock(inputs: Inputs, i: int, cfg: EngineConfig) -> tuple[ShockRule | None, float]:
    """The single-market rule closest to (or past) a shock on row ``i`` and its strength.

    Scalar arithmetic of :func:`shock_strength` (one row, no arrays): a
    snapshot's words and codes need it twice per build, on the live path too.
    """
    best: ShockRule | None = None
    best_s = -math.inf
    for rule in cfg.shocks:
        strength = _row_strength(inputs, rule, i)
        if strength > best_s:  # False for NaN
            best, best_s = rule, strength
    return best, best_s


def joint_strength(inputs: Inputs, joint: JointShock, n: int) -> FloatArray:
    """How far today is toward a joint shock: the weaker of the lead and its best confirmation."""
    confirm = np.full(n, np.nan)
    for rule in joint.confirm:
        confirm = np.fmax(confirm, shock_strength(inputs, rule, n))
    out: FloatArray = np.minimum(shock_strength(inputs, joint.lead, n), confirm)
    return out


def strongest_joint(
    inputs: Inputs, i: int, cfg: EngineConfig
) -> tuple[JointShock, ShockRule, float] | None:
    """The joint shock closest to (or past) one on row ``i``: (joint, confirming rule, strength)."""
    best: tuple[JointShock, ShockRule, float] | None = None
    for joint in cfg.joint_shocks:
        lead = _row_strength(inputs, joint.lead, i)
        if math.isnan(lead):
            continue
        for rule in joint.confirm:
            confirm = _row_strength(inputs, rule, i)
            if math.isnan(confirm):  # no JGB move dated today: nothing confirms
                continue
            strength = min(lead, confirm)
            if strength > (best[2] if best is not None else -math.inf):
                best = (joint, rule, strength)
    return best


def _stress_sources() -> dict[str, Callable[[Inputs, EngineConfig, int], FloatArray]]:
    return {
        "jgb_superlong": jgb_superlong,
        "jgb_10y": jgb_10y,
        "yen_squeeze": yen_squeeze,
        "rate_gap": rate_gap,
        "crypto_liquidation": crypto_liquidation,
    }


def stressed_strength(inputs: Inputs, rule: StressedShock, cfg: EngineConfig, n: int) -> FloatArray:
    """How far today is toward two markets under heavy stress at once: the weaker
    of the one-day move's strength and the stressed component's share of ``at``."""
    stressed = _stress_sources()[rule.stressed](inputs, cfg, n)
    out: FloatArray = np.minimum(shock_strength(inputs, rule.shock, n), stressed / rule.at)
    return out


def strongest_stressed(
    inputs: Inputs, i: int, cfg: EngineConfig
) -> tuple[StressedShock, float, float] | None:
    """The two-market rule closest to (or past) firing on row ``i``:
    (rule, strength, the stressed component's score); None without data."""
    row = {k: a[i : i + 1] for k, a in inputs.items()}
    best: tuple[StressedShock, float, float] | None = None
    for rule in cfg.stressed_shocks:
        move = _row_strength(inputs, rule.shock, i)
        stressed = float(_stress_sources()[rule.stressed](row, cfg, 1)[0])
        if math.isnan(move) or math.isnan(stressed):
            continue
        strength = min(move, stressed / rule.at)
        if strength > (best[1] if best is not None else -math.inf):
            best = (rule, strength, stressed)
    return best


def two_markets_stressed(inputs: Inputs, cfg: EngineConfig, n: int) -> FloatArray:
    """True where a :class:`StressedShock` fires: the score is held at >= ``severe_floor``."""
    best = np.full(n, np.nan)
    for rule in cfg.stressed_shocks:
        best = np.fmax(best, stressed_strength(inputs, rule, cfg, n))
    out: FloatArray = best >= 1.0
    return out


def day_shock(inputs: Inputs, cfg: EngineConfig, n: int) -> FloatArray:
    """100 on the market date of a one-day shock in any market (or a joint yen–JGB
    shock, or a move in one market while another is at heavy stress), else the
    strongest approach.

    0 when no market moved today in the stress direction; NaN when no market has
    a move dated today at all (a weekend for all but BTC, a holiday).
    """
    best = np.full(n, np.nan)
    for rule in cfg.shocks:
        best = np.fmax(best, shock_strength(inputs, rule, n))
    for joint in cfg.joint_shocks:
        best = np.fmax(best, joint_strength(inputs, joint, n))
    for stressed in cfg.stressed_shocks:
        best = np.fmax(best, stressed_strength(inputs, stressed, cfg, n))
    out: FloatArray = np.minimum(np.maximum(best, 0.0), 1.0) * 100.0
    return out


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    name: str
    label: str
    series: tuple[str, ...]  # what it reads; for staleness reporting
    score: Callable[[Inputs, EngineConfig, int], FloatArray]


def component_specs(cfg: EngineConfig) -> tuple[ComponentSpec, ...]:
    specs = (
        ComponentSpec("jgb_superlong", "JGB super-long", cfg.superlong_tenors, jgb_superlong),
        ComponentSpec("jgb_10y", "JGB 10y", ("jgb.10y",), jgb_10y),
        ComponentSpec("yen_squeeze", "Yen squeeze", ("usdjpy",), yen_squeeze),
        ComponentSpec("rate_gap", "US–JP rate gap", ("spread.us_jp_10y",), rate_gap),
        ComponentSpec("crypto_liquidation", "Crypto liquidation", ("btc",), crypto_liquidation),
        ComponentSpec(
            "comovement",
            "Cross-asset co-movement",
            ("usdjpy", "btc", "jgb.10y", *cfg.superlong_tenors),
            comovement,
        ),
        ComponentSpec(
            "day_shock",
            "One-day shock",
            tuple(dict.fromkeys(r.series for r in cfg.shocks)),
            day_shock,
        ),
    )
    configured = {name for name, _ in cfg.weights}
    return tuple(s for s in specs if s.name in configured)


def composite(
    scores: Mapping[str, FloatArray],
    cfg: EngineConfig,
    n: int,
    severe: FloatArray | None = None,
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Weighted root-mean-square of the available components, and effective weights.

    Weights are renormalised over the available components, down to
    ``cfg.min_coverage`` of the total (see EngineConfig). ``severe`` marks the
    dates of :func:`two_markets_stressed`.

    RMS rather than a plain mean so that one market in a genuine crisis is not
    averaged away by five calm ones, while a single component still cannot
    reach ``severe`` on its own.
    """
    total_w = np.zeros(n)
    acc = np.zeros(n)
    for name, base in cfg.weights:
        s = scores[name]
        ok = ~np.isnan(s)
        total_w = total_w + np.where(ok, base, 0.0)
        acc = acc + np.where(ok, base * s * s, 0.0)
    denom = np.fmax(total_w, cfg.min_coverage)
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 where nothing is available
        score = np.where(total_w > 0.0, np.sqrt(acc / denom), np.nan)
        shock = scores.get("day_shock")
        if shock is not None:  # a one-day shock holds the score at >= shock_floor that day
            score = np.where(shock >= 100.0, np.fmax(score, cfg.shock_floor), score)
        if severe is not None:  # two markets under heavy stress at once: >= severe that day
            score = np.where(severe, np.fmax(score, cfg.severe_floor), score)
        effective = {
            name: np.where(np.isnan(scores[name]), 0.0, base / denom) for name, base in cfg.weights
        }
    return score, effective
