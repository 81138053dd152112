"""An alert in a crypto trader's words: headline, why it matters, the numbers.

Platform-neutral plain text; the Telegram, Discord and console renderers style
and escape it. Every sentence is a whole template with named placeholders, in the
reader's language (tables are marked ``N_`` and translated at use), chosen by what
the rule watches (its indicator family) and by whether the alert fired or eased.
"""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import EventKind
from bot.i18n import N_, _, ngettext
from bot.render.common import (
    AlertFacts,
    Unit,
    duration_words,
    fmt,
    level_word,
    series_name,
    size,
    tenor_years,
    unit_of,
    window_days,
)
from signals.levels import Level

# "in five days": small counts in words (English style); each a whole phrase.
NUMBER_DAYS = {
    1: N_("one day"),
    2: N_("two days"),
    3: N_("three days"),
    4: N_("four days"),
    5: N_("five days"),
    6: N_("six days"),
    7: N_("seven days"),
    8: N_("eight days"),
    9: N_("nine days"),
    10: N_("ten days"),
}
RISK_HINT = N_("Send /risk for the full picture.")  # English; show it with _(RISK_HINT)
ALERT_LEVEL = {  # English; show with _(ALERT_LEVEL[level])
    Level.LOW: N_("Low alert"),
    Level.ELEVATED: N_("Elevated alert"),
    Level.HIGH: N_("High alert"),
    Level.SEVERE: N_("Severe alert"),
}
# The title of a live alert: its level and its headline, one template per kind.
ALERT_TITLE = {
    EventKind.ESCALATED: N_("{alert_level} (escalated): {headline}"),
    EventKind.REPEAT: N_("{alert_level} (still going): {headline}"),
}


def alert_title(kind: EventKind, level: Level, text: str) -> str:
    """``High alert (escalated): The yen jumped …`` in the reader's language."""
    template = ALERT_TITLE.get(kind, N_("{alert_level}: {headline}"))
    return _(template).format(alert_level=_(ALERT_LEVEL[level]), headline=text)


def days_words(n: int | None) -> str:
    if n is None:
        return _("recent days")
    if n in NUMBER_DAYS:
        return _(NUMBER_DAYS[n])
    return ngettext("{n} day", "{n} days", n).format(n=n)


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


def _base(indicator: str) -> str:
    tenor = tenor_years(indicator)
    fam = family(indicator)
    if fam == "yen":
        return "USD/JPY"
    if fam == "btc":
        return "BTC"
    if fam == "jgb":
        return _("{tenor}-year JGB yield").format(tenor=tenor) if tenor else _("JGB yield")
    if fam == "gap":
        return _("US–Japan 10-year rate gap")
    if fam == "score":
        return _("stress score")
    return indicator


def measure(indicator: str) -> str:
    """What the rule measures, as a label: "USD/JPY 5-day change"."""
    days = window_days(indicator)
    base = _base(indicator)
    if ".chg_" in indicator:
        return _("{measure} {days}-day change").format(measure=base, days=days)
    if ".drawdown_" in indicator:
        return _("{measure} below its {days}-day high").format(measure=base, days=days)
    if ".z_" in indicator:
        return _("{measure} {days}-day move in standard deviations").format(measure=base, days=days)
    return base


