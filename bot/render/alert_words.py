"""An alert in a crypto trader's words: headline, why it matters, the numbers.

Platform-neutral plain text; the Telegram, Discord and console renderers style
and escape it. Every sentence is whole with named placeholders (for issue 12's
translations), chosen by what the rule watches (its indicator family) and by
whether the alert fired or eased.
"""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import EventKind
from bot.render.common import (
    AlertFacts,
    Unit,
    duration_words,
    fmt,
    series_name,
    size,
    tenor_years,
    unit_of,
    window_days,
)
from signals.levels import Level

NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}
RISK_HINT = "Send /risk for the full picture."
ALERT_LEVEL = {
    Level.LOW: "Low alert",
    Level.ELEVATED: "Elevated alert",
    Level.HIGH: "High alert",
    Level.SEVERE: "Severe alert",
}


def days_words(n: int | None) -> str:
    if n is None:
        return "recent days"
    return f"{NUMBER_WORDS.get(n, str(n))} day" + ("" if n == 1 else "s")


def family(indicator: str) -> str:
    """``yen``, ``jgb``, ``btc``, ``gap``, ``score`` or ``other``."""
    head = indicator.split(".")[0]
    return {
        "usdjpy": "yen",
        "jgb": "jgb",
        "btc": "btc",
        "spread": "gap",
        "score": "score",
        "component": "score",
    }.get(head, "other")


def measure(indicator: str) -> str:
    """What the rule measures, as a label: "USD/JPY 5-day change"."""
    days = window_days(indicator)
    tenor = tenor_years(indicator)
    fam = family(indicator)
    base = {
        "yen": "USD/JPY",
        "jgb": f"{tenor}-year JGB yield" if tenor else "JGB yield",
        "btc": "BTC",
        "gap": "US–Japan 10-year rate gap",
        "score": "stress score",
    }.get(fam, indicator)
    if ".chg_" in indicator:
        return f"{base} {days}-day change"
    if ".drawdown_" in indicator:
        return f"{base} below its {days}-day high"
    if ".z_" in indicator:
        return f"{base} {days}-day move in standard deviations"
    return base


# Whole sentences with named placeholders, one per situation, so each can be
# translated as a unit (issue 12). Keys: family . measure . direction.
HEADLINES = {
    "yen.chg.down": (
        "The yen jumped {move} against the dollar in {days} — carry trades are being unwound"
    ),
    "yen.chg.up": "The yen fell {move} against the dollar in {days}",
    "yen.drawdown": "USD/JPY is {move} below its {window}-day high — the yen is surging",
    "jgb.chg.up": "The {tenor}-year Japanese bond yield rose {move} in {days}",
    "jgb.chg.down": "The {tenor}-year Japanese bond yield fell {move} in {days}",
    "jgb.level.up": (
        "The {tenor}-year Japanese bond yield is at {value}, above the {line} alert line"
    ),
    "jgb.level.down": (
        "The {tenor}-year Japanese bond yield is at {value}, below the {line} alert line"
    ),
    "btc.drawdown": "BTC is {move} below its {window}-day high",
    "btc.chg.down": "BTC fell {move} in {days}",
    "btc.chg.up": "BTC rose {move} in {days}",
    "gap.chg.down": "The US–Japan rate gap narrowed {move} in {days} — the carry trade pays less",
    "gap.chg.up": "The US–Japan rate gap widened {move} in {days}",
    "score": "Carry-unwind stress is up to {score} ({score_level})",
    "other": "{name} is at {value}",
}
EASED = {
    "yen": "Eased: the yen's surge has calmed ({measure} now {value})",
    "jgb": "Eased: the {tenor}-year Japanese bond yield has come back down ({measure} now {value})",
    "btc": "Eased: BTC's slide has eased ({measure} now {value})",
    "gap": "Eased: the squeeze on the US–Japan rate gap has eased ({measure} now {value})",
    "score": "Eased: carry-unwind stress has come down ({measure} now {value})",
    "other": "Eased: {name}",
}


