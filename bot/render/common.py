"""What every renderer shares: one value formatter, one table of kind words and level
marks, one "time ago" helper, and the adapter from an alert event to its facts.

Telegram, Discord and the console all format numbers here, so "−3.7 %", "+16 bp",
"58/100", "¥146.20" and "$53,991" read the same everywhere. Nothing in
``bot/alerts`` or ``signals`` formats a number for people; they hand over the
indicator, operator, value and threshold, and the renderers write the words.

Sentences are whole templates with named placeholders, translated at render time
in the reader's language (``bot.i18n``; the caller sets it with ``i18n.use``); tables
mark their words with ``N_`` and translate where they are used.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.alerts.events import AlertEvent, EventKind
from bot.i18n import N_, _, formats, pgettext
from bot.render.time_words import (  # re-exported: renderers import them from here
    ago as ago,
)
from bot.render.time_words import (
    clock_range as clock_range,
)
from bot.render.time_words import (
    data_age_text as data_age_text,
)
from bot.render.time_words import (
    day_text as day_text,
)
from bot.render.time_words import (
    day_text_full as day_text_full,
)
from bot.render.time_words import (
    duration_words as duration_words,
)
from bot.render.time_words import (
    local_time as local_time,
)
from bot.render.time_words import (
    month_day as month_day,
)
from bot.render.time_words import (
    zone as zone,
)
from signals.levels import Level, level_for
from signals.rules import Rule

MINUS = "\u2212"  # a real minus sign: "−3.7 %" does not wrap or read as a dash

LEVEL_EMOJI: dict[Level, str] = {
    Level.LOW: "🟢",
    Level.ELEVATED: "🟡",
    Level.HIGH: "🟠",
    Level.SEVERE: "🔴",
}
STALE_EMOJI = "⚪"  # a stale reading is not a calm one: never green
LEVEL_WORD: dict[Level, str] = {  # English, for logs and machine output; people get level_word
    Level.LOW: "low",
    Level.ELEVATED: "elevated",
    Level.HIGH: "high",
    Level.SEVERE: "severe",
}


def level_word(level: Level) -> str:
    """The level as the reader says it (zh 低/偏高/高/严重, ja 低/やや高/高/深刻)."""
    if level is Level.LOW:
        return pgettext("level", "low")
    if level is Level.ELEVATED:
        return pgettext("level", "elevated")
    if level is Level.HIGH:
        return pgettext("level", "high")
    return pgettext("level", "severe")


@dataclass(frozen=True, slots=True)
class KindWords:
    emoji: str
    word: str  # "New alert", "Eased" … (marked N_: translate with _() where shown)


KIND_WORDS: dict[EventKind, KindWords] = {
    EventKind.FIRING: KindWords("🚨", N_("New alert")),
    EventKind.ESCALATED: KindWords("⏫", N_("Escalated")),
    EventKind.RESOLVED: KindWords("✅", N_("Eased")),
    EventKind.REPEAT: KindWords("🔁", N_("Still going")),
    EventKind.TEST: KindWords("🧪", N_("Test alert")),
    EventKind.BROADCAST: KindWords("📣", N_("Message from the operators")),
}
ADMIN_KINDS = frozenset({EventKind.TEST, EventKind.BROADCAST})


def mark(kind: EventKind, level: Level) -> str:
    """The one emoji in front of an event: ✅ for eased, 🧪/📣 for admin messages,
    else the level's colour."""
    if kind is EventKind.RESOLVED or kind in ADMIN_KINDS:
        return KIND_WORDS[kind].emoji
    return LEVEL_EMOJI[level]


# -- numbers ---------------------------------------------------------------------


class Unit(enum.StrEnum):
    PCT = "pct"  # a change in percent: −3.7 %
    YIELD = "yield"  # a yield level in percent: 3.72 %
    BP = "bp"  # basis points: +16 bp
    POINTS = "points"  # the 0–100 score: 58/100
    JPY = "jpy"  # yen per dollar: ¥146.20
    USD = "usd"  # dollars: $53,991
    PP = "pp"  # percentage points (the rate gap level): 2.85 pp
    SIGMA = "sigma"  # a z-score: 3.1σ
    PLAIN = "plain"


