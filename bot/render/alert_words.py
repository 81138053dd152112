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


def _firing_headline(f: AlertFacts) -> str:
    ind, v = f.indicator, f.value
    if not ind or v is None:  # a rule this book does not know: its stored words
        return f.stored_headline or f.description or f.rule
    u = unit_of(ind)
    days = days_words(window_days(ind))
    fam = family(ind)
    move = size(v, u)
    if fam == "yen" and ".chg_" in ind:
        if v < 0:
            return (
                f"The yen jumped {move} against the dollar in {days} — "
                "carry trades are being unwound"
            )
        return f"The yen fell {move} against the dollar in {days}"
    if fam == "yen" and ".drawdown_" in ind:
        return f"USD/JPY is {move} below its {window_days(ind)}-day high — the yen is surging"
    if fam == "jgb" and ".chg_" in ind:
        tenor = tenor_years(ind)
        verb = "rose" if v >= 0 else "fell"
        return f"The {tenor}-year Japanese bond yield {verb} {move} in {days}"
    if fam == "jgb" and ind.count(".") == 1:
        line = fmt(f.threshold, u) if f.threshold is not None else ""
        side = "above" if f.rising else "below"
        return (
            f"The {tenor_years(ind)}-year Japanese bond yield is at {fmt(v, u)}, "
            f"{side} the {line} alert line"
        )
    if fam == "btc" and ".drawdown_" in ind:
        return f"BTC is {move} below its {window_days(ind)}-day high"
    if fam == "btc" and ".chg_" in ind:
        verb = "fell" if v < 0 else "rose"
        return f"BTC {verb} {move} in {days}"
    if fam == "gap" and ".chg_" in ind:
        verb = "narrowed" if v < 0 else "widened"
        return f"The US–Japan rate gap {verb} {move} in {days} — the carry trade pays less"
    if fam == "score":
        score_level = f.score_level.label if f.score_level else ""
        return f"Carry-unwind stress is up to {fmt(v, Unit.POINTS)} ({score_level})"
    name = series_name(ind).capitalize() if ind else (f.description or f.rule)
    return f"{name} is at {fmt(v, u)}"


def _eased_subject(f: AlertFacts) -> str:
    fam = family(f.indicator)
    if fam == "yen":
        return "the yen's surge has calmed"
    if fam == "jgb":
        return f"the {tenor_years(f.indicator)}-year Japanese bond yield has come back down"
    if fam == "btc":
        return "BTC's slide has eased"
    if fam == "gap":
        return "the squeeze on the US–Japan rate gap has eased"
    if fam == "score":
        return "carry-unwind stress has come down"
    return f"{f.stored_headline or f.description or f.rule}"


def headline(f: AlertFacts) -> str:
    """One sentence saying what happened, in words."""
    if f.kind is EventKind.RESOLVED:
        text = f"Eased: {_eased_subject(f)}"
        if f.value is not None and f.indicator:
            text += f" ({measure(f.indicator)} now {fmt(f.value, unit_of(f.indicator))})"
        return text
    return _firing_headline(f)


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
