"""Acting as a Telegram user against the stand-in and waiting for the bot's answer."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.standins.telegram_api import TelegramStandin
from tests.standins.telegram_state import SentMessage


async def ask(
    tg: TelegramStandin, chat_id: int, text: str, *, user_id: int, **kwargs: Any
) -> SentMessage:
    """Send ``text`` as ``user_id`` in ``chat_id``; return the bot's next message there."""
    before = len(tg.sent)
    tg.inject_message(chat_id, text, user_id=user_id, **kwargs)
    return await tg.wait_for(
        lambda s: s.chat_id == chat_id and tg.sent.index(s) >= before, timeout=10
    )


async def press(
    tg: TelegramStandin, chat_id: int, user_id: int, data: str, message_id: int
) -> None:
    """Press an inline button and wait until the bot answered the callback query."""
    before = len(tg.callback_answers)
    tg.inject_callback_query(chat_id, user_id, data, message_id)
    async with asyncio.timeout(10):
        # ASYNC110 off: the stand-in has no public event for callback answers; 10 ms polls.
        while len(tg.callback_answers) <= before:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
