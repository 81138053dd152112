"""The bot's own membership changes: blocked in a private chat, removed from a group.

Telegram tells the bot (``my_chat_member``) when a user blocks it or a group
removes it; deactivating the chat's subscriptions then saves the dispatcher a
doomed send. A later /subscribe reactivates them with their settings intact.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import BaseHandler, ChatMemberHandler

from bot.store.store import Store
from bot.telegram.context import Context

GONE = frozenset({ChatMemberStatus.BANNED, ChatMemberStatus.LEFT})


def membership_handler(store: Store) -> BaseHandler[Any, Any, Any]:
    async def changed(update: Update, context: Context) -> None:
        change = update.my_chat_member
        if change is None or change.new_chat_member.status not in GONE:
            return
        reason = f"bot {change.new_chat_member.status} in {change.chat.type} chat"
        await store.deactivate("telegram", str(change.chat.id), reason)

    return ChatMemberHandler(changed, ChatMemberHandler.MY_CHAT_MEMBER)
