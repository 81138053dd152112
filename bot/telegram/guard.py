"""The first handler every update meets: argument bounds and command rate limits.

It runs in its own handler group before every command (``GUARD_GROUP``); a
command that is too long or comes too fast gets one plain line (or nothing,
if that user or chat was just told) and :class:`ApplicationHandlerStop` ends
its processing, so no parser, store or chart renderer sees it.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.telegram.context import Context
from bot.throttle.commands import CommandGuard

GUARD_GROUP = -10


def split_command(text: str) -> tuple[str, str] | None:
    """``/chart@bot 90`` -> ("chart", "90"); None when the text is not a command."""
    if not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].split("\n", 1)[0]
    if not name:
        return None
    if "\n" in head:  # "/cmd\nargs"
        rest = head.split("\n", 1)[1] + (" " + rest if rest else "")
    return name, rest.strip()


def guard_handler(guard: CommandGuard) -> BaseHandler[Any, Any, Any]:
    async def check(update: Update, context: Context) -> None:
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or not message.text:
            return
        parsed = split_command(message.text)
        if parsed is None:
            return
        user = update.effective_user
        refusal = guard.check(
            *parsed, str(user.id) if user else None, str(chat.id), group=chat.type != "private"
        )
        if refusal is None:
            return
        if not refusal.silent:
            await message.reply_text(refusal.text)
        raise ApplicationHandlerStop

    return TypeHandler(Update, check)
