"""Unknown commands get one line and a pointer to /help.

Runs in a later handler group, so it only sees commands no handler took. In
groups a command addressed to another bot (``/foo@otherbot``) is not ours and
is left alone.
"""

from __future__ import annotations

from typing import Any

from telegram import MessageEntity, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.commands.answers import COMMANDS
from bot.render.telegram.answers import unknown_doc
from bot.telegram.context import Context, Deps, reply

KNOWN = frozenset({"start", *(c.name for c in COMMANDS)})


def handlers(deps: Deps) -> list[BaseHandler[Any, Any, Any]]:
    async def unknown(update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        entity = message.entities[0] if message.entities else None
        if entity is None or entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
            return
        word = message.text[: entity.length]
        name, _, addressee = word[1:].partition("@")
        if addressee and addressee.lower() != context.bot.username.lower():
            return
        if name.lower() in KNOWN:
            return  # ours, but filtered out above (e.g. an edited message)
        await reply(update, unknown_doc(word))

    return [MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown)]
