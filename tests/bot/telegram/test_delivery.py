"""Alerts to Telegram through the real dispatcher, notifier, Store and stand-in.

Pins down: quiet hours hold alerts and deliver them as one summary afterwards
while ``severe`` goes through; a 429 storm on one chat delays only that chat;
a chat that blocked the bot is marked inactive and not retried; a dispatcher
stopped mid-broadcast and a fresh one afterwards give every chat exactly one
message; and a real replayed alert reaches a subscriber end to end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pandas as pd
import pytest
from pydantic import SecretStr

from bot.commands.service import CommandService
from bot.dispatch.dispatcher import DispatchConfig, Dispatcher
from bot.dispatch.routing import plan
from bot.history.loader import load_history_panel
from bot.notify.base import Target
from bot.runtime.app import Runtime
from bot.runtime.replay import SimClock, replay_days, replay_instant
from bot.settings import Settings, TelegramSettings
from bot.store import Store
from bot.telegram import TelegramNotifier
from signals.levels import Level
from tests.bot.telegram.conftest import T0, USER, make_alert, make_snapshot
from tests.bot.telegram.helpers import ask
from tests.standins.telegram_api import TelegramStandin

CHATS = [USER + n for n in range(20)]


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def notifier(tg_settings: TelegramSettings) -> AsyncIterator[TelegramNotifier]:
    async with TelegramNotifier.from_settings(tg_settings) as started:
        yield started


def tg(chat: int) -> Target:
    return Target("telegram", str(chat))


async def test_quiet_hours_hold_then_summarise_severe_goes_through(
    store: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """At 23:00 inside 22:00–07:00 two high alerts wait and a severe one is sent; after
    07:00 the two arrive together as one message."""
    night = dt.datetime(2024, 8, 5, 23, 0, tzinfo=dt.UTC)
    await store.upsert_subscription(tg(USER), "private", min_level=Level.ELEVATED)
    await store.update_subscription(
        tg(USER), quiet_start=dt.time(22), quiet_end=dt.time(7), tz="UTC"
    )
    subs = await store.active_subscriptions()
    clock = Clock(night)
    alerts = [
        make_alert("yen-surge", Level.HIGH, night),
        make_alert("jgb-40y-high", Level.HIGH, night + dt.timedelta(minutes=30)),
        make_alert("score-severe", Level.SEVERE, night + dt.timedelta(hours=1)),
    ]
    for alert in alerts:
        clock.now = alert.created_at
        await store.save_evaluation(
            make_snapshot(), clock.now, [alert], deliveries_for=lambda a: plan(a, subs, clock.now)
        )
    dispatcher = Dispatcher(store, {"telegram": notifier}, clock=clock)
    await dispatcher.run_once()
    [severe] = telegram_standin.messages_to(USER)
    assert "Severe alert" in (severe.plain_text or "")
    assert "High alert" not in (severe.plain_text or "")
    assert "Held" not in (severe.plain_text or "")  # severe goes through quiet hours
    assert not severe.disable_notification  # and rings

    clock.now = dt.datetime(2024, 8, 6, 7, 1, tzinfo=dt.UTC)
    await dispatcher.run_once()
    _, summary = telegram_standin.messages_to(USER)
    text = summary.plain_text or ""
    assert text.count("High alert:") == 2 and "rule yen-surge" in text
    # held by the reader's own quiet hours: said so, not presented as a delivery failure
    assert text.startswith("🌙 Held during your quiet hours (22:00–07:00)")
    assert "Delayed" not in text and "delayed" not in text
    assert "rule jgb-40y-high" in text


async def test_429_storm_on_one_chat_does_not_freeze_others(
    store: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """One chat answering 429 (retry_after 30) is retried later; the 19 others are delivered
    in the same pass."""
    tg_ = telegram_standin
    tg_.fail_next(CHATS[0], 429, retry_after=30, times=50)
    for chat in CHATS:
        await store.upsert_subscription(tg(chat), "private")
    await store.enqueue_alert(make_alert(), [tg(c) for c in CHATS])
    clock = Clock(T0)
    dispatcher = Dispatcher(store, {"telegram": notifier}, clock=clock)
    assert await dispatcher.run_once() == len(CHATS)
    assert {s.chat_id for s in tg_.sent} == set(CHATS[1:])
    assert [r.chat_id for r in tg_.rejected] == [CHATS[0]]
    assert await dispatcher.run_once() == 0  # not due yet: retry_after is respected
    clock.now = T0 + dt.timedelta(minutes=10)
    tg_.state.faults.clear()
    assert await dispatcher.run_once() == 1
    assert Counter(s.chat_id for s in tg_.sent) == Counter(CHATS)


async def test_blocked_chat_marked_inactive_not_retried(
    store: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """403 "blocked by the user": the delivery is permanent and the subscription inactive."""
    telegram_standin.block(USER)
    await store.upsert_subscription(tg(USER), "private")
    await store.enqueue_alert(make_alert(), [tg(USER)])
    clock = Clock(T0)
    dispatcher = Dispatcher(store, {"telegram": notifier}, clock=clock)
    await dispatcher.run_once()
    sub = await store.get_subscription(tg(USER))
    assert sub is not None and not sub.active
    assert "blocked by the user" in (sub.broken_reason or "")
    clock.now = T0 + dt.timedelta(hours=2)
    assert await dispatcher.run_once() == 0
    assert len(telegram_standin.rejected) == 1


async def test_migrated_group_is_followed(
    store: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """A group upgraded to a supergroup gets the alert at its new id; the subscription moves."""
    old, new = -4001, -1004001
    telegram_standin.migrate(old, new)
    await store.upsert_subscription(tg(old), "group")
    await store.enqueue_alert(make_alert(), [tg(old)])
    dispatcher = Dispatcher(store, {"telegram": notifier}, clock=Clock(T0))
    while await dispatcher.run_once():
        pass
    assert len(telegram_standin.messages_to(new)) == 1
    assert await store.get_subscription(tg(new)) is not None


async def test_restart_mid_broadcast_sends_each_chat_exactly_once(
    store: Store,
    service: CommandService,
    notifier: TelegramNotifier,
    telegram_standin: TelegramStandin,
) -> None:
    """Dispatcher A stops after a few deliveries, a worker dies holding a lease, dispatcher B
    finishes: every chat has exactly one copy of the broadcast."""
    tg_ = telegram_standin
    for chat in CHATS:
        await store.upsert_subscription(tg(chat), "private")
    assert await service.broadcast("Scheduled maintenance at 02:00 UTC") == len(CHATS)
    clock = Clock(dt.datetime.now(dt.UTC))
    small = DispatchConfig(batch=4)
    first = Dispatcher(store, {"telegram": notifier}, config=small, clock=clock)
    stop = asyncio.Event()
    runner = asyncio.create_task(first.run(stop, poll_seconds=0.05))
    await tg_.wait_for_sent(5, timeout=10)
    stop.set()  # graceful: the pass in flight is recorded, nothing new is claimed
    await runner
    delivered_by_first = len(tg_.sent)
    assert 5 <= delivered_by_first < len(CHATS)
    # A second worker claims a batch and dies (kill -9) before sending anything.
    lease = dt.timedelta(seconds=60)
    dead = await store.claim_due(clock(), 3, "dead-worker", lease)
    assert len(dead) == 3
    clock.now += lease + dt.timedelta(seconds=1)  # its lease runs out
    second = Dispatcher(store, {"telegram": notifier}, clock=clock)
    while await second.run_once():
        pass
    counts = Counter(s.chat_id for s in tg_.sent)
    assert counts == Counter(CHATS)  # each chat once: nothing lost, nothing repeated


async def test_replayed_real_alert_reaches_a_subscriber(
    telegram_standin: TelegramStandin, tmp_path: Path, history_dir: Path
) -> None:
    """The August 2024 unwind replayed through the runtime: a chat that subscribed with
    /subscribe elevated receives the real alerts as Telegram HTML messages."""
    tg_ = telegram_standin
    panel = load_history_panel(history_dir)
    start, end = dt.date(2024, 7, 29), dt.date(2024, 8, 9)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'replay.db'}")
    settings.telegram = TelegramSettings(token=SecretStr(tg_.token), api_url=tg_.api_root)
    settings.alerts.console = False
    clock = SimClock(replay_instant(start - dt.timedelta(days=1)))
    history = panel.loc[: pd.Timestamp(start) - pd.Timedelta(days=1)]
    runtime = Runtime(settings, clock=clock, poll=False, history=history)
    await runtime.start()
    try:
        answer = await ask(tg_, USER, "/subscribe elevated", user_id=USER)
        assert "Subscribed" in (answer.plain_text or "")
        before = len(tg_.messages_to(USER))
        summary = await replay_days(runtime, clock, panel, start, end)
    finally:
        await runtime.stop()
    assert summary.alerts, "the unwind must fire at least one rule"
    alerts = tg_.messages_to(USER)[before:]
    assert alerts, "no alert reached the subscriber"
    assert all(m.parse_mode == "HTML" for m in alerts)
    fired = {rule for _, rule, _, level in summary.alerts if level != "low"}
    text = "\n".join(m.plain_text or "" for m in alerts)
    assert any(f"rule {rule}" in text for rule in fired)
    assert re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} Aug \d\d:\d\d UTC\b", text)
