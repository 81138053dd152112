"""A slow health refresh is waited out, never cancelled mid-query.

Cancelling a query makes SQLAlchemy's pool log a traceback while it throws the
connection away (seen once under load in ``carrywatch run``); the store's own
statement timeouts bound a refresh instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.runtime.health import HealthServer
from bot.store import Store, make_engine

NOW = dt.datetime(2024, 8, 5, 12, tzinfo=dt.UTC)


class SlowStore(Store):
    """The real store, with a reading that takes longer than the refresh allowance."""

    slow_done = False

    async def pending_count(self) -> int:
        await asyncio.sleep(0.3)
        self.slow_done = True
        return await super().pending_count()


async def test_a_refresh_slower_than_its_allowance_completes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'health.db'}")
    try:
        async with SlowStore(engine) as store:
            health = HealthServer(
                store, lambda: NOW, "127.0.0.1", 0, answer_within=2.0, refresh_timeout=0.05
            )
            await health.start()
            try:
                url = f"http://127.0.0.1:{health.port}/healthz"
                async with aiohttp.ClientSession() as session, session.get(url) as resp:
                    body: dict[str, Any] = await resp.json()
            finally:
                await health.stop()
            assert store.slow_done  # the slow query ran to its end
            assert body["database"] == "ok", body  # and its answer was used
            assert body["pending_deliveries"] == 0
    finally:
        await engine.dispose()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
