"""Headline and cause of an alert, in plain words, from the event's structured facts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.render.units import format_value, indicator_label, op_symbol

if TYPE_CHECKING:
    from bot.alerts.events import AlertEvent


def headline(event: AlertEvent) -> str:
    """What crossed what: ``40y JGB 3.720% ≥ 3.700%`` or ``… back below 3.600%``.

    An event without an indicator (an admin's test or broadcast) reads its note.
    """
    if not event.indicator or event.value is None or event.threshold is None:
        return event.note
    label = indicator_label(event.indicator)
    now = format_value(event.indicator, event.value)
    limit = format_value(event.indicator, event.threshold)
    if event.resolved:
        side = "below" if event.operator in (">=", ">") else "above"
        return f"{label} {now}, back {side} {limit}"
    return f"{label} {now} {op_symbol(event.operator)} {limit}"


def cause(event: AlertEvent) -> str:
    """One sentence: the rule's meaning and the strongest reading behind it."""
    if not event.indicator:
        return event.description
    lead = event.description or (
        f"{event.indicator} {event.operator} {event.threshold:g}"
        if event.threshold is not None
        else event.indicator
    )
    if event.resolved:
        lead = f"Cleared — {lead}"
    lead = lead.rstrip(".")
    score = (
        f"score {event.score:.0f} ({event.score_level.label})"
        if event.score is not None and event.score_level is not None
        else "no score"
    )
    if event.driver is None:
        return f"{lead}; {score}."
    return f"{lead}. {event.driver.label}: {event.driver.reason}; {score}."
