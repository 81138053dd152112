"""One leader among replicas: a PostgreSQL session advisory lock, no home-made consensus.

The leader runs the pollers and the alert policy; every replica dispatches
(outbox rows are claimed with SKIP LOCKED) and serves chat commands. The lock
lives as long as the leader's database session: if the leader dies, PostgreSQL
ends the session, the lock is free, and the next replica to try takes over.
With SQLite there is one process by construction, so it always leads.

The runtime checks the lock every ``CHECK_SECONDS``, and each check gets at most
``CHECK_TIMEOUT`` seconds: a leader whose lock session died (or whose database
stopped answering) stops polling within about two seconds, so two leaders never
poll side by side for longer than that.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

LOCK_KEY = 0x6361_7272_7977_6174  # "carrywat": any fixed 63-bit key; locks are per database
CHECK_SECONDS = 1.0  # how often the runtime runs ``campaign``
CHECK_TIMEOUT = 1.0  # a lock check that takes longer counts as the lock lost


class Leadership:
    def __init__(
        self, engine: AsyncEngine, key: int = LOCK_KEY, timeout: float = CHECK_TIMEOUT
    ) -> None:
        self._engine = engine
        self._key = key
        self._timeout = timeout
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
        async with asyncio.timeout(self._timeout * 5):  # a connect may take a little longer
            conn = await self._engine.connect()
        try:
            async with asyncio.timeout(self._timeout):
                got = bool(
                    (
                        await conn.execute(
                            text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}
                        )
                    ).scalar_one()
                )
                await conn.commit()  # the session lock outlives the transaction
        except BaseException:
            await _close(conn)
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
            async with asyncio.timeout(self._timeout):
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
        except Exception as exc:  # TimeoutError included: an unanswered check is a lost lead
            log.warning("leader lock session lost: %s", type(exc).__name__, exc_info=True)
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
            await _close(conn)


async def _close(conn: AsyncConnection) -> None:
    """Close a lock session without waiting on a database that does not answer."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await conn.close()
    except Exception:
        log.debug("closing the leader lock session failed", exc_info=True)
        try:
            await conn.invalidate()
        except Exception:
            log.debug("invalidating the leader lock session failed", exc_info=True)
