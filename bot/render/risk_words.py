"""/risk in words: a short answer (score, level, what drives it, data age) and the
per-component details behind it. Platform-neutral; each renderer styles it.

Each component is described from its own indicator values (never the engine's
reason string): the super-long JGB line names the tenor that moved most and only
that tenor, the co-movement line says which markets move together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.commands.answers import ComponentView, RiskAnswer
from bot.render.common import (
    LEVEL_EMOJI,
    STALE_EMOJI,
    Unit,
    data_age_text,
    day_text,
    fmt,
    short_series,
    size,
)
from signals.levels import Level

STALE_AFTER_DAYS = 4  # a weekend plus a holiday; older market data is not "now"
DRIVER_FLOOR = 25.0  # a component below the elevated floor drives nothing
SHORT_LIMIT = 600


@dataclass(frozen=True, slots=True)
class RiskSummary:
    title: str
    lines: tuple[str, ...]
    level: Level | None  # None when stale: not coloured as any reading
    stale: bool


@dataclass(frozen=True, slots=True)
class DetailRow:
    title: str
    text: str
    stale: bool


def is_stale(answer: RiskAnswer, now: dt.datetime) -> bool:
    """Market data too old to be "now", or both daily markets (FX, BTC) stale."""
    days = (now.astimezone(dt.UTC).date() - answer.as_of).days
    return days > STALE_AFTER_DAYS or {"usdjpy", "btc"} <= set(answer.stale_feeds)


def _v(values: Mapping[str, float], key: str) -> float | None:
    return values.get(key)


# Whole sentences with named placeholders (issue 12 translates each as a unit).
READINGS = {
    "jgb.up": "the {tenor}-year JGB yield rose {move} in five days (now {level})",
    "jgb.down": "the {tenor}-year JGB yield fell {move} in five days (now {level})",
    "yen.up": "the yen rose {move} against the dollar in five days (USD/JPY {level})",
    "yen.down": "the yen fell {move} against the dollar in five days (USD/JPY {level})",
    "btc.down": "BTC fell {move} in five days, {drawdown} below its 30-day high ({level})",
    "btc.up": "BTC rose {move} in five days, {drawdown} below its 30-day high ({level})",
    "gap.down": "the US–Japan 10-year rate gap narrowed {move} in twenty days (now {level})",
    "gap.up": "the US–Japan 10-year rate gap widened {move} in twenty days (now {level})",
    "jgb.flat": "the {tenor}-year JGB yield is unchanged over five days (now {level})",
    "gap.flat": "the US–Japan 10-year rate gap is unchanged over twenty days (now {level})",
}
NOT_AVAILABLE = "n/a"
FLAT_BP = 0.5  # a move that rounds to 0 bp is "unchanged", never "fell 0 bp"

# The one-day shock component: the market that moved most for its own recent history.
SHOCKS = {
    "usdjpy": "the yen jumped {move} against the dollar today, {sigmas}× its usual daily move",
    "btc": "BTC fell {move} today, {sigmas}× its usual daily move",
    "jgb.up": "the {tenor}-year JGB yield rose {move} today, {sigmas}× its usual daily move",
    "jgb.down": "the {tenor}-year JGB yield fell {move} today, {sigmas}× its usual daily move",
    "spread": "the US–Japan 10-year rate gap narrowed {move} today, {sigmas}× its usual daily move",
}
NO_SHOCK = "no market made an unusual one-day move"


def _level(values: Mapping[str, float], key: str, unit: Unit) -> str:
    v = _v(values, key)
    return fmt(v, unit) if v is not None else NOT_AVAILABLE


def _jgb_sentence(values: Mapping[str, float], tenors: tuple[str, ...]) -> str:
    moves = [(t, values[f"{t}.chg_5d_bp"]) for t in tenors if f"{t}.chg_5d_bp" in values]
    if not moves:
        return ""
    tenor, chg = max(moves, key=lambda m: m[1])
    key = "jgb.flat" if abs(chg) < FLAT_BP else "jgb.up" if chg >= 0 else "jgb.down"
    return READINGS[key].format(
        tenor=tenor.split(".")[1].removesuffix("y"),
        move=size(chg, Unit.BP),
        level=_level(values, tenor, Unit.YIELD),
    )


def _yen_sentence(values: Mapping[str, float]) -> str:
    chg = _v(values, "usdjpy.chg_5d_pct")
    if chg is None:
        return ""
    return READINGS["yen.up" if chg < 0 else "yen.down"].format(  # USD/JPY down = yen up
        move=size(chg, Unit.PCT), level=_level(values, "usdjpy", Unit.JPY)
    )


def _btc_sentence(values: Mapping[str, float]) -> str:
    chg = _v(values, "btc.chg_5d_pct")
    if chg is None:
        return ""
    dd = _v(values, "btc.drawdown_30d")
    return READINGS["btc.down" if chg < 0 else "btc.up"].format(
        move=size(chg, Unit.PCT),
        drawdown=size(dd, Unit.PCT) if dd is not None else NOT_AVAILABLE,
        level=_level(values, "btc", Unit.USD),
    )


def _gap_sentence(values: Mapping[str, float]) -> str:
    chg = _v(values, "spread.us_jp_10y.chg_20d_bp")
    if chg is None:
        return ""
    key = "gap.flat" if abs(chg) < FLAT_BP else "gap.down" if chg < 0 else "gap.up"
    return READINGS[key].format(
        move=size(chg, Unit.BP), level=_level(values, "spread.us_jp_10y", Unit.PP)
    )


def _together_sentence(values: Mapping[str, float], score: float | None) -> str:
    moving = []
    if (v := _v(values, "usdjpy.chg_5d_pct")) is not None and v < 0:
        moving.append("the yen up")
    if (v := _v(values, "btc.chg_5d_pct")) is not None and v < 0:
        moving.append("BTC down")
    jgb = [v for k, v in values.items() if k.startswith("jgb.") and k.endswith(".chg_5d_bp")]
    if jgb and max(jgb) > 0:
        moving.append("JGB yields up")
    if score is not None and score >= DRIVER_FLOOR and len(moving) >= 2:
        return "markets are moving together: " + ", ".join(moving)
    return "markets are not moving together much"


def _joint_clause(p: Mapping[str, float | str]) -> str:
    """A joint yen–JGB shock (signals' ``with_*`` params): the JGB move that confirmed it."""
    series, chg = p.get("with_series"), p.get("with_chg_1d")
    if (
        not isinstance(series, str)
        or not series.startswith("jgb.")
        or not isinstance(chg, float | int)
    ):
        return ""
    way = "rising" if chg >= 0 else "falling"
    tenor = series.split(".")[1].removesuffix("y")
    return f", with the {tenor}-year JGB yield {way} {size(chg, Unit.BP)} the same day"


STRESSED = {"yen_squeeze": "the yen squeeze", "crypto_liquidation": "the crypto sell-off"}


def _stressed_clause(p: Mapping[str, float | str]) -> str:
    """A move while another market is at heavy stress (signals' ``with_component``)."""
    name, score = p.get("with_component"), p.get("with_score")
    if not isinstance(name, str) or not isinstance(score, float | int):
        return ""
    what = STRESSED.get(name, name.replace("_", " "))
    return (
        f", while {what} is already at {score:.0f} of 100: two markets under heavy stress at once"
    )


def _shock_sentence(c: ComponentView) -> str:
    p = c.reason_params
    series, chg, sigmas = p.get("series"), p.get("chg_1d"), p.get("z_1d")  # z: its own σ
    if c.reason_code not in ("shock", "shock_approach") or not isinstance(series, str):
        return NO_SHOCK
    if not isinstance(chg, float | int) or not isinstance(sigmas, float | int):
        return NO_SHOCK
    times = f"{abs(sigmas):.0f}"
    if series.startswith("jgb."):
        return SHOCKS["jgb.up" if chg >= 0 else "jgb.down"].format(
            tenor=series.split(".")[1].removesuffix("y"), move=size(chg, Unit.BP), sigmas=times
        )
    if series == "usdjpy":
        return SHOCKS["usdjpy"].format(move=size(chg, Unit.PCT), sigmas=times) + _joint_clause(p)
    if series == "btc":
        return SHOCKS["btc"].format(move=size(chg, Unit.PCT), sigmas=times) + _stressed_clause(p)
    if series.startswith("spread."):
        return SHOCKS["spread"].format(move=size(chg, Unit.BP), sigmas=times)
    return NO_SHOCK


def component_sentence(c: ComponentView) -> str:
    """What one component sees, in words, from its own values."""
    values = c.values
    if c.name == "jgb_superlong":
        tenors = tuple(
            sorted({k.split(".chg")[0] for k in values if k.startswith("jgb.") and ".chg_" in k})
        )
        return _jgb_sentence(values, tenors)
    if c.name == "jgb_10y":
        return _jgb_sentence(values, ("jgb.10y",))
    if c.name == "yen_squeeze":
        return _yen_sentence(values)
    if c.name == "rate_gap":
        return _gap_sentence(values)
    if c.name == "crypto_liquidation":
        return _btc_sentence(values)
    if c.name == "comovement":
        return _together_sentence(values, c.score)
    if c.name == "day_shock":
        return _shock_sentence(c)
    return c.reason


def _drives(c: ComponentView) -> bool:
    """A weighted component drives the score; the unweighted one-day shock only when it
    lifted the score (a full shock), not while a move merely approaches one."""
    return c.weight > 0 or (c.name == "day_shock" and c.reason_code == "shock")


def drivers(answer: RiskAnswer, n: int = 2) -> list[str]:
    """The one or two components pushing the score up most, in words."""
    live = [
        c
        for c in answer.components
        if c.available and c.score is not None and c.score >= DRIVER_FLOOR and _drives(c)
    ]
    live.sort(key=lambda c: (c.score or 0.0) * c.weight, reverse=True)
    out = [s for c in live if (s := component_sentence(c))]
    return out[:n]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def risk_summary(answer: RiskAnswer, now: dt.datetime, tz: str | None = None) -> RiskSummary:
    """The short answer (≤ 600 characters): stale first if stale, else score and level;
    then what drives it and how old the data is."""
    age = data_age_text(answer.as_of, now, tz)
    stale = is_stale(answer, now)
    score = fmt(answer.score, Unit.POINTS) if answer.score is not None else "no score"
    lines: list[str] = []
    if answer.score is None or answer.level is None:  # no reading at all, not a calm one
        title = f"{STALE_EMOJI} No score: too little fresh data"
        lines.append(_cap(age) + ".")
        return RiskSummary(title, tuple(lines), None, True)
    if stale:
        title = f"{STALE_EMOJI} Data is out of date — no current reading"
        lines.append(
            f"The last score was {score} ({answer.level.label}), {age}. "
            "Treat it as history, not as a calm market."
        )
    else:
        title = f"{LEVEL_EMOJI[answer.level]} Carry-unwind stress: {score} — {answer.level.label}"
        found = drivers(answer)
        if found:
            lines.append("Driven by: " + "; ".join(found) + ".")
        else:
            lines.append("Nothing is pushing it up: yields, the yen and BTC are calm.")
        lines.append(_cap(age) + ".")
    late = [short_series(s) for s in answer.stale_feeds]
    if late and not stale:
        lines.append("Stale feeds left out: " + ", ".join(late) + ".")
    text = "\n".join(lines)
    if len(title) + 1 + len(text) > SHORT_LIMIT:  # never more than the short limit
        text = text[: SHORT_LIMIT - len(title) - 2].rstrip() + "…"
        lines = [text]
    return RiskSummary(title, tuple(lines), None if stale else answer.level, stale)


def risk_details(answer: RiskAnswer) -> list[DetailRow]:
    """One row per component: its score and weight, then what it sees."""
    rows = []
    for c in answer.components:
        if not c.available or c.score is None:
            rows.append(DetailRow(c.label, "no fresh data, left out of the score", True))
            continue
        title = f"{c.label} — {fmt(c.score, Unit.POINTS)}, weight {c.weight * 100:.0f} %"
        text = _cap(component_sentence(c) or "no reading")
        if c.stale:
            text += " (stale)"
        rows.append(DetailRow(title, text, c.stale))
    return rows


def as_of_line(answer: RiskAnswer) -> str:
    return f"Market data of {day_text(answer.as_of)}"
