"""/risk in words: a short answer (score, level, what drives it, data age) and the
per-component details behind it. Platform-neutral; each renderer styles it.

Each component is described from its own indicator values (never the engine's
reason string): the super-long JGB line names the tenor that moved most and only
that tenor, the co-movement line says which markets move together. Every sentence
is a whole template in the reader's language (tables marked ``N_``, translated at use).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.commands.answers import ComponentView, RiskAnswer
from bot.i18n import N_, _, pgettext
from bot.render.common import (
    LEVEL_EMOJI,
    STALE_EMOJI,
    Unit,
    data_age_text,
    day_text,
    fmt,
    level_word,
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


# Whole sentences with named placeholders, each translated as a unit at render time.
READINGS = {
    "jgb.up": N_("the {tenor}-year JGB yield rose {move} in five days (now {level})"),
    "jgb.down": N_("the {tenor}-year JGB yield fell {move} in five days (now {level})"),
    "yen.up": N_("the yen rose {move} against the dollar in five days (USD/JPY {level})"),
    "yen.down": N_("the yen fell {move} against the dollar in five days (USD/JPY {level})"),
    "btc.down": N_("BTC fell {move} in five days, {drawdown} below its 30-day high ({level})"),
    "btc.up": N_("BTC rose {move} in five days, {drawdown} below its 30-day high ({level})"),
    "gap.down": N_("the US–Japan 10-year rate gap narrowed {move} in twenty days (now {level})"),
    "gap.up": N_("the US–Japan 10-year rate gap widened {move} in twenty days (now {level})"),
    "jgb.flat": N_("the {tenor}-year JGB yield is unchanged over five days (now {level})"),
    "gap.flat": N_("the US–Japan 10-year rate gap is unchanged over twenty days (now {level})"),
}
NOT_AVAILABLE = N_("n/a")
FLAT_BP = 0.5  # a move that rounds to 0 bp is "unchanged", never "fell 0 bp"

# The one-day shock component: the market that moved most for its own recent history.
SHOCKS = {
    "usdjpy": N_("the yen jumped {move} against the dollar today, {sigmas}× its usual daily move"),
    "btc": N_("BTC fell {move} today, {sigmas}× its usual daily move"),
    "jgb.up": N_("the {tenor}-year JGB yield rose {move} today, {sigmas}× its usual daily move"),
    "jgb.down": N_("the {tenor}-year JGB yield fell {move} today, {sigmas}× its usual daily move"),
    "spread": N_(
        "the US–Japan 10-year rate gap narrowed {move} today, {sigmas}× its usual daily move"
    ),
    # a joint yen–JGB shock: the JGB move that confirmed it, the same day
    "usdjpy.with_jgb.up": N_(
        "the yen jumped {move} against the dollar today, {sigmas}× its usual daily move, "
        "with the {tenor}-year JGB yield rising {with_move} the same day"
    ),
    "usdjpy.with_jgb.down": N_(
        "the yen jumped {move} against the dollar today, {sigmas}× its usual daily move, "
        "with the {tenor}-year JGB yield falling {with_move} the same day"
    ),
    # a BTC move while another market is already at heavy stress
    "btc.stressed": N_(
        "BTC fell {move} today, {sigmas}× its usual daily move, while {what} is already "
        "at {score} of 100: two markets under heavy stress at once"
    ),
}
NO_SHOCK = N_("no market made an unusual one-day move")  # English; shown with _()


def _level(values: Mapping[str, float], key: str, unit: Unit) -> str:
    v = _v(values, key)
    return fmt(v, unit) if v is not None else _(NOT_AVAILABLE)


def _jgb_sentence(values: Mapping[str, float], tenors: tuple[str, ...]) -> str:
    moves = [(t, values[f"{t}.chg_5d_bp"]) for t in tenors if f"{t}.chg_5d_bp" in values]
    if not moves:
        return ""
    tenor, chg = max(moves, key=lambda m: m[1])
    key = "jgb.flat" if abs(chg) < FLAT_BP else "jgb.up" if chg >= 0 else "jgb.down"
    return _(READINGS[key]).format(
        tenor=tenor.split(".")[1].removesuffix("y"),
        move=size(chg, Unit.BP),
        level=_level(values, tenor, Unit.YIELD),
    )


def _yen_sentence(values: Mapping[str, float]) -> str:
    chg = _v(values, "usdjpy.chg_5d_pct")
    if chg is None:
        return ""
    return _(READINGS["yen.up" if chg < 0 else "yen.down"]).format(  # USD/JPY down = yen up
        move=size(chg, Unit.PCT), level=_level(values, "usdjpy", Unit.JPY)
    )


def _btc_sentence(values: Mapping[str, float]) -> str:
    chg = _v(values, "btc.chg_5d_pct")
    if chg is None:
        return ""
    dd = _v(values, "btc.drawdown_30d")
    return _(READINGS["btc.down" if chg < 0 else "btc.up"]).format(
        move=size(chg, Unit.PCT),
        drawdown=size(dd, Unit.PCT) if dd is not None else _(NOT_AVAILABLE),
        level=_level(values, "btc", Unit.USD),
    )


def _gap_sentence(values: Mapping[str, float]) -> str:
    chg = _v(values, "spread.us_jp_10y.chg_20d_bp")
    if chg is None:
        return ""
    key = "gap.flat" if abs(chg) < FLAT_BP else "gap.down" if chg < 0 else "gap.up"
    return _(READINGS[key]).format(
        move=size(chg, Unit.BP), level=_level(values, "spread.us_jp_10y", Unit.PP)
    )


def _together_sentence(values: Mapping[str, float], score: float | None) -> str:
    moving = []
    if (v := _v(values, "usdjpy.chg_5d_pct")) is not None and v < 0:
        moving.append(_("the yen up"))
    if (v := _v(values, "btc.chg_5d_pct")) is not None and v < 0:
        moving.append(_("BTC down"))
    jgb = [v for k, v in values.items() if k.startswith("jgb.") and k.endswith(".chg_5d_bp")]
    if jgb and max(jgb) > 0:
        moving.append(_("JGB yields up"))
    if score is not None and score >= DRIVER_FLOOR and len(moving) >= 2:
        markets = pgettext("list separator", ", ").join(moving)
        return _("markets are moving together: {markets}").format(markets=markets)
    return _("markets are not moving together much")


def _joint(p: Mapping[str, float | str]) -> tuple[str, float] | None:
    """A joint yen–JGB shock (signals' ``with_*`` params): the confirming JGB tenor and move."""
    series, chg = p.get("with_series"), p.get("with_chg_1d")
    if (
        not isinstance(series, str)
        or not series.startswith("jgb.")
        or not isinstance(chg, float | int)
    ):
        return None
    return series.split(".")[1].removesuffix("y"), float(chg)


STRESSED = {"yen_squeeze": N_("the yen squeeze"), "crypto_liquidation": N_("the crypto sell-off")}


def _stressed(p: Mapping[str, float | str]) -> tuple[str, float] | None:
    """A move while another market is at heavy stress (signals' ``with_component``)."""
    name, score = p.get("with_component"), p.get("with_score")
    if not isinstance(name, str) or not isinstance(score, float | int):
        return None
    what = _(STRESSED[name]) if name in STRESSED else name.replace("_", " ")
    return what, float(score)


def _shock_sentence(c: ComponentView) -> str:
    p = c.reason_params
    series, chg, sigmas = p.get("series"), p.get("chg_1d"), p.get("z_1d")  # z: its own σ
    if c.reason_code not in ("shock", "shock_approach") or not isinstance(series, str):
        return _(NO_SHOCK)
    if not isinstance(chg, float | int) or not isinstance(sigmas, float | int):
        return _(NO_SHOCK)
    times = f"{abs(sigmas):.0f}"
    if series.startswith("jgb."):
        return _(SHOCKS["jgb.up" if chg >= 0 else "jgb.down"]).format(
            tenor=series.split(".")[1].removesuffix("y"), move=size(chg, Unit.BP), sigmas=times
        )
    if series == "usdjpy":
        move = size(chg, Unit.PCT)
        if (joint := _joint(p)) is not None:
            tenor, with_chg = joint
            key = "usdjpy.with_jgb.up" if with_chg >= 0 else "usdjpy.with_jgb.down"
            return _(SHOCKS[key]).format(
                move=move, sigmas=times, tenor=tenor, with_move=size(with_chg, Unit.BP)
            )
        return _(SHOCKS["usdjpy"]).format(move=move, sigmas=times)
    if series == "btc":
        move = size(chg, Unit.PCT)
        if (stressed := _stressed(p)) is not None:
            what, score = stressed
            return _(SHOCKS["btc.stressed"]).format(
                move=move, sigmas=times, what=what, score=f"{score:.0f}"
            )
        return _(SHOCKS["btc"]).format(move=move, sigmas=times)
    if series.startswith("spread."):
        return _(SHOCKS["spread"]).format(move=size(chg, Unit.BP), sigmas=times)
    return _(NO_SHOCK)


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


def _sentence(age: str) -> str:
    """The data age as a sentence of its own: ``As of Tue 6 Aug, 2 days old.``"""
    return _cap(_("{data_age}.").format(data_age=age))


def risk_summary(answer: RiskAnswer, now: dt.datetime, tz: str | None = None) -> RiskSummary:
    """The short answer (≤ 600 characters): stale first if stale, else score and level;
    then what drives it and how old the data is."""
    age = data_age_text(answer.as_of, now, tz)
    stale = is_stale(answer, now)
    lines: list[str] = []
    if answer.score is None or answer.level is None:  # no reading at all, not a calm one
        title = _("{mark} No score: too little fresh data").format(mark=STALE_EMOJI)
        lines.append(_sentence(age))
        return RiskSummary(title, tuple(lines), None, True)
    score = fmt(answer.score, Unit.POINTS)
    level = level_word(answer.level)
    if stale:
        title = _("{mark} Data is out of date — no current reading").format(mark=STALE_EMOJI)
        lines.append(
            _(
                "The last score was {score} ({level}), {data_age}. "
                "Treat it as history, not as a calm market."
            ).format(score=score, level=level, data_age=age)
        )
    else:
        title = _("{mark} Carry-unwind stress: {score} — {level}").format(
            mark=LEVEL_EMOJI[answer.level], score=score, level=level
        )
        found = drivers(answer)
        if found:
            joined = pgettext("clause separator", "; ").join(found)
            lines.append(_("Driven by: {drivers}.").format(drivers=joined))
        else:
            lines.append(_("Nothing is pushing it up: yields, the yen and BTC are calm."))
        lines.append(_sentence(age))
    late = [short_series(s) for s in answer.stale_feeds]
    if late and not stale:
        feeds = pgettext("list separator", ", ").join(late)
        lines.append(_("Stale feeds left out: {feeds}.").format(feeds=feeds))
    text = "\n".join(lines)
    if len(title) + 1 + len(text) > SHORT_LIMIT:  # never more than the short limit
        text = text[: SHORT_LIMIT - len(title) - 2].rstrip() + "…"
        lines = [text]
    return RiskSummary(title, tuple(lines), None if stale else answer.level, stale)


# The components' names for people (signals' labels stay English, for logs and JSON).
COMPONENT_NAMES = {
    "jgb_superlong": N_("JGB super-long"),
    "jgb_10y": N_("JGB 10y"),
    "yen_squeeze": N_("Yen squeeze"),
    "rate_gap": N_("US–JP rate gap"),
    "crypto_liquidation": N_("Crypto liquidation"),
    "comovement": N_("Cross-asset co-movement"),
    "day_shock": N_("One-day shock"),
}


def component_name(c: ComponentView) -> str:
    return _(COMPONENT_NAMES[c.name]) if c.name in COMPONENT_NAMES else c.label


def risk_details(answer: RiskAnswer) -> list[DetailRow]:
    """One row per component: its score and weight, then what it sees."""
    rows = []
    for c in answer.components:
        name = component_name(c)
        if not c.available or c.score is None:
            rows.append(DetailRow(name, _("no fresh data, left out of the score"), True))
            continue
        title = _("{component} — {score}, weight {weight} %").format(
            component=name, score=fmt(c.score, Unit.POINTS), weight=f"{c.weight * 100:.0f}"
        )
        text = _cap(component_sentence(c) or _("no reading"))
        if c.stale:
            text = _("{reading} (stale)").format(reading=text)
        rows.append(DetailRow(title, text, c.stale))
    return rows


def as_of_line(answer: RiskAnswer) -> str:
    return _("Market data of {day}").format(day=day_text(answer.as_of))