# Whole sentences with named placeholders, one per situation, each translated as a
# unit at render time. Keys: family . measure . direction.
HEADLINES = {
    "yen.chg.down": N_(
        "The yen jumped {move} against the dollar in {days} — carry trades are being unwound"
    ),
    "yen.chg.up": N_("The yen fell {move} against the dollar in {days}"),
    "yen.drawdown": N_("USD/JPY is {move} below its {window}-day high — the yen is surging"),
    "jgb.chg.up": N_("The {tenor}-year Japanese bond yield rose {move} in {days}"),
    "jgb.chg.down": N_("The {tenor}-year Japanese bond yield fell {move} in {days}"),
    "jgb.level.up": N_(
        "The {tenor}-year Japanese bond yield is at {value}, above the {line} alert line"
    ),
    "jgb.level.down": N_(
        "The {tenor}-year Japanese bond yield is at {value}, below the {line} alert line"
    ),
    "btc.drawdown": N_("BTC is {move} below its {window}-day high"),
    "btc.chg.down": N_("BTC fell {move} in {days}"),
    "btc.chg.up": N_("BTC rose {move} in {days}"),
    "gap.chg.down": N_(
        "The US–Japan rate gap narrowed {move} in {days} — the carry trade pays less"
    ),
    "gap.chg.up": N_("The US–Japan rate gap widened {move} in {days}"),
    "score": N_("Carry-unwind stress is up to {score} ({score_level})"),
    "other": N_("{name} is at {value}"),
}
EASED = {
    "yen": N_("Eased: the yen's surge has calmed ({measure} now {value})"),
    "jgb": N_(
        "Eased: the {tenor}-year Japanese bond yield has come back down ({measure} now {value})"
    ),
    "btc": N_("Eased: BTC's slide has eased ({measure} now {value})"),
    "gap": N_("Eased: the squeeze on the US–Japan rate gap has eased ({measure} now {value})"),
    "score": N_("Eased: carry-unwind stress has come down ({measure} now {value})"),
    "other": N_("Eased: {name}"),
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
        "score_level": level_word(f.score_level) if f.score_level else "",
        "measure": measure(ind),
        "name": _cap(series_name(ind)),
    }


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def headline(f: AlertFacts) -> str:
    """One sentence saying what happened, in words."""
    if not f.indicator or f.value is None:  # a rule this book does not know: stored words
        stored = f.stored_headline or f.description or f.rule
        return _(EASED["other"]).format(name=stored) if f.kind is EventKind.RESOLVED else stored
    if f.kind is EventKind.RESOLVED:
        return _(EASED.get(family(f.indicator), EASED["other"])).format(**_placeholders(f))
    return _(HEADLINES[_situation(f)]).format(**_placeholders(f))


_WHY = {
    "yen": N_(
        "A fast-rising yen forces traders who borrowed cheap yen to sell what they bought "
        "with it — stocks and crypto included."
    ),
    "jgb": N_(
        "Higher Japanese yields make yen funding dearer and pull money home, which is how "
        "carry trades that fund risk assets like BTC start to unwind."
    ),
    "btc": N_(
        "Crypto is where leveraged carry money leaves fastest: a deep BTC drop can trigger "
        "liquidations that push it lower still."
    ),
    "gap": N_(
        "The carry trade lives on the gap between US and Japanese rates; as it narrows, "
        "holders close positions and sell risk assets."
    ),
    "score": N_(
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
    why = _WHY.get(family(f.indicator))
    return _(why) if why else ""


def lasted(f: AlertFacts) -> str:
    """``It lasted 2 days 4 h.`` for an eased alert whose start is known."""
    if f.kind is not EventKind.RESOLVED or f.started_at is None:
        return ""
    span = f.created_at - f.started_at
    if span <= dt.timedelta(0):
        return ""
    return _("It lasted {duration}.").format(duration=duration_words(span))


def levels_line(f: AlertFacts) -> str:
    """Which level is which: the alert's (set by its rule) and the market's (the score)."""
    alert = level_word(f.level)
    if f.score is None:
        return "" if f.kind is EventKind.RESOLVED else _("Alert level: {level}").format(level=alert)
    score = fmt(f.score, Unit.POINTS)
    market = level_word(f.score_level) if f.score_level is not None else ""
    if f.kind is EventKind.RESOLVED:
        if market:
            return _("Market stress {score} ({score_level})").format(
                score=score, score_level=market
            )
        return _("Market stress {score}").format(score=score)
    if market:
        return _("Alert level: {level} · market stress {score} ({score_level})").format(
            level=alert, score=score, score_level=market
        )
    return _("Alert level: {level} · market stress {score}").format(level=alert, score=score)


def numbers_line(f: AlertFacts) -> str:
    """The rule's measure and the line it crossed, rounded for people."""
    if f.value is None or not f.indicator or family(f.indicator) == "score":
        return ""
    u = unit_of(f.indicator)
    words = {"measure": measure(f.indicator), "value": fmt(f.value, u)}
    if f.threshold is None:
        return _("{measure}: {value}").format(**words)
    words["line"] = fmt(f.threshold, u)
    if f.kind is not EventKind.RESOLVED:
        return _("{measure}: {value} (alert line {line})").format(**words)
    if f.rising:
        return _("{measure}: {value} (cleared below {line})").format(**words)
    return _("{measure}: {value} (cleared above {line})").format(**words)
