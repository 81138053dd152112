"""Personal rules in the policy: owner-only routing, chat settings honoured, state kept.

Pins down: a personal alert goes to its owner's chat (or topic, or the
server's alert channel) and nowhere else, waits for the owner's quiet hours,
ignores the owner's minimum level, skips a server without an alert channel;
a shared alert is left to the normal routing; reloading keeps a firing
rule's state so it does not fire again.
"""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import EventKind
from bot.notify.base import Target
from bot.rules.personal_policy import PersonalAwarePolicy
from bot.store.personal_rules import PersonalRuleRow
from bot.store.records import NewAlert, PlannedDelivery, Subscription
from signals.levels import Level
from signals.snapshot import Snapshot

T0 = dt.datetime(2024, 8, 5, 12, tzinfo=dt.UTC)
CHAT = Target("telegram", "5001")
TOPIC = Target("telegram", "-100", "7")
GUILD = Target("discord", "guild:9")


def row(id_: int, owner: Target, expr: str, name: str = "r") -> PersonalRuleRow:
    return PersonalRuleRow(id_, owner, name, expr, "u", T0)


def sub(target: Target, **kw: object) -> Subscription:
    base: dict[str, object] = {
        "id": 1, "target": target, "kind": "private", "guild_id": None,
        "min_level": Level.SEVERE, "quiet_start": None, "quiet_end": None, "tz": "UTC",
        "muted_rules": (), "mute_until": None, "active": True, "broken_reason": None,
        "created_at": T0, "updated_at": T0,
    }  # fmt: skip
    base.update(kw)
    return Subscription(**base)  # type: ignore[arg-type]


def snap(indicators: dict[str, float]) -> Snapshot:
    return Snapshot(
        as_of=T0.date(), score=50.0, level=Level.HIGH, components=(), indicators=indicators
    )


def alert(rule: str) -> NewAlert:
    return NewAlert(rule, EventKind.FIRING, Level.HIGH, "h", "c", T0.date(), T0)


def test_personal_alerts_reach_the_owner_only() -> None:
    policy = PersonalAwarePolicy(
        [], personal=[row(1, CHAT, "usdjpy.chg_1d_pct <= -2"), row(2, GUILD, "score >= 40")]
    )
    result = policy.evaluate(snap({"usdjpy.chg_1d_pct": -2.4, "score": 50.0}), T0)
    assert sorted(e.rule for e in result.events) == ["my-1-r", "my-2-r"]
    subs = [
        sub(CHAT),  # min level severe: a personal rule still comes through
        sub(Target("telegram", "6000")),
        sub(Target("discord", "77"), guild_id="9", kind="guild"),
        sub(Target("discord", "88"), guild_id="10", kind="guild"),
    ]
    assert policy.route(alert("my-1-r"), subs, T0) == [PlannedDelivery(CHAT)]
    assert policy.route(alert("my-2-r"), subs, T0) == [PlannedDelivery(Target("discord", "77"))]
    assert policy.route(alert("score-high"), subs, T0) is None  # shared: normal routing
    assert policy.route(alert("my-2-r"), subs[:2], T0) == []  # server without alert channel


def test_quiet_hours_hold_and_no_subscription_still_delivers() -> None:
    policy = PersonalAwarePolicy([], personal=[row(1, TOPIC, "score >= 40")])
    quiet = sub(TOPIC, quiet_start=dt.time(10), quiet_end=dt.time(14), tz="UTC")
    [held] = policy.route(alert("my-1-r"), [quiet], T0) or []
    assert held.status == "held" and held.not_before == T0.replace(hour=14)
    assert policy.route(alert("my-1-r"), [], T0) == [PlannedDelivery(TOPIC)]
    broken = sub(TOPIC, broken_reason="bot was blocked")
    assert policy.route(alert("my-1-r"), [broken], T0) == []


def test_reload_keeps_a_firing_rule_and_drops_a_removed_one() -> None:
    keep, drop = row(1, CHAT, "score >= 40", "keep"), row(2, CHAT, "score >= 45", "drop")
    policy = PersonalAwarePolicy([], personal=[keep, drop])
    first = policy.evaluate(snap({"score": 50.0}), T0)
    assert {e.rule for e in first.events} == {"my-1-keep", "my-2-drop"}
    policy.reload([keep, row(3, CHAT, "score >= 48", "new")])
    later = policy.evaluate(snap({"score": 51.0}), T0 + dt.timedelta(days=1))
    assert [e.rule for e in later.events] == ["my-3-new"]  # "keep" is still firing, silent
    assert policy.personal_names == {"my-1-keep", "my-3-new"}
