"""``build_application``: the PTB Application with every carrywatch handler.

Command replies go through a :class:`~bot.telegram.pacing.PacedRateLimiter`
over the bot's one :class:`~bot.dispatch.pacing.SendPacer`, the same pacer the
alert notifier and the dispatcher use: one budget of 30 msg/s, 1/s per chat,
20/min per group, and a reply that meets a 429 waits and is sent again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter

from bot import i18n
from bot.commands.answers import COMMANDS, CommandHelp
from bot.commands.explain import ExplainService
from bot.commands.service import CommandService
from bot.dispatch.pacing import SendPacer
from bot.rules.previews import PreviewHistory
from bot.settings import TelegramSettings
from bot.telegram.context import Clock, Context, Deps, utc_now
from bot.telegram.guard import GUARD_GROUP, guard_handler
from bot.telegram.handlers import FALLBACK_GROUP, fallback_handlers, handlers
from bot.telegram.language import localized, update_language
from bot.telegram.notifier import api_base
from bot.telegram.pacing import PacedRateLimiter
from bot.throttle.commands import CommandGuard

if TYPE_CHECKING:
    from bot.commands.digest import DigestService
    from bot.commands.language import LanguageService
    from bot.commands.rules import RulesService

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
CONCURRENT_UPDATES = 256


def reply_rate_limiter(pacer: SendPacer | None = None) -> PacedRateLimiter:
    """Replies retry after 429s until sent; ``pacer`` is shared with the alert notifier."""
    return PacedRateLimiter(pacer or SendPacer())


def build_application(
    settings: TelegramSettings,
    service: CommandService,
    *,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    concurrent_updates: int = CONCURRENT_UPDATES,
    clock: Clock = utc_now,
    guard: CommandGuard | None = None,
    rules: RulesService | None = None,
    digest: DigestService | None = None,
    languages: LanguageService | None = None,
) -> TelegramApp:
    """An Application ready for ``initialize()``; nothing is contacted until then.

    ``guard`` bounds arguments and rate-limits commands per user and per chat
    before any handler runs (a default one unless given). Every handler runs in
    the update's language (the chat's choice from ``languages``, else the user's
    in a private chat, else English); the guard's refusals use the user's app
    language only, so a flood never reaches the store.
    """
    if settings.token is None:
        raise ValueError("telegram.token is not set")
    base_url, base_file_url = api_base(settings.api_url)
    app: TelegramApp = (
        ApplicationBuilder()
        .token(settings.token.get_secret_value())
        .base_url(base_url)
        .base_file_url(base_file_url)
        .rate_limiter(rate_limiter or reply_rate_limiter())
        .concurrent_updates(concurrent_updates)
        .build()
    )
    chats = languages.chats if languages is not None else None
    previews = rules.previews if rules is not None else PreviewHistory(None)
    deps = Deps(
        service=service,
        admins=frozenset(settings.admins),
        clock=clock,
        rules=rules,
        digest=digest,
        languages=languages,
        explain=ExplainService(service, previews, chats, clock),
    )
    [guard_h] = localized([guard_handler(guard or CommandGuard())], None)
    app.add_handler(guard_h, group=GUARD_GROUP)
    app.add_handlers(localized(handlers(deps), chats))
    app.add_handlers(localized(fallback_handlers(deps), chats), group=FALLBACK_GROUP)

    async def on_error_localized(update: object, context: Context) -> None:
        with i18n.use(await update_language(update, chats)):
            await on_error(update, context)

    app.add_error_handler(on_error_localized)
    return app


async def on_error(update: object, context: Context) -> None:
    """Log with the update's kind, and tell the user something went wrong."""
    log.error("telegram handler failed", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        if update.callback_query is not None:
            await update.callback_query.answer("Sorry, that failed. Try again later.")
            return
        await update.effective_message.reply_text(
            "Sorry, something went wrong on our side. Try again in a minute."
        )


def bot_commands(language: str, *, admin: bool = False) -> list[BotCommand]:
    """The command menu in ``language``: names stay English (Telegram allows a-z0-9_)."""
    with i18n.use(language):
        return [_menu_entry(c) for c in COMMANDS if admin or not c.admin]


def _menu_entry(command: CommandHelp) -> BotCommand:
    return BotCommand(command.name, i18n._(command.description))


async def register_commands(app: TelegramApp, admins: frozenset[int]) -> None:
    """setMyCommands: public commands for everyone, plus operator ones in operators' chats;
    English by default, and each other language for users whose app speaks it."""
    for language in i18n.LANGUAGES:
        code = None if language == i18n.DEFAULT else language
        await app.bot.set_my_commands(
            bot_commands(language), scope=BotCommandScopeDefault(), language_code=code
        )
        for user_id in sorted(admins):
            await app.bot.set_my_commands(
                bot_commands(language, admin=True),
                scope=BotCommandScopeChat(user_id),
                language_code=code,
            )
