"""Personal rules in the live alert path: the same engine, stages and outbox.

:class:`PersonalAwarePolicy` *is* the shared :class:`AlertPolicy`, its
RuleBook holding the shared rules and every chat's personal rules, so both
go through the same ``for``, hysteresis and cooldown and the same stages
(a personal rule has no family: it never inhibits or escalates another);
one ``evaluate`` returns both sets of events and rule states, stored by the
pipeline in one transaction. :meth:`route` then sends a personal alert to its
owner only — that chat or topic, a DM, or a Discord server's alert channel —
with that chat's quiet hours and mute (a rule someone asked for is not cut by
their minimum level); every other alert goes the usual way (``None``).

A personal rule's internal name is ``my-<id>-<name>``: unique across owners,
stable across restarts (its state row resumes), short enough for the episode
key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence

from bot.alerts.policy import AlertPolicy
from bot.dispatch.routing import decide
from bot.notify.base import Target
from bot.store.personal_rules import PersonalRuleRow
from bot.store.records import NewAlert, PlannedDelivery, RuleStateRow, Subscription
from signals.levels import Level
from signals.preview import personal_rule
from signals.rule_expr import RuleExprError, parse_expression
from signals.rules import Rule, RuleBook

log = logging.getLogger(__name__)
PREFIX = "my-"


def internal_name(row: PersonalRuleRow) -> str:
    return f"{PREFIX}{row.id}-{row.name}"


def personal_rules(rows: Iterable[PersonalRuleRow]) -> tuple[list[Rule], dict[str, Target]]:
    """Rules and owners from stored rows; a row that no longer parses is skipped, loudly."""
    rules, owners = [], {}
    for row in rows:
        try:
            expr = parse_expression(row.expr)
        except RuleExprError as exc:  # e.g. an indicator renamed since it was stored
            log.warning("personal rule %s of %s skipped: %s", row.name, row.owner, exc)
            continue
        rule = personal_rule(expr, internal_name(row))
        rules.append(rule)
        owners[rule.name] = row.owner
    return rules, owners


def _route_to_owner(
    alert: NewAlert, owner: Target, subs: Sequence[Subscription], now: dt.datetime
) -> list[PlannedDelivery]:
    if owner.platform == "discord" and owner.chat_id.startswith("guild:"):
        guild = owner.chat_id.removeprefix("guild:")
        mine = [s for s in subs if s.target.platform == "discord" and s.guild_id == guild]
        if not mine:
            return []  # the server has no alert channel (or it broke): nowhere to post
    else:
        mine = [s for s in subs if s.target == owner]
        if not mine:
            return [PlannedDelivery(owner)]  # the owner asked for it; no settings to apply
    out = []
    for sub in mine:
        decision = decide(alert, dataclasses.replace(sub, min_level=Level.LOW), now)
        if isinstance(decision, PlannedDelivery):
            out.append(decision)
    return out


class PersonalAwarePolicy(AlertPolicy):
    """The shared policy whose RuleBook also holds every chat's personal rules."""

    def __init__(
        self,
        rules: Iterable[Rule],
        stored: Mapping[str, RuleStateRow] | None = None,
        repeat_interval: dt.timedelta | None = None,
        personal: Iterable[PersonalRuleRow] = (),
    ) -> None:
        self._shared = tuple(rules)
        mine, self._owners = personal_rules(personal)
        super().__init__((*self._shared, *mine), stored, repeat_interval)

    @property
    def personal_names(self) -> frozenset[str]:
        return frozenset(self._owners)

    def reload(self, rows: Iterable[PersonalRuleRow]) -> None:
        """Swap in the current personal rules; kept rules keep their state."""
        mine, owners = personal_rules(rows)
        self.book = RuleBook((*self._shared, *mine), self.book.states)
        self._owners = owners

    def route(
        self, alert: NewAlert, subs: Sequence[Subscription], now: dt.datetime
    ) -> list[PlannedDelivery] | None:
        """A personal alert's deliveries (owner only); None for a shared alert."""
        owner = self._owners.get(alert.rule)
        if owner is None:
            return None
        return _route_to_owner(alert, owner, subs, now)