def _signed(text: str, value: float, sign: bool) -> str:
    if text.lstrip("-") in ("0", "0.0", "0.00"):
        return text.lstrip("-")
    if text.startswith("-"):
        return MINUS + text[1:]
    return f"+{text}" if sign else text


def _grouped(value: float, digits: int) -> str:
    """Digits with the reader's grouping (Babel), rounded as Python rounds the float."""
    return formats.decimal(float(f"{value:.{digits}f}"), digits)


def fmt(value: float, unit: Unit, *, sign: bool | None = None) -> str:
    """The one value formatter. ``sign`` forces (or hides) a leading ``+``; by default
    changes (%, bp, σ) carry one and levels do not. Rounded for people: whole basis
    points, one decimal for percent changes, two for yields and USD/JPY. Units stay
    explicit in every language (%, bp, ¥, $)."""
    if not math.isfinite(value):
        return _("n/a")
    change = unit in (Unit.PCT, Unit.BP, Unit.SIGMA)
    plus = change if sign is None else sign
    if unit is Unit.PCT:
        return _signed(f"{value:.1f}", value, plus) + " %"
    if unit is Unit.YIELD:
        return _signed(f"{value:.2f}", value, plus) + " %"
    if unit is Unit.BP:
        return _signed(f"{value:.0f}", value, plus) + " bp"
    if unit is Unit.POINTS:
        return f"{value:.0f}/100"
    if unit is Unit.JPY:
        return "¥" + _signed(_grouped(value, 2), value, plus)
    if unit is Unit.USD:
        if value >= 0:
            return _signed("$" + _grouped(value, 0), value, plus)
        return MINUS + "$" + _grouped(-value, 0)
    if unit is Unit.PP:
        return _signed(f"{value:.2f}", value, plus) + " pp"
    if unit is Unit.SIGMA:
        return _signed(f"{value:.1f}", value, plus) + "σ"
    return _signed(_grouped(value, 2).rstrip("0").rstrip("."), value, plus)


def size(value: float, unit: Unit) -> str:
    """A move's size without its sign, for sentences that say the direction in words."""
    return fmt(abs(value), unit, sign=False)


def unit_of(indicator: str) -> Unit:
    """The unit of an indicator's value: ``usdjpy.chg_5d_pct`` → PCT, ``jgb.40y`` → YIELD."""
    if indicator == "score" or indicator.startswith("component."):
        return Unit.POINTS
    if indicator.endswith("_bp"):
        return Unit.BP
    if indicator.endswith("_pct") or ".drawdown_" in indicator:
        return Unit.PCT
    if ".z_" in indicator:
        return Unit.SIGMA
    if ".vol_" in indicator:
        return Unit.PCT
    head = indicator.split(".")[0]
    return {
        "jgb": Unit.YIELD,
        "ust": Unit.YIELD,
        "spread": Unit.PP,
        "btc": Unit.USD,
        "usdjpy": Unit.JPY,
    }.get(head, Unit.PLAIN)


def value_text(indicator: str, value: float) -> str:
    return fmt(value, unit_of(indicator))


_LEGACY_UNITS = {"bp": Unit.BP, "%": Unit.PCT, "points": Unit.POINTS, "USD": Unit.USD}


# -- indicators in words -------------------------------------------------------------

_WINDOW = re.compile(r"_(\d+)d")
_TENOR = re.compile(r"^(?:jgb|ust)\.(\d+)y")


def window_days(indicator: str) -> int | None:
    """``usdjpy.chg_5d_pct`` → 5."""
    m = _WINDOW.search(indicator)
    return int(m.group(1)) if m else None


def tenor_years(indicator: str) -> int | None:
    m = _TENOR.match(indicator)
    return int(m.group(1)) if m else None


