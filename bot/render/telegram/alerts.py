"""Alert messages for Telegram: one message per chat, HTML with a plain-text twin.

Each event of an :class:`~bot.alerts.events.AlertMessage` becomes a block:
headline in words (bold), why it matters, the measure against its alert line,
which level is the alert's and which the market's, and the time in the reader's
zone, in the reader's language (set by the caller with ``i18n.use``). Eased
alerts read as an all-clear. A held or delayed message says which,
first. :func:`silent` decides ``disable_notification``: low and elevated alerts
arrive without a sound, high and severe with one.
"""

from __future__ import annotations

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.digest import DIGEST_RULE
from bot.i18n import N_, _
from bot.render import event_text
from bot.render.alert_words import (
    RISK_HINT,
    alert_title,
    headline,
    lasted,
    levels_line,
    numbers_line,
    why_it_matters,
)
from bot.render.common import (
    LEVEL_EMOJI,
    alert_facts,
    clock_range,
    day_text,
    duration_words,
    local_time,
    mark,
    rule_label,
    zone,
)
from bot.render.telegram.text import Doc, Line, b, i, line
from signals.levels import Level

LEVEL_MARKER = LEVEL_EMOJI  # kept for importers of the old name
SHORTENED = N_("… (message shortened; /history shows every alert)")


def marker(event: AlertEvent) -> str:
    return mark(event.kind, event.level)


def when(event: AlertEvent, tz: str | None) -> str:
    return local_time(event.created_at, tz)


def footer(event: AlertEvent, tz: str | None) -> str:
    """When it was sent, which market day it is about (if not that day), the rule."""
    local = event.created_at.astimezone(zone(tz)).date()
    rule = rule_label(event.rule, event.description)
    if event.as_of != local:
        return _("{time} · market data of {day} · {rule}").format(
            time=when(event, tz), day=day_text(event.as_of), rule=rule
        )
    return _("{time} · {rule}").format(time=when(event, tz), rule=rule)


def silent(message: AlertMessage) -> bool:
    """No sound for low and elevated alerts, nor for all-clears and operator messages;
    high and severe alerts ring."""
    loud = [
        e
        for e in message.events
        if e.kind not in (EventKind.RESOLVED, EventKind.BROADCAST, EventKind.TEST)
    ]
    return not any(e.level >= Level.HIGH for e in loud)


def event_lines(event: AlertEvent, tz: str | None) -> list[Line]:
    """One event's block; a broadcast is the operators' text with nothing added."""
    if event.kind is EventKind.BROADCAST:  # headline: the operator's text
        body = [line(text) for text in event_text.headline(event).splitlines()]
        title = (
            _("Weekly digest")
            if event.rule == DIGEST_RULE
            else _("Message from the carrywatch operators")
        )
        return [line("📣 ", b(title)), *body]
    if event.kind is EventKind.TEST:
        return [
            line("🧪 ", b(_("Test alert: delivery to this chat works."))),
            line(_("No market event behind it; an operator sent it with /test_alert.")),
        ]
    facts = alert_facts(event)
    title = headline(facts)
    if event.kind is EventKind.RESOLVED:
        lines = [line("✅ ", b(title))]
    else:
        lines = [line(f"{marker(event)} ", b(alert_title(event.kind, event.level, title)))]
    for text in (why_it_matters(facts), lasted(facts), numbers_line(facts), levels_line(facts)):
        if text:
            lines.append(line(text))
    lines.append(line(i(footer(event, tz))))
    return lines


def notice(message: AlertMessage) -> str:
    """Why the message comes late, if it does: quiet hours, or a real delivery delay."""
    held = message.held_for_quiet_hours
    if held is not None:
        return _("🌙 Held during your quiet hours ({hours})").format(hours=clock_range(*held))
    if message.delayed_by is not None:
        return _("⏱ Delayed by {duration} (delivery problem)").format(
            duration=duration_words(message.delayed_by)
        )
    return ""


def alert_doc(message: AlertMessage, tz: str | None = None) -> Doc:
    """The whole message: a held/delayed notice first (if any), one block per event,
    and a pointer to /risk."""
    lines: list[Line | str] = []
    if first := notice(message):
        lines += [line(i(first)), ""]
    ordered = sorted(message.events, key=lambda e: (-e.level, e.created_at))  # stable: outbox order
    for n, event in enumerate(ordered):
        if n:
            lines.append("")
        lines += event_lines(event, tz)
    if any(e.kind not in (EventKind.BROADCAST, EventKind.TEST) for e in message.events):
        lines += ["", line(_(RISK_HINT))]
    return Doc.of(lines).fit(note=_(SHORTENED))
