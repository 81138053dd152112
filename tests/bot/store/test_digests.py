"""Digest preferences on SQLite and PostgreSQL: per owner, and sent once per local date."""

from __future__ import annotations

import dataclasses

from bot.notify.base import Target
from bot.store import Store
from bot.store.digests import DigestPrefs, Digests

from .conftest import T0

CHAT = Target("telegram", "5001")
TOPIC = Target("telegram", "5001", "7")


async def test_put_get_enabled_and_mark_once(store: Store) -> None:
    digests = Digests(store)
    assert await digests.get(CHAT) is None
    await digests.put(DigestPrefs(CHAT, True, 0, 8, "Europe/Berlin"), T0)
    await digests.put(DigestPrefs(TOPIC, False, 4, 18, "Asia/Tokyo"), T0)
    assert [p.owner for p in await digests.enabled()] == [CHAT]
    assert await digests.mark_sent(CHAT, "2024-08-05", T0) is True
    assert await digests.mark_sent(CHAT, "2024-08-05", T0) is False  # a second replica
    got = await digests.get(CHAT)
    assert got == DigestPrefs(CHAT, True, 0, 8, "Europe/Berlin", "2024-08-05")
    changed = await digests.put(dataclasses.replace(got, hour=9), T0)
    assert changed.hour == 9 and changed.last_sent_for == "2024-08-05"  # the mark survives
    assert await digests.mark_sent(CHAT, "2024-08-12", T0) is True
