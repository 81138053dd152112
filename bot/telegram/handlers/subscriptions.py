"""/subscribe [level] and /unsubscribe: per chat, per forum topic; chat admins only in groups."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.render.telegram.answers import subscribed_doc, unsubscribed_doc
from bot.render.telegram.keyboards import settings_keyboard
from bot.telegram.access import chat_admin_only
from bot.telegram.context import Context, Deps, answering, args_of, kind_of, reply, target_of
from bot.telegram.language import PLATFORM, app_language


def handlers(deps: Deps) -> list[BaseHandler[Any, Any, Any]]:
    service = deps.service

    async def subscribe(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        args = args_of(context)
        target = target_of(chat, update.effective_message)
        answer = await service.subscribe(target, kind_of(chat), args[0] if args else None)
        if deps.languages is not None:  # alerts in a private chat: the user's app language
            await deps.languages.adopt(PLATFORM, str(chat.id), app_language(update))
        await reply(update, subscribed_doc(answer, deps.clock()), settings_keyboard(answer))

    async def unsubscribe(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        was = await service.unsubscribe(target_of(chat, update.effective_message))
        await reply(update, unsubscribed_doc(was))

    return [
        CommandHandler("subscribe", answering(chat_admin_only(subscribe))),
        CommandHandler("unsubscribe", answering(chat_admin_only(unsubscribe))),
    ]
