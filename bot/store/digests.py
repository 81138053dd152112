"""Weekly-digest preferences per owner, and the once-per-week send mark.

``mark_sent`` is a conditional update (only if not already marked for that
local date), so two replicas, or a retry after a crash, queue one digest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from bot.notify.base import Target
from bot.store.outbox import target_of, thread_key
from bot.store.personal_models import DigestModel
from bot.store.store import Store


@dataclass(frozen=True, slots=True)
class DigestPrefs:
    owner: Target
    enabled: bool
    weekday: int  # 0 = Monday
    hour: int
    tz: str
    last_sent_for: str | None = None


def _prefs(m: DigestModel) -> DigestPrefs:
    return DigestPrefs(
        target_of(m.platform, m.owner_id, m.thread_id),
        m.enabled,
        m.weekday,
        m.hour,
        m.tz,
        m.last_sent_for,
    )


class Digests:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def get(self, owner: Target) -> DigestPrefs | None:
        async with self._store.transaction() as s:
            row = await s.get(
                DigestModel, (owner.platform, owner.chat_id, thread_key(owner.thread_id))
            )
            return _prefs(row) if row is not None else None

    async def put(self, prefs: DigestPrefs, now: dt.datetime) -> DigestPrefs:
        owner = prefs.owner
        async with self._store.transaction() as s:
            key = (owner.platform, owner.chat_id, thread_key(owner.thread_id))
            row = await s.get(DigestModel, key)
            if row is None:
                row = DigestModel(
                    platform=key[0], owner_id=key[1], thread_id=key[2], last_sent_for=None
                )
                s.add(row)
            row.enabled, row.weekday, row.hour, row.tz = (
                prefs.enabled,
                prefs.weekday,
                prefs.hour,
                prefs.tz,
            )
            row.updated_at = now
            await s.flush()
            return _prefs(row)

    async def enabled(self) -> list[DigestPrefs]:
        async with self._store.transaction() as s:
            rows = await s.scalars(select(DigestModel).where(DigestModel.enabled.is_(True)))
            return [_prefs(r) for r in rows]

    async def mark_sent(self, owner: Target, local_date: str, now: dt.datetime) -> bool:
        """True if this call claimed the send for ``local_date`` (False: already sent)."""
        m = DigestModel
        async with self._store.transaction() as s:
            result = await s.execute(
                update(m)
                .where(
                    m.platform == owner.platform,
                    m.owner_id == owner.chat_id,
                    m.thread_id == thread_key(owner.thread_id),
                    or_(m.last_sent_for.is_(None), m.last_sent_for != local_date),
                )
                .values(last_sent_for=local_date, updated_at=now)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
