"""Who may run what, kept apart from the handler bodies.

* Operators (``CARRYWATCH_TELEGRAM__ADMINS`` user ids) run /broadcast,
  /test_alert, /stats: routed with a PTB ``filters.User``; everyone else hits
  a polite refusal handler registered after them.
* In groups and supergroups only chat administrators (``getChatMember``
  status ``administrator`` or ``creator``) may change a chat's alerts:
  :func:`chat_admin_only` wraps the handlers that do. An anonymous admin
  (posting as the group) counts as an admin; private chats are their owner's.
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import filters

from bot.i18n import N_, _
from bot.render.telegram.text import Doc
from bot.telegram.context import Callback, Context, reply

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
NOT_ADMIN = N_("Only this group's admins can change its alerts.")


def operators(admins: Iterable[int]) -> filters.User:
    """Matches updates from a carrywatch operator; an empty list matches no one."""
    return filters.User(user_id=list(admins), allow_empty=False)


async def is_chat_admin(update: Update, context: Context) -> bool:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # anonymous admin posting as the group
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    return member.status in ADMIN_STATUSES


def chat_admin_only(callback: Callback) -> Callback:
    """Run ``callback`` only for a chat admin; tell anyone else why nothing changed."""

    async def guarded(update: Update, context: Context) -> None:
        if await is_chat_admin(update, context):
            await callback(update, context)
        elif update.callback_query is not None:
            await update.callback_query.answer(_(NOT_ADMIN), show_alert=True)
        else:
            await reply(update, Doc.of([_(NOT_ADMIN)]))

    guarded.__name__ = getattr(callback, "__name__", "handler")
    return guarded
