"""A burst of users against the strict Telegram stand-in (30/s, 1/s per chat, 20/min group).

Pins down: every one of a burst of /subscribe users gets its real answer exactly
once, even the ones whose reply met a 429 (a reply waits and is sent, never lost
or turned into "something went wrong"); command replies and alert sends spend
one shared pacing of the budget; and a 429 holds only the chat it was for.
The suite keeps N small (60); the 900-user run is in bench/bench_burst.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.commands.service import CommandService
from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.pacing import SendPacer
from bot.notify.base import Target
from bot.runtime.app import Runtime
from bot.settings import Settings, TelegramSettings
from bot.store import Store
from bot.telegram import TelegramAdapter
from signals.levels import Level
from tests.bot.telegram.conftest import ADMIN, T0, make_alert, make_snapshot
from tests.standins.telegram_api import TelegramStandin

N = 60
FIRST = 700_000


@pytest.fixture
async def strict_tg() -> AsyncIterator[TelegramStandin]:
    async with TelegramStandin(strict_limits=True) as tg:
        yield tg


@pytest.fixture
async def strict_adapter(
    strict_tg: TelegramStandin, service: CommandService, store: Store
) -> AsyncIterator[TelegramAdapter]:
    await store.save_evaluation(make_snapshot(), T0)
    settings = TelegramSettings(token=SecretStr(strict_tg.token), api_url=strict_tg.api_root)
    adapter = TelegramAdapter(settings, service, store)
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


async def test_burst_of_subscribers_all_get_their_real_answer_once(
    strict_tg: TelegramStandin, strict_adapter: TelegramAdapter, store: Store
) -> None:
    """60 users at once, 5 of whose replies meet two 429s first: 60 real answers, 60 subscribed."""
    users = [FIRST + n for n in range(N)]
    for chat in users[::12]:
        strict_tg.fail_next(chat, 429, retry_after=1, times=2)  # AIORateLimiter gave up here
    for chat in users:
        strict_tg.inject_message(chat, "/subscribe", user_id=chat)
    await strict_tg.wait_for_sent(N, timeout=60)
    await asyncio.sleep(0)  # let nothing extra slip in unseen
    answers = {s.chat_id: s.plain_text or "" for s in strict_tg.sent}
    per_chat = Counter(s.chat_id for s in strict_tg.sent)
    assert set(answers) == set(users)
    assert all(per_chat[c] == 1 for c in users)
    assert all(text.startswith("✅ Subscribed") for text in answers.values()), answers
    injected = [r for r in strict_tg.rejected if r.chat_id in users[::12]]
    assert len(injected) >= 5  # the faults were met, and waited out
    subs = await store.active_subscriptions()
    assert {int(s.target.chat_id) for s in subs} >= set(users)


async def test_replies_and_alerts_share_one_pacer(
    strict_tg: TelegramStandin, strict_adapter: TelegramAdapter, store: Store
) -> None:
    """An alert broadcast and a burst of /risk at once: both go through the adapter's one
    pacer (its count is the sum), and every chat gets exactly its messages."""
    readers = [FIRST + 1000 + n for n in range(30)]
    subscribers = [FIRST + 2000 + n for n in range(30)]
    targets = [Target("telegram", str(c)) for c in subscribers]
    await store.enqueue_alert(make_alert(created_at=dt.datetime.now(dt.UTC)), targets)
    dispatcher = Dispatcher(store, {})
    dispatcher.add_notifier(strict_adapter.notifier)
    pacer = strict_adapter.pacer
    before = pacer.sent
    for chat in readers:
        strict_tg.inject_message(chat, "/risk", user_id=chat)
    while await dispatcher.run_once():
        pass
    await strict_tg.wait_for_sent(60, timeout=60)
    per_chat = Counter(s.chat_id for s in strict_tg.sent)
    assert all(per_chat[c] == 1 for c in readers + subscribers)
    assert pacer.sent - before == 60 + len(strict_tg.rejected)  # every attempt, one pacer
    assert strict_adapter.notifier.pacer is pacer


async def test_a_429_holds_only_that_chat() -> None:
    """hold() delays the held chat by retry_after; another chat is not delayed at all."""
    pacer = SendPacer()
    pacer.hold("1", 30.0)
    assert pacer.chat_delay("1") > 29.0
    assert pacer.chat_delay("2") == 0.0
    async with await pacer.acquire("2"):
        pass
    assert pacer.chat_delay("2") > 0.9  # one second per private chat
    assert pacer.chat_delay("1") > 29.0


async def test_live_test_alert_through_the_runtime_reaches_every_chat_once(
    strict_tg: TelegramStandin, tmp_path: Path
) -> None:
    """`carrywatch run`'s Runtime, 60 subscribers, an operator's /test_alert under the strict
    limits, two chats answering 429 first: 60 delivered, none lost, none twice."""
    chats = [FIRST + 5000 + n for n in range(N)]
    for chat in chats[:2]:
        strict_tg.fail_next(chat, 429, retry_after=1)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'live.db'}")
    settings.telegram = TelegramSettings(
        token=SecretStr(strict_tg.token), api_url=strict_tg.api_root, admins=[ADMIN]
    )
    settings.alerts.console = False
    runtime = Runtime(settings, poll=False)
    await runtime.start()
    try:
        for chat in chats:
            await runtime.store.upsert_subscription(
                Target("telegram", str(chat)), "private", min_level=Level.LOW
            )
        strict_tg.inject_message(ADMIN, "/test_alert", user_id=ADMIN)
        await strict_tg.wait_for(lambda s: s.chat_id == ADMIN, timeout=30)
        async with asyncio.timeout(60):
            while not set(chats) <= {s.chat_id for s in strict_tg.sent}:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    finally:
        await runtime.stop()
    per_chat = Counter(s.chat_id for s in strict_tg.sent)
    assert all(per_chat[c] == 1 for c in chats)
    assert all("Test alert" in (s.plain_text or "") for s in strict_tg.sent if s.chat_id in chats)