def _situation(f: AlertFacts) -> str:
    fam = family(f.indicator)
    if fam == "score":
        return "score"
    if fam not in ("yen", "jgb", "btc", "gap"):
        return "other"
    v = f.value or 0.0
    if ".drawdown_" in f.indicator:
        key = f"{fam}.drawdown"
    elif ".chg_" in f.indicator:
        key = f"{fam}.chg.{'down' if v < 0 else 'up'}"
    elif fam == "jgb" and f.indicator.count(".") == 1:
        key = f"jgb.level.{'up' if f.rising else 'down'}"
    else:
        return "other"
    return key if key in HEADLINES else "other"


def _placeholders(f: AlertFacts) -> dict[str, str]:
    ind, v = f.indicator, f.value or 0.0
    u = unit_of(ind)
    return {
        "move": size(v, u),
        "value": fmt(v, u),
        "days": days_words(window_days(ind)),
        "window": str(window_days(ind) or ""),
        "tenor": str(tenor_years(ind) or ""),
        "line": fmt(f.threshold, u) if f.threshold is not None else "",
        "score": fmt(v, Unit.POINTS),
        "score_level": f.score_level.label if f.score_level else "",
        "measure": measure(ind),
        "name": series_name(ind).capitalize(),
    }


def headline(f: AlertFacts) -> str:
    """One sentence saying what happened, in words."""
    if not f.indicator or f.value is None:  # a rule this book does not know: stored words
        stored = f.stored_headline or f.description or f.rule
        return EASED["other"].format(name=stored) if f.kind is EventKind.RESOLVED else stored
    if f.kind is EventKind.RESOLVED:
        return EASED.get(family(f.indicator), EASED["other"]).format(**_placeholders(f))
    return HEADLINES[_situation(f)].format(**_placeholders(f))


_WHY = {
    "yen": (
        "A fast-rising yen forces traders who borrowed cheap yen to sell what they bought "
        "with it — stocks and crypto included."
    ),
    "jgb": (
        "Higher Japanese yields make yen funding dearer and pull money home, which is how "
        "carry trades that fund risk assets like BTC start to unwind."
    ),
    "btc": (
        "Crypto is where leveraged carry money leaves fastest: a deep BTC drop can trigger "
        "liquidations that push it lower still."
    ),
    "gap": (
        "The carry trade lives on the gap between US and Japanese rates; as it narrows, "
        "holders close positions and sell risk assets."
    ),
    "score": (
        "Several carry-unwind signals are moving at once; such stress has come with sharp "
        "falls in BTC and stocks before."
    ),
}


def why_it_matters(f: AlertFacts) -> str:
    """One line on what it means for crypto and risk assets; empty for an eased alert."""
    if f.kind is EventKind.RESOLVED:
        return ""
    if not f.indicator:
        return f.stored_cause
    return _WHY.get(family(f.indicator), "")


def lasted(f: AlertFacts) -> str:
    """``It lasted 2 days 4 h.`` for an eased alert whose start is known."""
    if f.kind is not EventKind.RESOLVED or f.started_at is None:
        return ""
    span = f.created_at - f.started_at
    if span <= dt.timedelta(0):
        return ""
    return f"It lasted {duration_words(span)}."


def levels_line(f: AlertFacts) -> str:
    """Which level is which: the alert's (set by its rule) and the market's (the score)."""
    parts = []
    if f.kind is not EventKind.RESOLVED:
        parts.append(f"Alert level: {f.level.label}")
    if f.score is not None:
        level = f" ({f.score_level.label})" if f.score_level is not None else ""
        parts.append(f"market stress {fmt(f.score, Unit.POINTS)}{level}")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def numbers_line(f: AlertFacts) -> str:
    """The rule's measure and the line it crossed, rounded for people."""
    if f.value is None or not f.indicator or family(f.indicator) == "score":
        return ""
    u = unit_of(f.indicator)
    text = f"{measure(f.indicator)}: {fmt(f.value, u)}"
    if f.threshold is not None:
        which = "cleared below" if f.rising else "cleared above"
        label = which if f.kind is EventKind.RESOLVED else "alert line"
        text += f" ({label} {fmt(f.threshold, u)})"
    return text
