"""One leader among replicas: a PostgreSQL session advisory lock, no home-made consensus.

The leader runs the pollers and the alert policy; every replica dispatches
(outbox rows are claimed with SKIP LOCKED) and serves chat commands. The lock
lives as long as the leader's database session: if the leader dies, PostgreSQL
ends the session, the lock is free, and the next replica to try takes over.
With SQLite there is one process by construction, so it always leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

LOCK_KEY = 0x6361_7272_7977_6174  # "carrywat": any fixed 63-bit key; locks are per database


class Leadership:
    def __init__(self, engine: AsyncEngine, key: int = LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: AsyncConnection | None = None

    @property
    def exclusive(self) -> bool:
        """Whether several processes could share this database (PostgreSQL)."""
        return self._engine.dialect.name == "postgresql"

    async def acquire(self) -> bool:
        """Take the lead if it is free; True while this process holds it."""
        if not self.exclusive:
            return True
        if self._conn is not None:
            return await self.held()
        conn = await self._engine.connect()
        try:
            got = bool(
                (
                    await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})
                ).scalar_one()
            )
            await conn.commit()  # the session lock outlives the transaction
        except Exception:
            await conn.close()
            raise
        if got:
            self._conn = conn
        else:
            await conn.close()
        return got

    async def held(self) -> bool:
        """Is our lock session still alive? (A dropped connection means the lock is gone.)"""
        if not self.exclusive:
            return True
        if self._conn is None:
            return False
        try:
            await self._conn.execute(text("SELECT 1"))
            await self._conn.commit()
        except Exception:
            log.warning("leader lock session lost", exc_info=True)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            await self._conn.commit()
        except Exception:  # the session may already be gone; closing ends the lock anyway
            log.debug("leader unlock failed", exc_info=True)
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:
                log.debug("closing the leader lock session failed", exc_info=True)
