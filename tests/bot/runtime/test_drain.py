"""drain(): a replay's day (and the replay) ends only when every delivery it enqueued is sent.

Against the strict Telegram stand-in, some chats answer 429 first: the old
``while run_once()`` stops with their retries still owed (what left ~157 of 900
undelivered); drain() moves the simulated clock to each retry, the pacer waits
the real retry_after, and every chat ends with exactly one message.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from pydantic import SecretStr

from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.pacing import SendPacer
from bot.notify.base import Target
from bot.runtime.drain import drain, owed
from bot.runtime.replay import SimClock
from bot.settings import TelegramSettings
from bot.store import Store
from bot.telegram import TelegramNotifier
from tests.bot.telegram.conftest import make_alert
from tests.standins.telegram_api import TelegramStandin

CHATS = [810_000 + n for n in range(40)]
T0 = dt.datetime(2024, 8, 5, 22, 0, tzinfo=dt.UTC)


async def test_drain_delivers_what_run_once_left_owed(tmp_path: Path) -> None:
    clock = SimClock(T0)
    async with (
        Store(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", clock=clock) as store,
        TelegramStandin(strict_limits=True) as tg,
    ):
        for chat in CHATS[::8]:
            tg.fail_next(chat, 429, retry_after=6)  # longer than the inline wait: requeued
        settings = TelegramSettings(token=SecretStr(tg.token), api_url=tg.api_root)
        await store.enqueue_alert(
            make_alert(created_at=T0), [Target("telegram", str(c)) for c in CHATS]
        )
        async with TelegramNotifier.from_settings(settings, pacer=SendPacer()) as notifier:
            dispatcher = Dispatcher(store, {"telegram": notifier}, clock=clock)
            while await dispatcher.run_once():
                pass
            left = await owed(store, {"telegram"}, clock())
            assert left.count == len(CHATS[::8])  # the old end of a replay day

            def advance(to: dt.datetime) -> None:
                clock.now = max(clock.now, to)

            report = await drain(dispatcher, store, {"telegram"}, clock, advance)
        assert (await owed(store, {"telegram"}, clock())).count == 0
        assert report.clock_moved > dt.timedelta(0)
        per_chat = Counter(s.chat_id for s in tg.sent)
        assert all(per_chat[c] == 1 for c in CHATS)


async def test_drain_ignores_platforms_without_a_notifier(tmp_path: Path) -> None:
    """Rows for a platform not enabled in this run are reported owed, never waited on."""
    clock = SimClock(T0)
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'e.db'}", clock=clock) as store:
        await store.enqueue_alert(make_alert(created_at=T0), [Target("discord", "1")])
        dispatcher = Dispatcher(store, {}, clock=clock)
        await drain(dispatcher, store, dispatcher.platforms, clock)
        assert (await owed(store, {"discord"}, clock())).count == 1
