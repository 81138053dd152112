"""What every handler needs: the service, who is an operator, and where a reply goes.

Handlers are built by ``handlers/*.py`` factories that close over one
:class:`Deps`; nothing is fetched from ``bot_data`` by string key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import Chat, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.commands.answers import CommandError
from bot.commands.service import CommandService
from bot.notify.base import Target
from bot.render.telegram.answers import error_doc
from bot.render.telegram.text import Doc
from bot.store.records import SubscriptionKind

if TYPE_CHECKING:
    from bot.commands.digest import DigestService
    from bot.commands.explain import ExplainService
    from bot.commands.language import LanguageService
    from bot.commands.rules import RulesService

Context = ContextTypes.DEFAULT_TYPE
Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]
Clock = Callable[[], dt.datetime]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Deps:
    service: CommandService
    admins: frozenset[int] = field(default_factory=frozenset)
    clock: Clock = utc_now
    rules: RulesService | None = None  # /rule (issue 13); None: the command is not offered
    digest: DigestService | None = None  # /digest (issue 13)
    languages: LanguageService | None = None  # /language (issue 12); None: not offered
    explain: ExplainService | None = None  # /explain and its pointer (issue 12)


def topic_id(message: Message | None) -> int | None:
    """The forum topic a message is in; reply chains in plain groups are not topics."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def target_of(chat: Chat, message: Message | None) -> Target:
    """Subscriptions are keyed by (chat, topic)."""
    thread = topic_id(message)
    return Target("telegram", str(chat.id), str(thread) if thread is not None else None)


def kind_of(chat: Chat) -> SubscriptionKind:
    if chat.type == ChatType.PRIVATE:
        return "private"
    if chat.type == ChatType.CHANNEL:
        return "channel"
    return "group"


async def reply(
    update: Update, doc: Doc, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer in the same chat and topic as the update's message."""
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(
        doc.html, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
    )


def answering(callback: Callback) -> Callback:
    """Turn a ``CommandError`` from the service into a one-line reply with usage."""

    async def wrapped(update: Update, context: Context) -> None:
        try:
            await callback(update, context)
        except CommandError as err:
            if update.callback_query is not None:
                await update.callback_query.answer(err.message[:200], show_alert=True)
            else:
                await reply(update, error_doc(err))

    wrapped.__name__ = getattr(callback, "__name__", "handler")
    return wrapped


def args_of(context: Context) -> list[str]:
    return list(context.args or [])


def rest_of(message: Message | None) -> str:
    """Everything after the command, as typed (keeps newlines, unlike ``context.args``)."""
    if message is None or not message.text:
        return ""
    entity = next((e for e in message.entities if e.type == "bot_command" and e.offset == 0), None)
    if entity is None:
        return ""
    # Entity offsets count UTF-16 units; the command itself is ASCII, so they match here.
    return message.text[entity.length :].strip()
