"""Engines, sessions and migrations for SQLite (embedded) and PostgreSQL (shared).

SQLite gets WAL (readers never block the one writer), a busy timeout (a second
process waits instead of failing) and foreign keys, set on every new connection.
PostgreSQL gets a pre-pinged asyncpg pool. Schema changes only ever come from the
Alembic migrations in ``migrations/``; :func:`upgrade` runs them from inside a
running event loop through ``AsyncConnection.run_sync`` (no second loop, no thread).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.dml import Insert

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATION_LOCK = 0x6361_7272_7977  # "carryw": the advisory lock migrations take on PostgreSQL


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (``sqlite+aiosqlite://`` or ``postgresql+asyncpg://``).

    Extra keyword arguments go to ``create_async_engine`` (e.g. ``connect_args``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}
    options.update(kwargs)
    return create_async_engine(url, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (rows are converted right away anyway)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic config, built in code; pass a connection to migrate through it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


async def upgrade(target: str | AsyncEngine, revision: str = "head") -> None:
    """Bring the schema at ``target`` (a URL or an engine) up to ``revision``."""
    await _run_on(target, lambda conn: command.upgrade(alembic_config(conn), revision))


async def downgrade(target: str | AsyncEngine, revision: str) -> None:
    """Step the schema back to ``revision`` (``"base"`` drops every table)."""
    await _run_on(target, lambda conn: command.downgrade(alembic_config(conn), revision))


async def _run_on(target: str | AsyncEngine, fn: Callable[[Connection], None]) -> None:
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Replicas starting together migrate one after the other.
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            await conn.run_sync(fn)
    finally:
        if isinstance(target, str):
            await engine.dispose()


def insert_ignoring(session: AsyncSession, model: Any, conflict: Sequence[str]) -> Insert:
    """``INSERT … ON CONFLICT (conflict) DO NOTHING`` for the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(model).on_conflict_do_nothing(index_elements=list(conflict))
    return sqlite_insert(model).on_conflict_do_nothing(index_elements=list(conflict))


def insert_updating(
    session: AsyncSession, model: Any, conflict: Sequence[str], update: Sequence[str]
) -> Insert:
    """``INSERT … ON CONFLICT (conflict) DO UPDATE`` setting ``update`` from the new row."""
    if session.get_bind().dialect.name == "postgresql":
        pg = pg_insert(model)
        return pg.on_conflict_do_update(
            index_elements=list(conflict), set_={c: pg.excluded[c] for c in update}
        )
    lite = sqlite_insert(model)
    return lite.on_conflict_do_update(
        index_elements=list(conflict), set_={c: lite.excluded[c] for c in update}
    )
