"""Operator commands: /broadcast <text>, /test_alert, /stats.

Routing (``access.operators``) decides who gets here; anyone else is caught by
the refusal handler registered right after, so they get an answer, not silence.
Broadcasts and test alerts go through the outbox like any alert, so the
dispatcher's limits, retries and records apply to them too.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.render.telegram.answers import queued_doc, refusal_doc, stats_doc
from bot.telegram.access import operators
from bot.telegram.context import Context, Deps, answering, reply, rest_of

OPERATOR_COMMANDS = ("broadcast", "test_alert", "stats")


def handlers(deps: Deps) -> list[BaseHandler[Any, Any, Any]]:
    service = deps.service
    only_operators = operators(deps.admins)

    async def broadcast(update: Update, context: Context) -> None:
        chats = await service.broadcast(rest_of(update.effective_message))
        await reply(update, queued_doc("the announcement", chats))

    async def test_alert(update: Update, context: Context) -> None:
        chats = await service.test_alert()
        await reply(update, queued_doc("a test alert", chats))

    async def stats(update: Update, context: Context) -> None:
        await reply(update, stats_doc(await service.stats()))

    async def refuse(update: Update, context: Context) -> None:
        message = update.effective_message
        word = (message.text or "/").split()[0] if message else "/"
        await reply(update, refusal_doc(word.lstrip("/").split("@")[0]))

    return [
        CommandHandler("broadcast", answering(broadcast), filters=only_operators),
        CommandHandler("test_alert", answering(test_alert), filters=only_operators),
        CommandHandler("stats", answering(stats), filters=only_operators),
        CommandHandler(list(OPERATOR_COMMANDS), refuse),
    ]
