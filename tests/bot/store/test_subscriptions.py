"""Subscriptions: one row per chat/topic, preferences kept across unsubscribe,
deactivation and Telegram's group→supergroup migration."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.notify.base import Target
from bot.store import Store
from signals.levels import Level

from .conftest import T0, make_alert, make_snapshot

GROUP = Target("telegram", "-100")
TOPIC = Target("telegram", "-100", "55")


async def test_upsert_creates_once_and_reactivates_keeping_preferences(store: Store) -> None:
    sub = await store.upsert_subscription(GROUP, "group")
    assert sub.min_level is Level.ELEVATED
    assert sub.tz == "UTC"
    assert sub.active
    assert sub.target == GROUP
    assert sub.thread_id is None
    assert sub.created_at == T0
    again = await store.upsert_subscription(GROUP, "group")
    assert again.id == sub.id
    await store.update_subscription(GROUP, min_level=Level.HIGH, tz="Asia/Tokyo")
    assert await store.deactivate("telegram", "-100", "unsubscribed") == 1
    assert await store.active_subscriptions() == []
    back = await store.upsert_subscription(GROUP, "group")
    assert back.id == sub.id
    assert back.active
    assert back.broken_reason is None
    assert (back.min_level, back.tz) == (Level.HIGH, "Asia/Tokyo")


async def test_topic_is_a_separate_subscription(store: Store) -> None:
    await store.upsert_subscription(GROUP, "group")
    await store.upsert_subscription(TOPIC, "group", min_level=Level.SEVERE)
    await store.upsert_subscription(Target("discord", "9", None), "guild", guild_id="1")
    subs = await store.active_subscriptions("telegram")
    assert [s.target for s in subs] == [GROUP, TOPIC]
    assert await store.count_subscriptions() == {"telegram": 2, "discord": 1}
    topic = await store.get_subscription(TOPIC)
    assert topic is not None
    assert topic.min_level is Level.SEVERE
    assert await store.get_subscription(Target("telegram", "nope")) is None


async def test_update_preferences_and_validation(store: Store) -> None:
    await store.upsert_subscription(GROUP, "group")
    until = dt.datetime(2024, 8, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    sub = await store.update_subscription(
        GROUP,
        quiet_start="22:00",
        quiet_end=dt.time(7, 30),
        muted_rules=["btc_drawdown", "btc_drawdown", "jgb40_high"],
        mute_until=until,
        min_level="severe",
    )
    assert sub is not None
    assert (sub.quiet_start, sub.quiet_end) == (dt.time(22, 0), dt.time(7, 30))
    assert sub.muted_rules == ("btc_drawdown", "jgb40_high")
    assert sub.mute_until == until
    assert sub.mute_until.tzinfo == dt.UTC
    assert sub.min_level is Level.SEVERE
    with pytest.raises(ValueError, match="time zone"):
        await store.update_subscription(GROUP, tz="Mars/Olympus")
    with pytest.raises(ValueError, match="cannot update"):
        await store.update_subscription(GROUP, chat_id="x")
    with pytest.raises(ValueError, match="aware"):
        await store.update_subscription(GROUP, mute_until=dt.datetime(2024, 8, 6))
    assert await store.update_subscription(Target("telegram", "nope"), tz="UTC") is None
    stored = await store.get_subscription(GROUP)
    assert stored is not None
    assert stored.tz == "UTC"


async def test_deactivate_covers_every_topic_of_a_chat(store: Store) -> None:
    await store.upsert_subscription(GROUP, "group")
    await store.upsert_subscription(TOPIC, "group")
    assert await store.deactivate("telegram", "-100", "403 Forbidden: bot was kicked") == 2
    sub = await store.get_subscription(TOPIC)
    assert sub is not None
    assert not sub.active
    assert sub.broken_reason == "403 Forbidden: bot was kicked"
    assert await store.count_subscriptions() == {}


async def test_migrate_chat_moves_subscriptions_and_unsent_deliveries(store: Store) -> None:
    await store.upsert_subscription(GROUP, "group", min_level=Level.HIGH)
    await store.save_evaluation(make_snapshot(), T0, [make_alert()], deliveries_for=[GROUP])
    assert await store.migrate_chat("telegram", "-100", "-1009") == 1
    assert await store.get_subscription(GROUP) is None
    moved = await store.get_subscription(Target("telegram", "-1009"))
    assert moved is not None
    assert moved.min_level is Level.HIGH
    assert moved.active
    (claimed,) = await store.claim_due(T0, 10, "w", dt.timedelta(seconds=30))
    assert claimed.target == Target("telegram", "-1009")


async def test_migrate_chat_onto_an_existing_subscription(store: Store) -> None:
    new = Target("telegram", "-1009")
    await store.upsert_subscription(GROUP, "group")
    await store.upsert_subscription(new, "group")
    await store.save_evaluation(make_snapshot(), T0, [make_alert()], deliveries_for=[GROUP, new])
    assert await store.migrate_chat("telegram", "-100", "-1009") == 0
    old = await store.get_subscription(GROUP)
    assert old is not None
    assert not old.active
    assert old.broken_reason == "migrated to -1009"
    claimed = await store.claim_due(T0, 10, "w", dt.timedelta(seconds=30))
    assert [c.target for c in claimed] == [new]
    assert (await store.delivery_stats())["permanent"] == 1
