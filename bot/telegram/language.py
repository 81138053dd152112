"""Which language a Telegram update is answered in, set around every handler.

Resolution: the chat's choice (``/language``, stored in
:class:`~bot.store.chat_settings.ChatSettings`) → in a private chat, the user's
``language_code`` → English (groups and channels until an admin chooses).
:func:`localized` wraps a handler's callback so everything it renders —
replies, errors from ``answering``, keyboards — is in that language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler

from bot import i18n
from bot.store.chat_settings import ChatSettings
from bot.telegram.context import Callback, Context

log = logging.getLogger(__name__)
PLATFORM = "telegram"


def app_language(update: Update) -> str | None:
    """The user's app language, counted only in a private chat (a group is not theirs)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return None
    return user.language_code


async def update_language(update: object, chats: ChatSettings | None) -> str:
    if not isinstance(update, Update):
        return i18n.DEFAULT
    chat = update.effective_chat
    chosen = None
    if chats is not None and chat is not None:
        try:
            chosen = await chats.language(PLATFORM, str(chat.id))
        except Exception:  # the store down: answer in the fallback rather than not at all
            log.warning("chat language not readable; answering in the fallback", exc_info=True)
    return i18n.pick(chosen, app_language(update))


def in_language(callback: Callback, chats: ChatSettings | None) -> Callback:
    async def localized_callback(update: Update, context: Context) -> None:
        with i18n.use(await update_language(update, chats)):
            await callback(update, context)

    localized_callback.__name__ = getattr(callback, "__name__", "handler")
    return localized_callback


def localized(
    handlers: Iterable[BaseHandler[Any, Any, Any]], chats: ChatSettings | None
) -> list[BaseHandler[Any, Any, Any]]:
    """The same handlers, each callback run under the update's language."""
    out = list(handlers)
    for handler in out:
        handler.callback = in_language(handler.callback, chats)
    return out
