"""/settings: show with an inline keyboard, change by button or by text subcommand.

Text forms: ``level <l>``, ``quiet <HH:MM> <HH:MM> [tz]``, ``quiet off``,
``mute <duration>``, ``unmute``, ``mute_rule <rule>``, ``unmute_rule <rule>``.
Showing is open to everyone; changing is for chat admins in groups.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.commands.answers import CommandError, SettingsAnswer
from bot.commands.service import CommandService
from bot.i18n import _
from bot.notify.base import Target
from bot.render.settings_words import change_sentence
from bot.render.telegram.answers import changed_doc, settings_doc
from bot.render.telegram.keyboards import PREFIX, ButtonPress, parse_callback, settings_keyboard
from bot.telegram.access import NOT_ADMIN, chat_admin_only, is_chat_admin
from bot.telegram.context import NO_PREVIEW, Context, Deps, answering, args_of, reply, target_of

USAGE = (
    "/settings [level <level> | quiet <HH:MM> <HH:MM> [tz] | quiet off | timezone <zone> | "
    "mute <duration> | "
    "unmute | mute_rule <rule> | unmute_rule <rule>]"
)


async def apply_text(service: CommandService, target: Target, args: list[str]) -> SettingsAnswer:
    """One text subcommand -> the service call it names."""
    verb, rest = args[0].lower(), args[1:]
    if verb == "level" and len(rest) == 1:
        return await service.set_level(target, rest[0])
    if verb == "quiet" and len(rest) == 1 and rest[0].lower() == "off":
        return await service.clear_quiet(target)
    if verb == "quiet" and len(rest) in (2, 3):
        current = await service.settings(target)
        tz = rest[2] if len(rest) == 3 else current.tz
        return await service.set_quiet(target, rest[0], rest[1], tz)
    if verb in ("timezone", "tz") and len(rest) == 1:
        return await service.set_timezone(target, rest[0])
    if verb == "mute" and len(rest) == 1:
        return await service.mute(target, rest[0])
    if verb == "unmute" and not rest:
        return await service.unmute(target)
    if verb == "mute_rule" and len(rest) == 1:
        return await service.mute_rule(target, rest[0])
    if verb == "unmute_rule" and len(rest) == 1:
        return await service.unmute_rule(target, rest[0])
    raise CommandError(_("I can't read /settings {args}").format(args=" ".join(args)), USAGE)


async def apply_button(
    service: CommandService, target: Target, press: ButtonPress
) -> SettingsAnswer:
    if press.action == "level":
        return await service.set_level(target, press.arg)
    if press.action == "quiet" and press.arg == "off":
        return await service.clear_quiet(target)
    if press.action == "quiet":
        start, _sep, end = press.arg.partition("-")
        current = await service.settings(target)
        return await service.set_quiet(target, start, end, current.tz)
    if press.action == "mute":
        return await service.mute(target, press.arg)
    return await service.unmute(target)


def handlers(deps: Deps) -> list[BaseHandler[Any, Any, Any]]:
    service = deps.service

    async def show(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        answer = await service.settings(target_of(chat, update.effective_message))
        await reply(update, settings_doc(answer, deps.clock()), settings_keyboard(answer))

    @chat_admin_only
    async def change(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        target = target_of(chat, update.effective_message)
        answer = await apply_text(service, target, args_of(context))
        await reply(update, changed_doc(answer, deps.clock()))

    async def settings(update: Update, context: Context) -> None:
        await (change if args_of(context) else show)(update, context)

    async def pressed(update: Update, context: Context) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        press = parse_callback(query.data)
        if press is None:
            await query.answer(_("This button is no longer supported; send /settings."))
            return
        if not await is_chat_admin(update, context):
            await query.answer(_(NOT_ADMIN), show_alert=True)
            return
        message = query.message if query.message and query.message.is_accessible else None
        target = target_of(chat, message)  # type: ignore[arg-type]
        answer = await apply_button(service, target, press)
        await query.answer(change_sentence(answer, deps.clock())[:200])
        try:
            await query.edit_message_text(
                settings_doc(answer, deps.clock()).html,
                parse_mode="HTML",
                reply_markup=settings_keyboard(answer),
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:  # pressing the button that is already active
            if "not modified" not in exc.message.lower():
                raise

    return [
        CommandHandler("settings", answering(settings)),
        CallbackQueryHandler(answering(pressed), pattern=f"^{PREFIX}:"),
    ]
