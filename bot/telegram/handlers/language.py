"""/language [en|zh|ja]: show or choose the chat's language (group admins only in groups).

No argument: the current language and a keyboard of the choices; a choice (typed
or pressed) is confirmed in the newly chosen language.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import i18n
from bot.commands.language import LanguageAnswer, LanguageService
from bot.render.language_words import (
    Place,
    choices_sentence,
    confirmation,
    current_sentence,
    not_admin_sentence,
)
from bot.render.telegram.text import Doc
from bot.telegram.access import is_chat_admin
from bot.telegram.context import Context, Deps, answering, args_of, reply
from bot.telegram.language import PLATFORM, app_language

PREFIX = "lang"


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    """One button per language, by its own name; the current one ticked."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ("✓ " if code == current else "") + i18n.NATIVE_NAMES[code],
                    callback_data=f"{PREFIX}:{code}",
                )
                for code in i18n.LANGUAGES
            ]
        ]
    )


def _place(update: Update) -> Place:
    chat = update.effective_chat
    return "private" if chat is not None and chat.type == ChatType.PRIVATE else "group"


def _confirmed(answer: LanguageAnswer, place: Place) -> Doc:
    with i18n.use(answer.language):  # said in the language just chosen
        return Doc.of([confirmation(answer, place)])


def handlers(deps: Deps) -> list[BaseHandler[Any, Any, Any]]:
    languages: LanguageService | None = deps.languages
    if languages is None:
        return []
    service = languages

    async def language(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        args = args_of(context)
        if not args:
            answer = await service.show(PLATFORM, str(chat.id), app_language(update))
            text = [current_sentence(answer, _place(update)), choices_sentence()]
            await reply(update, Doc.of(text), language_keyboard(answer.language))
            return
        if not await is_chat_admin(update, context):
            await reply(update, Doc.of([not_admin_sentence()]))
            return
        answer = await service.choose(PLATFORM, str(chat.id), " ".join(args))
        await reply(update, _confirmed(answer, _place(update)))

    async def pressed(update: Update, context: Context) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None or not query.data:
            return
        if not await is_chat_admin(update, context):
            await query.answer(not_admin_sentence(), show_alert=True)
            return
        answer = await service.choose(PLATFORM, str(chat.id), query.data.partition(":")[2])
        doc = _confirmed(answer, _place(update))
        await query.answer(doc.plain[:200])
        if query.message is not None and query.message.is_accessible:
            try:
                await query.edit_message_text(
                    doc.html, parse_mode="HTML", reply_markup=language_keyboard(answer.language)
                )
            except BadRequest as exc:  # pressed the language already shown
                if "not modified" not in exc.message.lower():
                    raise

    return [
        CommandHandler("language", answering(language)),
        CallbackQueryHandler(answering(pressed), pattern=f"^{PREFIX}:"),
    ]
