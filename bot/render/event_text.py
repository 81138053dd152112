"""Headline, cause and unit of an alert event, in the renderers' own words.

Renderers write every message from the event's structured fields
(``bot.render.common.alert_facts``); ``AlertEvent.headline`` is the same
sentence for consumers without a renderer (CLI lines, the stored row) and
``cause`` is the rule's own description. No number is formatted here: the
sentence comes from ``bot.render.alert_words``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.render.alert_words import headline as words_headline
from bot.render.common import AlertFacts

if TYPE_CHECKING:
    from bot.alerts.events import AlertEvent


def headline(event: AlertEvent) -> str:
    """What happened, in words; an admin's test or broadcast reads its note."""
    if not event.indicator or event.value is None:
        return event.note or event.description or event.rule
    facts = AlertFacts(
        rule=event.rule,
        kind=event.kind,
        level=event.level,
        indicator=event.indicator,
        operator=event.operator,
        value=event.value,
        threshold=event.threshold,
        score=event.score,
        score_level=event.score_level,
        as_of=event.as_of,
        created_at=event.created_at,
        episode=event.episode,
        description=event.description,
        started_at=event.started_at,
    )
    return words_headline(facts)


def cause(event: AlertEvent) -> str:
    """The rule's description (what it watches), or its name; an admin's own text."""
    return event.description or event.rule


def unit(event: AlertEvent) -> str:
    """The unit of the rule's indicator ("%", "bp", ...), for the stored row."""
    from bot.render.units import unit_of

    return unit_of(event.indicator) if event.indicator else ""
