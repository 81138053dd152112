"""Several replicas on one PostgreSQL: exactly one leads (pollers + alert policy), and
another takes over when the leader stops or its database session dies."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.runtime.app import Runtime
from bot.settings import Settings, SourceSettings
from bot.store import make_engine

PG_ENV = "CARRYWATCH_TEST_PG_URL"


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A fresh database (advisory locks are per database, so tests cannot collide)."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        pytest.skip(f"{PG_ENV} is not set; PostgreSQL variant not run")
    name = f"cw_leader_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        await admin.dispose()
        pytest.fail(f"PostgreSQL at {PG_ENV}={url} is unreachable: {exc}")
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


def replica(url: str, tmp: Path) -> Runtime:
    settings = Settings(database_url=url, history_dir=None)
    settings.sources = {  # polling stays off the network: every provider disabled
        n: SourceSettings(url="http://127.0.0.1:9", enabled=False)
        for n in ("mof", "treasury", "frankfurter", "kraken", "coinbase", "coinbase_rates")
    }
    settings.alerts.console = True
    return Runtime(settings, console_stream=io.StringIO())


@pytest.mark.postgres
async def test_one_leader_and_a_takeover(pg_database: str, tmp_path: Path) -> None:
    a, b = replica(pg_database, tmp_path), replica(pg_database, tmp_path)
    await a.start()
    await b.start()
    try:
        assert a.leading and not b.leading
        assert {"staleness", "crosscheck-flush"} <= a._leader_jobs  # leader-only work
        assert b.scheduler.get_job("staleness") is None
        await b.campaign()
        assert not b.leading  # the lock is taken: still standing by
        await a.stop()  # a graceful stop releases the lock
        await b.campaign()
        assert b.leading and b.scheduler.get_job("staleness") is not None
    finally:
        await b.stop()


@pytest.mark.postgres
async def test_a_dead_leader_session_hands_over(pg_database: str, tmp_path: Path) -> None:
    a, b = replica(pg_database, tmp_path), replica(pg_database, tmp_path)
    await a.start()
    await b.start()
    try:
        assert a.leading and not b.leading
        # kill -9 of the leader looks like this to PostgreSQL: its session ends, and
        # the dead process campaigns no more (its 1 s check would take the lock back)
        a.scheduler.pause_job("leadership")
        admin = make_engine(pg_database, isolation_level="AUTOCOMMIT", pool_size=1)
        held = (
            "FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )  # this test's database only: the server may be shared
        async with admin.connect() as conn:
            # with a timeout (PostgreSQL 14+) it waits until the backend has exited and
            # so released the lock; without one it only signals, and b could campaign first
            await conn.execute(text(f"SELECT pg_terminate_backend(pid, 10000) {held}"))
            assert (await conn.execute(text(f"SELECT count(*) {held}"))).scalar_one() == 0
        await admin.dispose()
        await b.campaign()
        assert b.leading
        await a.campaign()
        assert not a.leading  # it notices the lost session and stands by
    finally:
        await a.stop()
        await b.stop()


async def test_sqlite_always_leads(tmp_path: Path) -> None:
    runtime = replica(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}", tmp_path)
    await runtime.start()
    try:
        assert runtime.leading and runtime.scheduler.get_job("leadership") is None
    finally:
        await runtime.stop()
