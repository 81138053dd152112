"""Read-only commands anyone may run: /start, /help, /risk, /explain, /chart, /history,
/status, /chatid."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.commands.explain import ExplainService
from bot.render.chart_words import chart_caption
from bot.render.telegram.answers import (
    chatid_doc,
    explain_docs,
    help_doc,
    history_doc,
    pointer_doc,
    risk_doc,
    status_doc,
)
from bot.render.telegram.keyboards import RISK_DETAILS, risk_keyboard
from bot.render.telegram.text import CAPTION_LIMIT, Doc
from bot.rules.previews import PreviewHistory
from bot.telegram.context import (
    NO_PREVIEW,
    Context,
    Deps,
    answering,
    args_of,
    reply,
    target_of,
    topic_id,
)


def handlers(deps: Deps) -> list[BaseHandler[Any, Any, Any]]:
    service = deps.service
    explainer = deps.explain or ExplainService(service, PreviewHistory(None))

    async def start(update: Update, context: Context) -> None:
        user = update.effective_user
        await reply(update, help_doc(admin=bool(user and user.id in deps.admins), start=True))

    async def help_(update: Update, context: Context) -> None:
        user = update.effective_user
        await reply(update, help_doc(admin=bool(user and user.id in deps.admins)))

    async def risk(update: Update, context: Context) -> None:
        """The answer, ending once per chat (all its topics) with a pointer to /explain."""
        doc = risk_doc(await service.risk(), service.now())
        chat = update.effective_chat
        if chat is not None and await explainer.claim_pointer("telegram", str(chat.id)):
            doc = doc + Doc.of(["", *pointer_doc().lines])
        await reply(update, doc, risk_keyboard())

    async def explain(update: Update, context: Context) -> None:
        """Three short messages, in order, in the chat's language."""
        for doc in explain_docs(await explainer.explain(), service.now()):
            await reply(update, doc)

    async def risk_details(update: Update, context: Context) -> None:
        """The Details button: the same message, now with every component."""
        query = update.callback_query
        if query is None:
            return
        doc = risk_doc(await service.risk(), service.now(), details=True)
        await query.answer()
        if query.message is not None and query.message.is_accessible:
            await query.edit_message_text(
                doc.html, parse_mode="HTML", link_preview_options=NO_PREVIEW
            )

    async def chart(update: Update, context: Context) -> None:
        args = args_of(context)
        answer = await service.chart(args[0] if args else None)  # renders in a thread
        message = update.effective_message
        if message is None:
            return
        caption = Doc.of([chart_caption(answer)]).fit(CAPTION_LIMIT)
        await message.reply_photo(answer.png, caption=caption.html, parse_mode="HTML")

    async def history(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        args = args_of(context)
        target = target_of(chat, update.effective_message)
        answer = await service.history(args[0] if args else None, target)
        await reply(update, history_doc(answer))

    async def status(update: Update, context: Context) -> None:
        user, chat = update.effective_user, update.effective_chat
        operator = bool(
            user and user.id in deps.admins and chat is not None and chat.type == "private"
        )  # raw provider errors never go to a group
        await reply(update, status_doc(await service.status(), deps.clock(), operator=operator))

    async def chatid(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        thread = topic_id(update.effective_message)
        await reply(update, chatid_doc(chat.id, chat.type, thread, chat.title))

    return [
        CommandHandler("start", answering(start)),
        CommandHandler("help", answering(help_)),
        CommandHandler("risk", answering(risk)),
        CommandHandler("explain", answering(explain)),
        CallbackQueryHandler(answering(risk_details), pattern=f"^{RISK_DETAILS}$"),
        CommandHandler("chart", answering(chart)),
        CommandHandler("history", answering(history)),
        CommandHandler("status", answering(status)),
        CommandHandler("chatid", answering(chatid)),
    ]
