"""The real PostgreSQL behind a proxy that refuses or black-holes (tests/standins/tcp_faults).

/healthz answers JSON 503 ``"database": "unreachable"`` from memory while the
database refuses connections and while it never answers (the request comes back
while the refresh it started is still stuck), and ``ok`` again once the database
is back. Statements and the leader's lock check are bounded by their timeouts
instead of hanging on a black-holed connection.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.runtime.health import HealthServer
from bot.runtime.leader import Leadership
from bot.store import Store, make_engine
from bot.store.db import DbTimeouts
from tests.standins.tcp_faults import FaultyProxy, Mode

PG_ENV = "CARRYWATCH_TEST_PG_URL"
NOW = dt.datetime(2024, 8, 5, 22, tzinfo=dt.UTC)
HANG_GUARD = 60  # seconds; only there so a regression fails instead of hanging the suite

pytestmark = pytest.mark.postgres


@pytest.fixture
async def proxied() -> AsyncIterator[tuple[FaultyProxy, AsyncEngine, str]]:
    """A fresh schema on the real server, reached only through the fault proxy."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        pytest.skip(f"{PG_ENV} is not set; PostgreSQL variant not run")
    real = make_url(url)
    schema = f"cw_fault_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url, pool_size=1)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OSError as exc:
        await admin.dispose()
        pytest.fail(f"PostgreSQL at {PG_ENV}={url} is unreachable: {exc}")
    proxy = FaultyProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    via = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = make_engine(
        via,
        DbTimeouts(connect=1.0, statement=1.0),
        connect_args={"server_settings": {"search_path": schema}},
    )
    try:
        yield proxy, engine, via
    finally:
        await engine.dispose()
        await proxy.stop()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def get_health(session: aiohttp.ClientSession, port: int) -> tuple[int, dict[str, Any]]:
    async with asyncio.timeout(HANG_GUARD):
        async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.content_type == "application/json"
            return resp.status, await resp.json()


async def test_healthz_says_unreachable_when_refused_or_black_holed(
    proxied: tuple[FaultyProxy, AsyncEngine, str], caplog: pytest.LogCaptureFixture
) -> None:
    proxy, engine, _ = proxied
    async with Store(engine) as store:
        health = HealthServer(
            store, lambda: NOW, "127.0.0.1", 0, answer_within=0.5, refresh_timeout=HANG_GUARD
        )
        await health.start()
        assert health.port
        try:
            async with aiohttp.ClientSession() as session:
                status, body = await get_health(session, health.port)
                assert (status, body["database"], body["status"]) == (503, "ok", "down")
                assert body["pending_deliveries"] == 0  # read from the database

                await proxy.set_mode(Mode.REFUSE)
                status, body = await get_health(session, health.port)
                assert status == 503
                assert body["status"] == "degraded" and body["database"] == "unreachable"
                assert body["pending_deliveries"] == 0  # the last known value, from memory
                said = [r for r in caplog.records if r.name == "bot.runtime.health"]
                assert [r.levelname for r in said] == ["WARNING"]  # once, as one line:
                assert said[0].exc_info is None  # an unreachable database is not a traceback

                await proxy.set_mode(Mode.PASS)
                status, body = await get_health(session, health.port)
                assert body["database"] == "ok", body

                await proxy.set_mode(Mode.BLACKHOLE)
                status, body = await get_health(session, health.port)
                assert status == 503 and body["database"] == "unreachable"
                assert "no answer" in body["database_error"]
                stuck = health._refreshing
                assert stuck is not None and not stuck.done()  # answered while the DB hangs
        finally:
            await health.stop()


async def test_statements_time_out_on_a_black_holed_connection(
    proxied: tuple[FaultyProxy, AsyncEngine, str],
) -> None:
    proxy, engine, _ = proxied
    async with Store(engine) as store:
        assert await store.pending_count() == 0  # a pooled connection is open
        await proxy.set_mode(Mode.BLACKHOLE)
        async with asyncio.timeout(HANG_GUARD):
            with pytest.raises((TimeoutError, OSError, Exception)) as caught:
                await store.pending_count()
        assert "timeout" in type(caught.value).__name__.lower() or "Timeout" in repr(caught.value)


async def test_the_leader_stands_down_when_its_lock_check_gets_no_answer(
    proxied: tuple[FaultyProxy, AsyncEngine, str],
) -> None:
    proxy, engine, _ = proxied
    leadership = Leadership(engine, key=uuid.uuid4().int >> 65, timeout=0.5)
    assert await leadership.acquire()
    assert await leadership.held()
    await proxy.set_mode(Mode.BLACKHOLE)
    async with asyncio.timeout(HANG_GUARD):
        assert not await leadership.held()  # bounded by the check timeout, not 57 s
    await leadership.release()


async def test_a_black_holed_database_at_start_is_one_line(
    proxied: tuple[FaultyProxy, AsyncEngine, str],
) -> None:
    from bot.store.db import DatabaseUnreachableError

    proxy, _, via = proxied
    await proxy.set_mode(Mode.BLACKHOLE)
    store = Store(via, timeouts=DbTimeouts(connect=0.5, statement=0.5))
    async with asyncio.timeout(HANG_GUARD):
        with pytest.raises(DatabaseUnreachableError) as caught:
            await store.start()
    message = str(caught.value)
    assert message.startswith("database unreachable at postgresql+asyncpg://")
    assert "no answer within 0.5 s" in message and "\n" not in message
