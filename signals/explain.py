"""Turn one row of aligned arrays into an explainable Snapshot with plain reasons."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np

from signals.components import (
    ComponentSpec,
    comovement_parts,
    component_specs,
    still_moving,
)
from signals.config import EngineConfig
from signals.levels import level_for
from signals.ops import SCALAR, Column
from signals.reasons import Reason, reason_for
from signals.shock_facts import RowView, ShockFacts, shock_facts
from signals.snapshot import ComponentScore, Snapshot

FloatArray = Column  # a column (the backtest) or a one-row sequence (the live path)

_TENOR_LABEL = {"jgb.10y": "10y", "jgb.20y": "20y", "jgb.30y": "30y", "jgb.40y": "40y"}
_SHOCK_LABEL = {
    "usdjpy": "USD/JPY",
    "btc": "BTC",
    "spread.us_jp_10y": "US–JP 10y gap",
    **{k: f"{v} JGB" for k, v in _TENOR_LABEL.items()},
}


def _shock_text(
    inputs: Mapping[str, FloatArray], i: int, cfg: EngineConfig, facts: ShockFacts | None = None
) -> str:
    """The market closest to (or past) a one-day shock today, in words."""
    facts = facts or shock_facts(inputs, i, cfg)
    two = facts.stressed
    if two is not None and two[1] >= 1.0:
        rule, _, stressed = two
        return (
            f"{_day_move(inputs, i, rule.shock.series)} with {rule.stressed.replace('_', ' ')} "
            f"at {stressed:.0f}: two markets under heavy stress at once, "
            f"score held at {cfg.severe_floor:.0f}+"
        )
    best, best_s, joint = facts.best, facts.best_s, facts.joint
    if joint is not None and joint[2] >= 1.0 and best_s < 1.0:
        lead, confirm, _ = joint
        return (
            f"{_day_move(inputs, i, lead.lead.series)} with "
            f"{_day_move(inputs, i, confirm.series)}: a joint yen–JGB shock, "
            f"score held at {cfg.shock_floor:.0f}+"
        )
    if best is None or best_s <= 0:
        return "no market moved sharply the stress way today"
    unit = "bp" if best.series.startswith(("jgb.", "spread.")) else "%"
    text = _day_move(inputs, i, best.series)
    if best_s >= 1.0:
        return text + f": a one-day shock, score held at {cfg.shock_floor:.0f}+"
    return text + f"; a shock needs {best.sigmas:.0f}σ and {best.floor:g} {unit}"


def _day_move(inputs: Mapping[str, FloatArray], i: int, series: str) -> str:
    """ "USD/JPY -1.9% today (-3.6σ of 250 days)"."""
    unit = "bp" if series.startswith(("jgb.", "spread.")) else "%"
    chg = _val(inputs, f"{series}.{'chg_1d_bp' if unit == 'bp' else 'chg_1d_pct'}", i)
    z = _val(inputs, f"{series}.z_1d", i)
    move = _bp(chg or 0.0) if unit == "bp" else _pct(chg or 0.0)
    return f"{_SHOCK_LABEL.get(series, series)} {move} today ({_sigma(z or 0.0)} of 250 days)"


def _drawdown_text(dd: float, chg: float | None, full_at: float) -> str:
    text = f", {abs(dd):.1f}% below its 30-day high"
    share = float(still_moving(chg if chg is not None else math.nan, full_at, SCALAR))
    if not math.isnan(share) and share < 1.0:
        text += (
            " (no longer falling: drawdown not counted)"
            if share == 0
            else (f" (counted {share:.0%}: falling slower)")
        )
    return text


def _bp(v: float) -> str:
    return f"{v:+.1f} bp" if abs(v) < 10 else f"{v:+.0f} bp"


def _pct(v: float) -> str:
    return f"{v:+.1f}%"


def _sigma(v: float) -> str:
    return f"{v:+.1f}σ"


def _as_date(value: np.datetime64) -> dt.date:
    day: dt.date = value.astype("datetime64[D]").item()
    return day


def _val(inputs: Mapping[str, FloatArray], key: str, i: int) -> float | None:
    arr = inputs.get(key)
    if arr is None:
        return None
    v = float(arr[i])
    return None if math.isnan(v) else v


def _move_text(
    name: str, inputs: Mapping[str, FloatArray], series: str, i: int, cfg: EngineConfig
) -> str:
    chg = _val(inputs, f"{series}.chg_5d_bp", i)
    z = _val(inputs, f"{series}.z_5d", i)
    level = _val(inputs, series, i)
    text = f"{_TENOR_LABEL.get(series, series)} JGB {_bp(chg or 0.0)} in 5 days"
    if z is not None:
        text += f" ({_sigma(z)})"
    if level is not None:
        text += f", now {level:.3f}%"
    return text


def _superlong_driver(inputs: Mapping[str, FloatArray], i: int, cfg: EngineConfig) -> str:
    """The super-long tenor that moved most over 5 days, either way (the one that scores)."""
    best, best_chg = cfg.superlong_tenors[-1], -math.inf
    for tenor in cfg.superlong_tenors:
        chg = _val(inputs, f"{tenor}.chg_5d_bp", i)
        if chg is not None and abs(chg) > best_chg:
            best, best_chg = tenor, abs(chg)
    return best


def _reason(
    spec: ComponentSpec,
    inputs: Mapping[str, FloatArray],
    i: int,
    cfg: EngineConfig,
    facts: ShockFacts | None = None,
) -> str:
    def v(key: str) -> float | None:
        return _val(inputs, key, i)

    if spec.name == "jgb_superlong":
        return _move_text(spec.name, inputs, _superlong_driver(inputs, i, cfg), i, cfg)
    if spec.name == "jgb_10y":
        return _move_text(spec.name, inputs, "jgb.10y", i, cfg)
    if spec.name == "yen_squeeze":
        text = f"USD/JPY {_pct(v('usdjpy.chg_5d_pct') or 0.0)} in 5 days"
        if (z := v("usdjpy.z_5d")) is not None:
            text += f" ({_sigma(z)})"
        if (dd := v("usdjpy.drawdown_30d")) is not None:
            text += _drawdown_text(dd, v("usdjpy.chg_5d_pct"), cfg.yen_drawdown_live)
        if (lvl := v("usdjpy")) is not None:
            text += f", at {lvl:.2f}"
        return text
    if spec.name == "rate_gap":
        text = f"US–JP 10y gap {_bp(v('spread.us_jp_10y.chg_20d_bp') or 0.0)} in 20 days"
        if (lvl := v("spread.us_jp_10y")) is not None:
            text += f", now {lvl:.2f} pp"
        return text
    if spec.name == "crypto_liquidation":
        text = f"BTC {_pct(v('btc.chg_5d_pct') or 0.0)} in 5 days"
        if (dd := v("btc.drawdown_30d")) is not None:
            text += _drawdown_text(dd, v("btc.chg_5d_pct"), cfg.btc_drawdown_live)
        if (lvl := v("btc")) is not None:
            text += f", at ${lvl:,.0f}"
        return text
    if spec.name == "day_shock":
        return _shock_text(inputs, i, cfg, facts)
    # comovement
    parts = [float(p) for p in comovement_parts(RowView(inputs, i), cfg, 1, SCALAR)]
    names = ("yen up", "BTC down", "JGB yields moving")
    moving = [
        f"{n} ({p:.0%} of full)"
        for n, p in zip(names, parts, strict=True)
        if not math.isnan(p) and p > 0
    ]
    if len(moving) >= 2:
        return f"{len(moving)} of 3 markets moving together: " + ", ".join(moving)
    return "markets not moving together" + (f" (only {moving[0]})" if moving else "")


def _values(spec: ComponentSpec, by_series: Mapping[str, dict[str, float]]) -> dict[str, float]:
    """The fresh raw indicator values of the series a component reads."""
    out: dict[str, float] = {}
    for series in spec.series:
        out.update(by_series.get(series, {}))
    return out


def _group_by_series(
    inputs: Mapping[str, FloatArray], i: int, series: Sequence[str]
) -> dict[str, dict[str, float]]:
    """``{"btc": {"btc": 53991.5, "btc.chg_5d_pct": -12.1, ...}}``, fresh values only."""
    heads = _heads(tuple(series))
    out: dict[str, dict[str, float]] = {}
    for key, arr in inputs.items():
        value = float(arr[i])
        if math.isnan(value):
            continue
        head = heads.get(key)
        if head is None:
            head = heads[key] = key if key in series else key.rsplit(".", 1)[0]
        out.setdefault(head, {})[key] = value
    return out


@cache
def _heads(series: tuple[str, ...]) -> dict[str, str]:
    """Indicator key -> its series (``btc.chg_5d_pct`` -> ``btc``), filled as keys are met."""
    return {}


def _unavailable_code(
    spec: ComponentSpec,
    data_dates: Mapping[str, Column],
    stale: Mapping[str, Column],
    i: int,
    as_of: dt.date,
) -> Reason:
    stale_series = [s for s in spec.series if s in stale and bool(stale[s][i])]
    if stale_series:
        last = _as_date(data_dates[stale_series[0]][i])
        params = {"series": stale_series[0], "last_seen": last.isoformat()}
        return Reason("stale", {**params, "age_days": float((as_of - last).days)})
    missing = [s for s in spec.series if s not in data_dates or np.isnat(data_dates[s][i])]
    return Reason("no_data", {"series": ",".join(missing or spec.series)})


def _unavailable_reason(
    spec: ComponentSpec,
    data_dates: Mapping[str, Column],
    stale: Mapping[str, Column],
    i: int,
    as_of: dt.date,
) -> str:
    stale_series = [s for s in spec.series if s in stale and bool(stale[s][i])]
    if stale_series:
        s = stale_series[0]
        last = _as_date(data_dates[s][i])
        return f"stale: {s} last seen {last.isoformat()} ({(as_of - last).days} days old); dropped"
    missing = [s for s in spec.series if s not in data_dates or np.isnat(data_dates[s][i])]
    return f"no data for {', '.join(missing) or ', '.join(spec.series)}; dropped"


def build_snapshot(
    *,
    as_of: dt.date,
    i: int,
    inputs: Mapping[str, FloatArray],
    components: Mapping[str, FloatArray],
    weights: Mapping[str, FloatArray],
    score: FloatArray,
    data_dates: Mapping[str, Column],
    stale: Mapping[str, Column],
    cfg: EngineConfig,
    by_series: Mapping[str, dict[str, float]] | None = None,
) -> Snapshot:
    """Row ``i`` as a Snapshot. ``by_series``: the row's fresh values grouped as
    :func:`_group_by_series` does, when the caller (the live path) has them."""
    comps: list[ComponentScore] = []
    indicators: dict[str, float] = {}
    if by_series is None:
        by_series = _group_by_series(inputs, i, cfg.scored_series)
    seen = {s: _as_date(d[i]) for s, d in data_dates.items() if not np.isnat(d[i])}
    for spec in component_specs(cfg):
        raw = float(components[spec.name][i])
        available = not math.isnan(raw)
        dates = [seen[s] for s in spec.series if s in seen]
        is_stale = any(bool(stale[s][i]) for s in spec.series if s in stale)
        driver = _superlong_driver(inputs, i, cfg) if spec.name == "jgb_superlong" else ""
        facts = shock_facts(inputs, i, cfg) if spec.name == "day_shock" and available else None
        code = (
            reason_for(spec.name, inputs, i, cfg, driver, facts)
            if available
            else _unavailable_code(spec, data_dates, stale, i, as_of)
        )
        comps.append(
            ComponentScore(
                name=spec.name,
                label=spec.label,
                score=raw if available else None,
                weight=float(weights[spec.name][i]) if available else 0.0,
                base_weight=cfg.weight(spec.name),
                available=available,
                stale=is_stale,
                values=_values(spec, by_series),
                data_date=max(dates) if dates else None,
                reason=_reason(spec, inputs, i, cfg, facts)
                if available
                else _unavailable_reason(spec, data_dates, stale, i, as_of),
                reason_code=code.code,
                reason_params=code.params,
            )
        )
        if available:
            indicators[f"component.{spec.name}"] = raw
    for values in by_series.values():
        indicators.update(values)
    total = float(score[i])
    has_score = not math.isnan(total)
    if has_score:
        indicators["score"] = total
    return Snapshot(
        as_of=as_of,
        score=total if has_score else None,
        level=level_for(total) if has_score else None,
        components=tuple(comps),
        indicators=indicators,
    )
