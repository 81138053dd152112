"""The Alembic migrations produce exactly the models' schema, on SQLite and PostgreSQL,
and run from inside a running event loop."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store import Store, upgrade
from bot.store.db import downgrade
from bot.store.models import Base

from .conftest import EngineMaker


def _diff(conn: Connection) -> list[Any]:
    ctx = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(ctx, Base.metadata))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


async def test_migrations_match_models(engine: AsyncEngine) -> None:
    """autogenerate finds nothing to change after ``upgrade head``."""
    await upgrade(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
        assert await conn.run_sync(_tables) == set(Base.metadata.tables) | {"alembic_version"}


async def test_upgrade_twice_and_downgrade_to_base(engine: AsyncEngine) -> None:
    """Upgrading an up-to-date schema is a no-op; downgrade removes every table."""
    await upgrade(engine)
    await upgrade(engine)
    await downgrade(engine, "base")
    async with engine.connect() as conn:
        assert await conn.run_sync(_tables) <= {"alembic_version"}
    await upgrade(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_store_start_migrates_and_sets_sqlite_pragmas(engine_maker: EngineMaker) -> None:
    """``Store.start()`` brings an empty database to head; SQLite connections use WAL,
    a busy timeout and enforced foreign keys."""
    engine = engine_maker()
    async with Store(engine) as store:
        assert store.dialect in ("sqlite", "postgresql")
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
            if store.dialect == "sqlite":
                assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
                assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
                assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 10_000


async def test_store_from_url_owns_its_engine(tmp_path: Any) -> None:
    """A store built from a URL creates, migrates and disposes its own engine."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'own.db'}"
    async with Store(url) as store:
        await store.meta_set("k", "v")
    async with Store(url) as again:
        assert await again.meta_get("k") == "v"
