"""Component scores (0–100) from fresh indicator values.

Each function is written once in the operations of :mod:`signals.ops` and runs
either element-wise on equal-length arrays (``ops=ARRAY``: fifty years of the
backtest at once) or on one date's plain floats (``ops=SCALAR``: the live
path). Both perform the same IEEE operations in the same order and agree
exactly. NaN means "not available".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from signals.config import EngineConfig, JointShock, MoveRamps, Ramp, ShockRule, StressedShock
from signals.indicators import change_suffix
from signals.ops import ARRAY, Num, Ops

FloatArray = np.ndarray
Inputs = Mapping[str, Num]  # key -> column (ARRAY) or float (SCALAR)
Score = Callable[..., Num]  # (inputs, cfg, n, ops=ARRAY) -> column or float


def ramp(x: Num, r: Ramp, ops: Ops = ARRAY) -> Num:
    """0 at ``r.start``, 100 at ``r.full``, linear between, clipped; NaN stays NaN."""
    # minimum/maximum rather than np.clip: same values (NaN included), far less overhead
    return ops.minimum(ops.maximum((x - r.start) / (r.full - r.start), 0.0), 1.0) * 100.0


def _move(chg: Num, z: Num, ramps: MoveRamps, ops: Ops) -> Num:
    """Half size, half surprise; size alone while the z-score window fills.

    JGB yields count either way: a sell-off is a supply/fiscal or BoJ shock, a
    sharp rally the flight to safety of an unwind (Aug 2007, Mar 2011, Aug 2024).
    """
    chg, z = ops.abs(chg), ops.abs(z)
    by_size = ramp(chg, ramps.change, ops)
    return ops.where(ops.isnan(z), by_size, 0.5 * by_size + 0.5 * ramp(z, ramps.zscore, ops))


def _get(inputs: Inputs, key: str, n: int, ops: Ops) -> Num:
    value = inputs.get(key)
    return value if value is not None else ops.nan(n)


def jgb_superlong(inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY) -> Num:
    scores = [
        _move(
            _get(inputs, f"{t}.chg_5d_bp", n, ops),
            _get(inputs, f"{t}.z_5d", n, ops),
            cfg.superlong,
            ops,
        )
        for t in cfg.superlong_tenors
    ]
    out = scores[0]
    for s in scores[1:]:
        out = ops.fmax(out, s)
    return out


def jgb_10y(inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY) -> Num:
    chg, z = _get(inputs, "jgb.10y.chg_5d_bp", n, ops), _get(inputs, "jgb.10y.z_5d", n, ops)
    return _move(chg, z, cfg.jgb_10y, ops)


def still_moving(chg_5d: Num, full_at: float, ops: Ops = ARRAY) -> Num:
    """0..1: how much a drawdown still counts — 1 at ``full_at`` (a 5-day fall), 0 at >= 0."""
    return ops.minimum(ops.maximum(chg_5d / full_at, 0.0), 1.0)


def yen_squeeze(inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY) -> Num:
    chg = _get(inputs, "usdjpy.chg_5d_pct", n, ops)
    z = _get(inputs, "usdjpy.z_5d", n, ops)
    move = ramp(chg, cfg.yen_change, ops)
    move = ops.where(ops.isnan(z), move, 0.5 * move + 0.5 * ramp(z, cfg.yen_zscore, ops))
    drawdown = ramp(_get(inputs, "usdjpy.drawdown_30d", n, ops), cfg.yen_drawdown, ops)
    drawdown = drawdown * still_moving(chg, cfg.yen_drawdown_live, ops)
    return ops.where(ops.isnan(chg), math.nan, ops.fmax(move, drawdown))


def rate_gap(inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY) -> Num:
    return ramp(_get(inputs, "spread.us_jp_10y.chg_20d_bp", n, ops), cfg.rate_gap, ops)


def crypto_liquidation(inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY) -> Num:
    chg = _get(inputs, "btc.chg_5d_pct", n, ops)
    drawdown = ramp(_get(inputs, "btc.drawdown_30d", n, ops), cfg.btc_drawdown, ops)
    out = ops.fmax(
        ramp(chg, cfg.btc_change, ops), drawdown * still_moving(chg, cfg.btc_drawdown_live, ops)
    )
    return ops.where(ops.isnan(chg), math.nan, out)


def comovement_parts(
    inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY
) -> tuple[Num, Num, Num]:
    """Each market's move on 0..1: yen up, BTC down, JGB yields moving (largest tenor).

    JGB yields count either way: a sell-off (BoJ tightening, supply) and a sharp
    rally (the flight to safety that comes with an unwind, Aug 2007, Mar 2011,
    Aug 2024) both go with a carry unwind.
    """
    jgb = ops.abs(_get(inputs, "jgb.10y.chg_5d_bp", n, ops))
    for t in cfg.superlong_tenors:
        jgb = ops.fmax(jgb, ops.abs(_get(inputs, f"{t}.chg_5d_bp", n, ops)))
    return (
        ramp(_get(inputs, "usdjpy.chg_5d_pct", n, ops), cfg.co_yen, ops) / 100.0,
        ramp(_get(inputs, "btc.chg_5d_pct", n, ops), cfg.co_btc, ops) / 100.0,
        ramp(jgb, cfg.co_jgb, ops) / 100.0,
    )


def comovement(inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY) -> Num:
    """The second-strongest of the three moves: one market alone scores 0."""
    a, b, c = (ops.where(ops.isnan(p), -math.inf, p) for p in comovement_parts(inputs, cfg, n, ops))
    available = (a > -math.inf) * 1.0 + (b > -math.inf) * 1.0 + (c > -math.inf) * 1.0
    # the median of three: the second-largest, whichever order they come in
    second = ops.maximum(ops.minimum(a, b), ops.minimum(ops.maximum(a, b), c))
    return ops.where(available >= 2.0, second * 100.0, math.nan)


@cache
def _shock_keys(series: str) -> tuple[str, str]:
    """The inputs a one-day shock reads: today's z-score and today's change."""
    return f"{series}.z_1d", f"{series}.{change_suffix(series, 1)}"


def shock_strength(inputs: Inputs, rule: ShockRule, n: int, ops: Ops = ARRAY) -> Num:
    """How far today's move is toward a shock (>= 1 is one): the weaker of σ and floor.

    NaN where the series has no move on this very date (``z_1d`` is same-day only).
    """
    z_key, chg_key = _shock_keys(rule.series)
    z, chg = _get(inputs, z_key, n, ops), _get(inputs, chg_key, n, ops)
    if rule.direction == 0:
        z, chg = ops.abs(z), ops.abs(chg)
    elif rule.direction < 0:
        z, chg = -z, -chg
    out = ops.fmin(z / rule.sigmas, chg / rule.floor)
    return ops.where(ops.isnan(z) | ops.isnan(chg), math.nan, out)


def joint_strength(inputs: Inputs, joint: JointShock, n: int, ops: Ops = ARRAY) -> Num:
    """How far today is toward a joint shock: the weaker of the lead and its best confirmation."""
    confirm = ops.nan(n)
    for rule in joint.confirm:
        confirm = ops.fmax(confirm, shock_strength(inputs, rule, n, ops))
    return ops.minimum(shock_strength(inputs, joint.lead, n, ops), confirm)


STRESS_SOURCES: dict[str, Score] = {
    "jgb_superlong": jgb_superlong,
    "jgb_10y": jgb_10y,
    "yen_squeeze": yen_squeeze,
    "rate_gap": rate_gap,
    "crypto_liquidation": crypto_liquidation,
}


def stressed_strength(
    inputs: Inputs, rule: StressedShock, cfg: EngineConfig, n: int, ops: Ops = ARRAY
) -> Num:
    """How far today is toward two markets under heavy stress at once: the weaker
    of the one-day move's strength and the stressed component's share of ``at``."""
    stressed = STRESS_SOURCES[rule.stressed](inputs, cfg, n, ops)
    return ops.minimum(shock_strength(inputs, rule.shock, n, ops), stressed / rule.at)


def two_markets_stressed(inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY) -> Num:
    """True where a :class:`StressedShock` fires: the score is held at >= ``severe_floor``."""
    best = ops.nan(n)
    for rule in cfg.stressed_shocks:
        best = ops.fmax(best, stressed_strength(inputs, rule, cfg, n, ops))
    return best >= 1.0


def day_shock(inputs: Inputs, cfg: EngineConfig, n: int, ops: Ops = ARRAY) -> Num:
    """100 on the market date of a one-day shock in any market (or a joint yen–JGB
    shock, or a move in one market while another is at heavy stress), else the
    strongest approach.

    0 when no market moved today in the stress direction; NaN when no market has
    a move dated today at all (a weekend for all but BTC, a holiday).
    """
    best = ops.nan(n)
    for rule in cfg.shocks:
        best = ops.fmax(best, shock_strength(inputs, rule, n, ops))
    for joint in cfg.joint_shocks:
        best = ops.fmax(best, joint_strength(inputs, joint, n, ops))
    for stressed in cfg.stressed_shocks:
        best = ops.fmax(best, stressed_strength(inputs, stressed, cfg, n, ops))
    return ops.minimum(ops.maximum(best, 0.0), 1.0) * 100.0


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    name: str
    label: str
    series: tuple[str, ...]  # what it reads; for staleness reporting
    score: Score


_SPECS: dict[int, tuple[EngineConfig, tuple[ComponentSpec, ...]]] = {}


def component_specs(cfg: EngineConfig) -> tuple[ComponentSpec, ...]:
    """The configured components, in order; remembered per config object, since
    the live path asks on every build (and hashing a config costs more)."""
    known = _SPECS.get(id(cfg))
    if known is not None and known[0] is cfg:
        return known[1]
    specs = _component_specs(cfg)
    if len(_SPECS) > 64:  # configs built on the fly (calibration, tests): don't grow
        _SPECS.clear()
    _SPECS[id(cfg)] = (cfg, specs)
    return specs


def _component_specs(cfg: EngineConfig) -> tuple[ComponentSpec, ...]:
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
    scores: Mapping[str, Num],
    cfg: EngineConfig,
    n: int,
    severe: Num | None = None,
    ops: Ops = ARRAY,
) -> tuple[Num, dict[str, Num]]:
    """Weighted root-mean-square of the available components, and effective weights.

    Weights are renormalised over the available components, down to
    ``cfg.min_coverage`` of the total (see EngineConfig). ``severe`` marks the
    dates of :func:`two_markets_stressed`.

    RMS rather than a plain mean so that one market in a genuine crisis is not
    averaged away by five calm ones, while a single component still cannot
    reach ``severe`` on its own.
    """
    total_w = ops.zeros(n)
    acc = ops.zeros(n)
    for name, base in cfg.weights:
        s = scores[name]
        ok = ops.not_(ops.isnan(s))
        total_w = total_w + ops.where(ok, base, 0.0)
        acc = acc + ops.where(ok, base * s * s, 0.0)
    denom = ops.fmax(total_w, cfg.min_coverage)
    # 0/0 where nothing is available: NaN, masked by total_w
    score = ops.where(total_w > 0.0, ops.sqrt(ops.div(acc, denom)), math.nan)
    shock = scores.get("day_shock")
    if shock is not None:  # a one-day shock holds the score at >= shock_floor that day
        score = ops.where(shock >= 100.0, ops.fmax(score, cfg.shock_floor), score)
    if severe is not None:  # two markets under heavy stress at once: >= severe that day
        score = ops.where(severe, ops.fmax(score, cfg.severe_floor), score)
    effective = {
        name: ops.where(ops.isnan(scores[name]), 0.0, ops.div(base, denom))
        for name, base in cfg.weights
    }
    return score, effective
