"""Per-chat language and the once-per-chat /explain hint, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.store import Store
from bot.store.chat_settings import ChatSettings

from .conftest import T0


async def test_a_language_is_kept_per_chat_and_can_be_forgotten(store: Store) -> None:
    chats = ChatSettings(store)
    assert await chats.language("telegram", "42") is None
    await chats.set_language("telegram", "42", "ja", T0)
    await chats.set_language("telegram", "43", "zh", T0)
    await chats.set_language("discord", "42", "zh", T0)  # same id, other platform
    assert await chats.language("telegram", "42") == "ja"
    assert await chats.languages("telegram", ["42", "43", "44", "42"]) == {"42": "ja", "43": "zh"}
    await chats.set_language("telegram", "42", None, T0 + dt.timedelta(minutes=1))
    assert await chats.language("telegram", "42") is None
    assert await chats.languages("telegram", ["42"]) == {}
    assert await chats.language("discord", "42") == "zh"


async def test_the_explain_hint_is_claimed_once_even_by_racing_replicas(store: Store) -> None:
    chats = ChatSettings(store)
    await chats.set_language("telegram", "7", "zh", T0)
    claims = await asyncio.gather(
        *(chats.claim_explain_hint("telegram", "7", T0) for _ in range(5))
    )
    assert sorted(claims) == [False, False, False, False, True]
    assert await chats.claim_explain_hint("telegram", "7", T0) is False
    assert await chats.language("telegram", "7") == "zh"  # the claim keeps the language
    assert await chats.claim_explain_hint("telegram", "8", T0) is True  # a chat never seen
    await chats.set_language("telegram", "8", "ja", T0)
    assert await chats.claim_explain_hint("telegram", "8", T0) is False  # setting keeps the mark