def series_name(indicator: str) -> str:
    """The market an indicator reads, as a reader names it."""
    head = indicator.split(".")[0]
    tenor = tenor_years(indicator)
    if head == "jgb" and tenor:
        return _("the {tenor}-year Japanese government bond yield").format(tenor=tenor)
    if head == "ust" and tenor:
        return _("the {tenor}-year US Treasury yield").format(tenor=tenor)
    if head == "spread":
        return _("the US–Japan 10-year rate gap")
    if head == "usdjpy":
        return "USD/JPY"
    if head == "btc":
        return "BTC"
    if head in ("score", "component"):
        return _("the carry-unwind stress score")
    return indicator


def short_series(series: str) -> str:
    """Compact names for lists and charts: ``jgb.30y`` → "JGB 30y"."""
    if series.startswith(("jgb.", "ust.")) and (tenor := tenor_years(series)):
        if series.startswith("jgb."):
            return _("JGB {tenor}y").format(tenor=tenor)
        return _("US {tenor}y").format(tenor=tenor)
    if series == "spread.us_jp_10y":
        return _("US–JP 10y gap")
    return {"usdjpy": "USD/JPY", "btc": "BTC"}.get(series, series)


# -- time --------------------------------------------------------------------------


# -- alert facts: the one adapter from AlertEvent --------------------------------------

_RULES: dict[str, Rule] = {}


def register_rules(rules: Iterable[Rule]) -> None:
    """Tell the renderers the active rule book (the runtime calls this once it loaded
    the rules), so an event that only names its rule can be described."""
    _RULES.update({r.name: r for r in rules})


def _rule(name: str) -> Rule | None:
    if not _RULES:
        from bot.rules.load import load_rules  # the packaged defaults, once

        register_rules(load_rules())
    return _RULES.get(name)


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """What a renderer needs of one alert, structured (see the AlertEvent contract)."""

    rule: str
    kind: EventKind
    level: Level
    indicator: str
    operator: str
    value: float | None
    threshold: float | None
    score: float | None
    score_level: Level | None
    as_of: dt.date
    created_at: dt.datetime
    episode: str
    description: str = ""
    started_at: dt.datetime | None = None  # when the episode began (resolved notices)
    stored_headline: str = ""  # the event's own words, for rules no longer known
    stored_cause: str = ""

    @property
    def rising(self) -> bool:
        return self.operator in (">=", ">")


def alert_facts(event: AlertEvent) -> AlertFacts:
    """The facts of ``event``: its own structured fields where it has them, else
    derived from the rule's definition. The one place to change when AlertEvent
    grows ``indicator``/``operator``/``score_level`` (engineer path's reshaping)."""
    from bot.render import event_text  # it builds on this module

    rule = _rule(event.rule)
    indicator = str(getattr(event, "indicator", "") or (rule.indicator if rule else ""))
    operator = str(getattr(event, "operator", "") or (rule.op if rule else ""))
    score_level = getattr(event, "score_level", None)
    if score_level is None and event.score is not None:
        score_level = level_for(event.score)
    return AlertFacts(
        rule=event.rule,
        kind=event.kind,
        level=event.level,
        indicator=indicator,
        operator=operator,
        value=event.value,
        threshold=event.threshold,
        score=event.score,
        score_level=score_level,
        as_of=event.as_of,
        created_at=event.created_at,
        episode=event.episode,
        description=rule.description if rule else "",
        started_at=getattr(event, "started_at", None),
        stored_headline=event_text.headline(event),
        stored_cause=event_text.cause(event),
    )


def facts_unit(facts: AlertFacts, legacy_unit: str = "") -> Unit:
    if facts.indicator:
        return unit_of(facts.indicator)
    return _LEGACY_UNITS.get(legacy_unit, Unit.PLAIN)


PERSONAL_PREFIX = "my-"  # bot.rules.personal_policy names a chat's own rules my-<id>-<name>


def rule_label(rule: str, description: str) -> str:
    """``rule score-high``; a chat's own rule by the name and expression it was given:
    ``your rule yen2: usdjpy.chg_1d_pct <= -2``."""
    if rule.startswith(PERSONAL_PREFIX) and description.startswith("Your rule: "):
        name = rule.split("-", 2)[-1]
        return _("your rule {name}: {expression}").format(
            name=name, expression=description.removeprefix("Your rule: ")
        )
    return _("rule {name}").format(name=rule)
