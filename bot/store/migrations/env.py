"""Alembic environment for carrywatch.

``bot.store.db.upgrade`` passes an open connection in ``config.attributes``
(migrations then run inside the caller's event loop through ``run_sync``). Run
from the ``alembic`` command line instead (``alembic -c
bot/store/migrations/alembic.ini upgrade head``), the URL comes from
``CARRYWATCH_DATABASE_URL`` and an async engine is created here.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.columns import UTCDateTime
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata
DEFAULT_URL = "sqlite+aiosqlite:///./carrywatch.db"


def _url() -> str:
    return (
        os.environ.get("CARRYWATCH_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
        or DEFAULT_URL
    )


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write ``UTCDateTime`` as the plain column type it stores, so migrations
    never import application code that may change later."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE on SQLite
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    from bot.store.db import make_engine

    engine = make_engine(_url())
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_run_sync)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
