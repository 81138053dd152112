"""Who gets an alert: level, muted rules, mute, quiet hours (held), severe always through."""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import AlertEvent, EventKind
from bot.dispatch.routing import Skip, decide, quiet_end
from bot.notify.base import Target
from bot.store.records import PlannedDelivery, Subscription
from signals.levels import Level

NOW = dt.datetime(2024, 8, 5, 22, 30, tzinfo=dt.UTC)  # 00:30 in Berlin (CEST)


def sub(**kw: object) -> Subscription:
    base: dict[str, object] = {
        "id": 1, "target": Target("telegram", "42"), "kind": "private", "guild_id": None,
        "min_level": Level.HIGH, "quiet_start": None, "quiet_end": None, "tz": "UTC",
        "muted_rules": (), "mute_until": None, "active": True, "broken_reason": None,
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    base.update(kw)
    return Subscription(**base)  # type: ignore[arg-type]


def alert(
    level: Level = Level.HIGH, rule: str = "yen-surge", kind: EventKind = EventKind.FIRING
) -> AlertEvent:
    return AlertEvent(rule, kind, level, NOW.date(), NOW, note="h", description="c")


def test_level_and_mutes() -> None:
    assert decide(alert(Level.ELEVATED), sub(), NOW) is Skip.BELOW_LEVEL
    assert isinstance(decide(alert(Level.HIGH), sub(), NOW), PlannedDelivery)
    assert decide(alert(), sub(muted_rules=("yen-surge",)), NOW) is Skip.RULE_MUTED
    muted = sub(mute_until=NOW + dt.timedelta(hours=1))
    assert decide(alert(), muted, NOW) is Skip.MUTED
    assert isinstance(decide(alert(Level.SEVERE), muted, NOW), PlannedDelivery)
    assert decide(alert(), sub(active=False), NOW) is Skip.INACTIVE
    assert isinstance(
        decide(alert(Level.LOW, kind=EventKind.BROADCAST), sub(), NOW), PlannedDelivery
    )


def test_quiet_hours_hold_until_they_end_in_the_readers_zone() -> None:
    s = sub(quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0), tz="Europe/Berlin")
    planned = decide(alert(), s, NOW)
    assert isinstance(planned, PlannedDelivery) and planned.status == "held"
    assert planned.not_before == dt.datetime(2024, 8, 6, 5, 0, tzinfo=dt.UTC)  # 07:00 CEST
    severe = decide(alert(Level.SEVERE), s, NOW)
    assert isinstance(severe, PlannedDelivery) and severe.status == "pending"


def test_quiet_window_within_one_day() -> None:
    s = sub(quiet_start=dt.time(12, 0), quiet_end=dt.time(14, 0), tz="Asia/Tokyo")
    noon_tokyo = dt.datetime(2024, 8, 5, 3, 30, tzinfo=dt.UTC)  # 12:30 JST
    assert quiet_end(s, noon_tokyo) == dt.datetime(2024, 8, 5, 5, 0, tzinfo=dt.UTC)
    assert quiet_end(s, dt.datetime(2024, 8, 5, 6, 0, tzinfo=dt.UTC)) is None
