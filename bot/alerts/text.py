"""Headline and cause stored with an alert, in the renderers' own words.

Renderers write every message from the event's structured fields
(``bot.render.common.alert_facts``); the stored ``headline`` is the same
sentence for consumers without a renderer (CLI lines, old rows), and ``cause``
is the rule's own description. No number is formatted here: the sentence comes
from ``bot.render.alert_words``.
"""

from __future__ import annotations

from bot.alerts.events import EventKind
from bot.render.alert_words import headline as words_headline
from bot.render.common import AlertFacts
from signals.rules import Rule, Transition, TransitionKind
from signals.snapshot import Snapshot


def headline(t: Transition) -> str:
    """``The yen jumped 5.6 % against the dollar in five days — …`` or ``Eased: …``."""
    rule = t.rule
    resolved = t.kind is TransitionKind.RESOLVED
    facts = AlertFacts(
        rule=rule.name,
        kind=EventKind.RESOLVED if resolved else EventKind.FIRING,
        level=rule.level,
        indicator=rule.indicator,
        operator=rule.op,
        value=t.value,
        threshold=rule.clear if resolved else rule.threshold,
        score=None,
        score_level=None,
        as_of=t.at.date(),
        created_at=t.at,
        episode="",
        description=rule.description,
    )
    return words_headline(facts)


def cause(rule: Rule, snapshot: Snapshot, resolved: bool = False) -> str:
    """The rule's description (what it watches), or its name."""
    return rule.description or rule.name
