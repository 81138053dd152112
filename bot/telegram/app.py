"""``build_application``: the PTB Application with every carrywatch handler.

Command replies go through a :class:`~bot.telegram.pacing.PacedRateLimiter`
over the bot's one :class:`~bot.dispatch.pacing.SendPacer`, the same pacer the
alert notifier and the dispatcher use: one budget of 30 msg/s, 1/s per chat,
20/min per group, and a reply that meets a 429 waits and is sent again.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter

from bot.commands.answers import COMMANDS
from bot.commands.service import CommandService
from bot.dispatch.pacing import SendPacer
from bot.settings import TelegramSettings
from bot.telegram.context import Clock, Context, Deps, utc_now
from bot.telegram.guard import GUARD_GROUP, guard_handler
from bot.telegram.handlers import FALLBACK_GROUP, fallback_handlers, handlers
from bot.telegram.notifier import api_base
from bot.telegram.pacing import PacedRateLimiter
from bot.throttle.commands import CommandGuard

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
) -> TelegramApp:
    """An Application ready for ``initialize()``; nothing is contacted until then.

    ``guard`` bounds arguments and rate-limits commands per user and per chat
    before any handler runs (a default one unless given).
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
    deps = Deps(service=service, admins=frozenset(settings.admins), clock=clock)
    app.add_handler(guard_handler(guard or CommandGuard()), group=GUARD_GROUP)
    app.add_handlers(handlers(deps))
    app.add_handlers(fallback_handlers(deps), group=FALLBACK_GROUP)
    app.add_error_handler(on_error)
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


async def register_commands(app: TelegramApp, admins: frozenset[int]) -> None:
    """setMyCommands: public commands for everyone, plus operator ones in operators' chats."""
    public = [BotCommand(c.name, c.description) for c in COMMANDS if not c.admin]
    everything = [BotCommand(c.name, c.description) for c in COMMANDS]
    await app.bot.set_my_commands(public, scope=BotCommandScopeDefault())
    for user_id in sorted(admins):
        await app.bot.set_my_commands(everything, scope=BotCommandScopeChat(user_id))
