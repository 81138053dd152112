"""`run` with Telegram unreachable at start: the runtime starts, serves health and the
console, says the adapter is waiting, and connects once the platform appears.

The stand-in is started late on a port reserved up front; the first retry is
shortened for the test. An alert enqueued while Telegram is down waits in the
outbox and arrives once the adapter is up (none lost).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.notify.base import Target
from bot.runtime import adapters
from bot.runtime.app import Runtime
from bot.settings import Settings, TelegramSettings
from tests.bot.telegram.conftest import make_alert, make_snapshot
from tests.standins.telegram_api import DEFAULT_TOKEN, TelegramStandin


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_telegram_down_at_boot_then_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(adapters, "FIRST_RETRY", 0.2)
    monkeypatch.setattr(adapters, "WAITING_RETRY", 0.2)
    tg_port, http_port = free_port(), free_port()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'boot.db'}")
    settings.telegram = TelegramSettings(
        token=SecretStr(DEFAULT_TOKEN), api_url=f"http://127.0.0.1:{tg_port}"
    )
    settings.http.port = http_port
    settings.alerts.console = True
    runtime = Runtime(settings, poll=False)
    caplog.set_level(logging.WARNING, logger="bot.runtime.adapters")
    await runtime.start()  # does not raise although nothing listens on tg_port
    try:
        [starter] = runtime.starters
        assert not starter.up
        assert "telegram adapter waiting" in caplog.text
        now = dt.datetime.now(dt.UTC)
        await runtime.store.save_evaluation(make_snapshot(), now)
        url = f"http://127.0.0.1:{http_port}/healthz"  # health is served meanwhile
        async with aiohttp.ClientSession() as session, session.get(url) as resp:
            assert resp.status in (200, 503)
        await runtime.store.enqueue_alert(make_alert(created_at=now), [Target("telegram", "5001")])
        runtime.dispatcher.wake()
        await asyncio.sleep(0.3)  # the dispatcher meets the waiting notifier, requeues
        async with TelegramStandin(port=tg_port) as tg:
            async with asyncio.timeout(30):
                while not starter.up:  # noqa: ASYNC110 - the starter has no event to wait on
                    await asyncio.sleep(0.05)
            sent = await tg.wait_for(lambda s: s.chat_id == 5001, timeout=30)
            assert "USD/JPY" in (sent.plain_text or "")
            reply_before = len(tg.sent)
            tg.inject_message(6001, "/risk", user_id=6001)
            await tg.wait_for_sent(reply_before + 1, timeout=30)
            await runtime.stop()
        assert "telegram adapter connected after" in caplog.text
    finally:
        await runtime.stop()
