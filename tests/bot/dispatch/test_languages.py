"""Deliveries carry their chat's language: one lookup per claimed batch fills it in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.chat_settings import ChatSettings
from bot.store.store import Store
from tests.bot.dispatch.test_dispatcher import T0, A, B, Clock, Scripted, alert, dispatcher


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", clock=Clock()) as s:
        yield s


async def test_each_delivery_carries_its_chats_chosen_language(store: Store) -> None:
    """A chose zh, B chose nothing: A's target says zh, B's None (the notifier's fallback);
    the language does not split a chat's delivery or change which chat it is."""
    chats = ChatSettings(store)
    await chats.set_language("telegram", A.chat_id, "zh", T0)
    await chats.set_language("discord", B.chat_id, "ja", T0)  # another platform: not B's
    await store.enqueue_alert(alert("yen-surge"), [A, B])
    await store.enqueue_alert(alert("jgb-40y-high"), [A])
    notifier, clock = Scripted(), Clock()
    assert await dispatcher(store, notifier, clock).run_once() == 3
    got = {target.chat_id: target for target, _ in notifier.got}
    assert len(notifier.got) == 2  # A's two alerts still go as one message
    assert got[A.chat_id].language == "zh"
    assert got[B.chat_id].language is None
    assert got[A.chat_id] == A  # same chat, whatever its language


async def test_a_language_chosen_later_applies_to_the_next_batch(store: Store) -> None:
    notifier, clock = Scripted(), Clock()
    d = dispatcher(store, notifier, clock)
    await store.enqueue_alert(alert("yen-surge"), [A])
    await d.run_once()
    await ChatSettings(store).set_language("telegram", A.chat_id, "ja", T0)
    await store.enqueue_alert(alert("jgb-40y-high"), [A])
    await d.run_once()
    assert [t.language for t, _ in notifier.got] == [None, "ja"]
