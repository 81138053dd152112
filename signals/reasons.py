"""Structured reasons: a code and its parameters, for renderers that write their own words.

``ComponentScore.reason`` stays the English one-liner (``signals.explain``);
``reason_code`` + ``reason_params`` carry the same facts as data, so a renderer
(Telegram, Discord, another language) formats numbers and words itself. Codes:

================  ===========================================================
``jgb_move``      tenor (str), chg_5d_bp, z_5d, level
``yen_squeeze``   chg_5d_pct, z_5d, drawdown_30d, drawdown_counted (0..1), level
``rate_gap``      chg_20d_bp, level
``btc_liquidation`` chg_5d_pct, drawdown_30d, drawdown_counted (0..1), level
``comovement``    yen, btc, jgb (each 0..1 of a full move), moving (count)
``shock``         series (str), chg_1d, z_1d, sigmas, floor, floor_score —
                  a one-day shock; ``shock_approach``: the same, not yet one;
                  ``no_shock``: nothing moved the stress way today; a joint
                  yen–JGB shock adds with_series, with_chg_1d, with_z_1d,
                  with_sigmas, with_floor (the confirming JGB move); a move
                  while another market is at heavy stress adds
                  with_component (str), with_score, with_at, and its
                  floor_score is the severe floor
``stale``         series (str), last_seen (str, ISO date), age_days
``no_data``       series (str, comma-separated)
================  ===========================================================

Parameters absent from the inputs are left out (never invented as 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from signals.components import (
    comovement_parts,
    still_moving,
)
from signals.config import EngineConfig, ShockRule
from signals.indicators import change_suffix
from signals.ops import SCALAR, Column
from signals.shock_facts import RowView, ShockFacts, shock_facts

FloatArray = Column  # a column (the backtest) or a one-row sequence (the live path)
Param = float | str


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: Mapping[str, Param] = field(default_factory=dict)


def _params(inputs: Mapping[str, FloatArray], i: int, keys: Mapping[str, str]) -> dict[str, Param]:
    out: dict[str, Param] = {}
    for name, key in keys.items():
        arr = inputs.get(key)
        if arr is not None and not math.isnan(float(arr[i])):
            out[name] = float(arr[i])
    return out


def _joint_reason(
    inputs: Mapping[str, FloatArray], i: int, cfg: EngineConfig, lead: ShockRule, confirm: ShockRule
) -> Reason:
    """A joint shock: the lead (yen) move's facts, and the confirming JGB move's as with_*."""
    params: dict[str, Param] = {"series": lead.series, "with_series": confirm.series}
    for prefix, rule in (("", lead), ("with_", confirm)):
        keys = {f"{prefix}chg_1d": f"{rule.series}.{change_suffix(rule.series, 1)}",
                f"{prefix}z_1d": f"{rule.series}.z_1d"}  # fmt: skip
        params |= _params(inputs, i, keys)
        params |= {f"{prefix}sigmas": rule.sigmas, f"{prefix}floor": rule.floor}
    params["floor_score"] = cfg.shock_floor
    return Reason("shock", params)


def _stressed_reason(
    inputs: Mapping[str, FloatArray], i: int, cfg: EngineConfig, facts: ShockFacts
) -> Reason | None:
    """Two markets under heavy stress at once: the move's facts and the stressed component's."""
    found = facts.stressed
    if found is None or found[1] < 1.0:
        return None
    rule, _, stressed = found
    keys = {"chg_1d": f"{rule.shock.series}.{change_suffix(rule.shock.series, 1)}",
            "z_1d": f"{rule.shock.series}.z_1d"}  # fmt: skip
    params: dict[str, Param] = {"series": rule.shock.series, **_params(inputs, i, keys)}
    params |= {"sigmas": rule.shock.sigmas, "floor": rule.shock.floor}
    params |= {"with_component": rule.stressed, "with_score": stressed, "with_at": rule.at}
    params["floor_score"] = cfg.severe_floor
    return Reason("shock", params)


def _counted(inputs: Mapping[str, FloatArray], i: int, key: str, full_at: float) -> float | None:
    arr = inputs.get(key)
    if arr is None or math.isnan(float(arr[i])):
        return None
    return float(still_moving(float(arr[i]), full_at, SCALAR))


def reason_for(
    name: str,
    inputs: Mapping[str, FloatArray],
    i: int,
    cfg: EngineConfig,
    driver: str = "",
    facts: ShockFacts | None = None,
) -> Reason:
    """The structured reason of an available component ``name`` on row ``i``
    (``facts``: the day's shock findings, when the caller has them already)."""
    if name in ("jgb_superlong", "jgb_10y"):
        series = driver or "jgb.10y"
        keys = {"chg_5d_bp": f"{series}.chg_5d_bp", "z_5d": f"{series}.z_5d", "level": series}
        return Reason(
            "jgb_move", {"tenor": series.removeprefix("jgb."), **_params(inputs, i, keys)}
        )
    if name == "yen_squeeze":
        keys = {"chg_5d_pct": "usdjpy.chg_5d_pct", "z_5d": "usdjpy.z_5d"}
        p = _params(inputs, i, {**keys, "drawdown_30d": "usdjpy.drawdown_30d", "level": "usdjpy"})
        if (c := _counted(inputs, i, "usdjpy.chg_5d_pct", cfg.yen_drawdown_live)) is not None:
            p["drawdown_counted"] = c
        return Reason("yen_squeeze", p)
    if name == "rate_gap":
        keys = {"chg_20d_bp": "spread.us_jp_10y.chg_20d_bp", "level": "spread.us_jp_10y"}
        return Reason("rate_gap", _params(inputs, i, keys))
    if name == "crypto_liquidation":
        p = _params(inputs, i, {"chg_5d_pct": "btc.chg_5d_pct",
                                "drawdown_30d": "btc.drawdown_30d", "level": "btc"})  # fmt: skip
        if (c := _counted(inputs, i, "btc.chg_5d_pct", cfg.btc_drawdown_live)) is not None:
            p["drawdown_counted"] = c
        return Reason("btc_liquidation", p)
    if name == "day_shock":
        facts = facts or shock_facts(inputs, i, cfg)
        if (two := _stressed_reason(inputs, i, cfg, facts)) is not None:
            return two
        best, best_s = facts.best, facts.best_s
        if best is None or best_s <= 0:
            return Reason("no_shock")
        keys = {"chg_1d": f"{best.series}.{change_suffix(best.series, 1)}",
                "z_1d": f"{best.series}.z_1d"}  # fmt: skip
        params: dict[str, Param] = {"series": best.series, **_params(inputs, i, keys)}
        params |= {"sigmas": best.sigmas, "floor": best.floor, "floor_score": cfg.shock_floor}
        joint = facts.joint
        if joint is not None and joint[2] >= 1.0 and best_s < 1.0:
            return _joint_reason(inputs, i, cfg, joint[0].lead, joint[1])
        return Reason("shock" if best_s >= 1.0 else "shock_approach", params)
    parts = [float(p) for p in comovement_parts(RowView(inputs, i), cfg, 1, SCALAR)]
    co = {k: v for k, v in zip(("yen", "btc", "jgb"), parts, strict=True) if not math.isnan(v)}
    moving = float(sum(v > 0 for v in co.values()))
    return Reason("comovement", {**co, "moving": moving})
