"""/rule add|list|remove|test: personal rules of a chat (admins only change a group's)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.commands.answers import CommandError
from bot.commands.rules import PreviewAnswer, RulesService
from bot.i18n import _
from bot.render.rule_answers import added_lines, list_lines, removed_line
from bot.render.telegram.text import CAPTION_LIMIT, Doc, b, line
from bot.telegram.access import chat_admin_only
from bot.telegram.context import Context, Deps, answering, reply, rest_of, target_of

USAGE = "/rule add <expr> [name] | /rule list | /rule remove <name> | /rule test <expr>"


def _doc(lines: list[str] | tuple[str, ...]) -> Doc:
    first, *rest = lines
    return Doc.of([line(b(first)), *rest])


async def _send(update: Update, lines: list[str], preview: PreviewAnswer | None) -> None:
    message = update.effective_message
    if message is None:
        return
    if preview is not None and preview.chart is not None:
        caption = _doc(lines).fit(CAPTION_LIMIT)
        await message.reply_photo(preview.chart, caption=caption.html, parse_mode="HTML")
        return
    await reply(update, _doc(lines))


def handlers(deps: Deps) -> list[BaseHandler[Any, Any, Any]]:
    service: RulesService | None = deps.rules
    if service is None:
        return []
    rules = service

    async def change(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        owner = target_of(chat, update.effective_message)
        verb, _sep, arg = rest_of(update.effective_message).partition(" ")
        user = update.effective_user
        if verb.lower() == "add":
            added = await rules.add(owner, arg, created_by=str(user.id) if user else "")
            await _send(update, added_lines(added), added.preview)
        else:
            await _send(update, [removed_line(await rules.remove(owner, arg))], None)

    guarded_change = chat_admin_only(change)

    async def rule(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        text = rest_of(update.effective_message)
        verb, _sep, arg = text.partition(" ")
        verb = verb.lower()
        if verb in ("add", "remove", "rm", "delete"):
            await guarded_change(update, context)
        elif verb == "list":
            owner = target_of(chat, update.effective_message)
            await reply(update, Doc.of(list_lines(await rules.owned(owner))))
        elif verb == "test":
            answer = await rules.test(arg)
            await _send(update, list(answer.lines), answer)
        else:
            shown = verb[:20] or _("nothing")
            raise CommandError(_("unknown /rule action {action}").format(action=repr(shown)), USAGE)

    return [CommandHandler("rule", answering(rule))]
