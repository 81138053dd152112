"""/digest on|off [day] [HH:00] [zone]: the weekly digest of a chat (admins only in groups)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.commands.digest import DigestService
from bot.render.telegram.text import Doc
from bot.telegram.access import chat_admin_only
from bot.telegram.context import Context, Deps, answering, reply, rest_of, target_of


def handlers(deps: Deps) -> list[BaseHandler[Any, Any, Any]]:
    service: DigestService | None = deps.digest
    if service is None:
        return []
    digests = service

    async def change(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        owner = target_of(chat, update.effective_message)
        answer = await digests.handle(owner, rest_of(update.effective_message))
        await reply(update, Doc.of(answer.lines))

    guarded = chat_admin_only(change)

    async def digest(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        if rest_of(update.effective_message).strip():
            await guarded(update, context)
        else:
            answer = await digests.show(target_of(chat, update.effective_message))
            await reply(update, Doc.of(answer.lines))

    return [CommandHandler("digest", answering(digest))]
