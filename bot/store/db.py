"""Engines, sessions and migrations for SQLite (embedded) and PostgreSQL (shared).

SQLite gets WAL (readers never block the one writer), a busy timeout (a second
process waits instead of failing) and foreign keys, set on every new connection;
its file (and so its -wal/-shm, which SQLite creates with the file's mode) is
created 0600. PostgreSQL gets a pre-pinged asyncpg pool with a connect timeout,
a client-side ``command_timeout`` and a server-side ``statement_timeout``, so a
database that stops answering fails a call in seconds instead of hanging it.
A database that cannot be reached raises :class:`DatabaseUnreachableError`, one
line with the password masked. Schema changes only ever come from the
Alembic migrations in ``migrations/``; :func:`upgrade` runs them from inside a
running event loop through ``AsyncConnection.run_sync`` (no second loop, no thread).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, exc, text
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

from bot.errors import OperatorError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATION_LOCK = 0x6361_7272_7977  # "carryw": the advisory lock migrations take on PostgreSQL


@dataclass(frozen=True, slots=True)
class DbTimeouts:
    """Seconds; ``connect`` bounds opening a connection (and waiting for one from the
    pool), ``statement`` bounds one statement (PostgreSQL) or a lock wait (SQLite)."""

    connect: float = 5.0
    statement: float = 30.0


class DatabaseUnreachableError(OperatorError):
    """The database refused, timed out or rejected us; the message masks the password."""


def masked_url(url: str) -> str:
    """``url`` as safe to print: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return url.split("@")[-1]


def unreachable(error: BaseException) -> bool:
    """Whether ``error`` means the database could not be reached (vs. a bug in a query)."""
    return _reason(error, DbTimeouts()) is not None


def unreachable_error(
    url: str, error: BaseException, timeouts: DbTimeouts | None = None
) -> DatabaseUnreachableError:
    reason = _reason(error, timeouts or DbTimeouts()) or type(error).__name__
    return DatabaseUnreachableError(f"database unreachable at {masked_url(url)}: {reason}")


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        e = todo.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return seen


def _reason(error: BaseException, timeouts: DbTimeouts) -> str | None:
    for e in _chain(error):
        name = type(e).__name__
        text_ = str(e).lower()
        if isinstance(e, ConnectionRefusedError) or "connection refused" in text_:
            return "connection refused"
        if isinstance(e, TimeoutError) or name in ("QueryCanceledError", "TimeoutError"):
            return f"no answer within {timeouts.connect:g} s"
        if isinstance(e, socket.gaierror):
            return "host not found"
        if name == "InvalidPasswordError" or "password authentication failed" in text_:
            return "authentication failed"
        if name == "InvalidCatalogNameError":
            return "no such database"
        if "unable to open database file" in text_:
            return "cannot open the database file"
        if isinstance(e, ConnectionError | OSError):
            return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}".rstrip(": ")
        if name in ("ConnectionDoesNotExistError", "InterfaceError", "CannotConnectNowError"):
            return "connection lost"
    return None


def make_engine(url: str, timeouts: DbTimeouts | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (``sqlite+aiosqlite://`` or ``postgresql+asyncpg://``).

    Extra keyword arguments go to ``create_async_engine``; ``connect_args`` given
    there are merged over the timeout ones.
    """
    t = timeouts or DbTimeouts()
    parsed = make_url(url)
    extra = dict(kwargs.pop("connect_args", {}))
    if parsed.get_backend_name() == "sqlite":
        _create_private(parsed.database)
        engine = create_async_engine(url, connect_args={"timeout": t.statement, **extra}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    server = {"statement_timeout": str(int(t.statement * 1000)), **extra.pop("server_settings", {})}
    connect_args = {
        "timeout": t.connect,
        "command_timeout": t.statement,
        "server_settings": server,
        **extra,
    }
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 10,
        "pool_timeout": t.connect,
    }
    options.update(kwargs)
    return create_async_engine(url, connect_args=connect_args, **options)


def _create_private(database: str | None) -> None:
    """Create a new SQLite file 0600 (owner only), whatever the umask; leave existing ones."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return  # an existing file keeps its mode; a missing folder fails at connect, clearly
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)


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


async def upgrade(
    target: str | AsyncEngine, revision: str = "head", timeouts: DbTimeouts | None = None
) -> None:
    """Bring the schema at ``target`` (a URL or an engine) up to ``revision``."""
    await _run_on(target, lambda conn: command.upgrade(alembic_config(conn), revision), timeouts)


async def downgrade(target: str | AsyncEngine, revision: str) -> None:
    """Step the schema back to ``revision`` (``"base"`` drops every table)."""
    await _run_on(target, lambda conn: command.downgrade(alembic_config(conn), revision))


async def _run_on(
    target: str | AsyncEngine, fn: Callable[[Connection], None], timeouts: DbTimeouts | None = None
) -> None:
    engine = make_engine(target, timeouts) if isinstance(target, str) else target
    try:
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Replicas starting together migrate one after the other.
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            await conn.run_sync(fn)
    except (OSError, exc.DBAPIError, exc.InterfaceError) as error:
        if not unreachable(error):
            raise
        url = engine.url.render_as_string(hide_password=False)
        raise unreachable_error(url, error, timeouts) from None
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
