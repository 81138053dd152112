"""``TelegramAdapter``: the command side's lifecycle, owned by the runtime.

``start()`` initializes the bot (getMe), registers the commands, and receives
updates by long polling or, when a webhook URL is configured, through PTB's
webhook server with a fresh random ``secret_token`` that Telegram sends back in
``X-Telegram-Bot-Api-Secret-Token`` and PTB checks on every request (403
otherwise). ``stop()`` undoes it in reverse. No loop is owned here.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import BaseRateLimiter

from bot.commands.language import LanguageService
from bot.commands.service import CommandService
from bot.dispatch.pacing import SendPacer
from bot.settings import Settings, TelegramSettings
from bot.store.chat_settings import ChatSettings
from bot.store.store import Store
from bot.telegram import webhook
from bot.telegram.app import (
    TelegramApp,
    build_application,
    register_commands,
    reply_rate_limiter,
)
from bot.telegram.context import Clock, utc_now
from bot.telegram.membership import membership_handler
from bot.telegram.notifier import TelegramNotifier

if TYPE_CHECKING:
    from bot.commands.digest import DigestService
    from bot.commands.rules import RulesService

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


def webhook_path(url: str) -> str:
    """The path PTB's server listens on: the webhook URL's path (``/telegram`` default)."""
    return urlsplit(url).path.strip("/") or "telegram"


class TelegramAdapter:
    """Commands and alerts for one bot; ``notifier`` is what the dispatcher sends through.

    ``webhook_url`` (or ``settings.telegram.webhook_url``) switches to webhooks.
    ``store`` is optional: with it, a user blocking the bot (``my_chat_member``)
    deactivates that chat's subscriptions at once instead of at the next alert.
    ``pacer`` is the bot's one send budget: command replies and the notifier's
    alerts both go through it (a fresh one at Telegram's limits by default).
    """

    def __init__(
        self,
        settings: Settings | TelegramSettings,
        service: CommandService,
        store: Store | None = None,
        *,
        webhook_url: str | None = None,
        secret_token: str | None = None,
        rate_limiter: BaseRateLimiter[Any] | None = None,
        notifier: TelegramNotifier | None = None,
        clock: Clock = utc_now,
        pacer: SendPacer | None = None,
        rules: RulesService | None = None,
        digest: DigestService | None = None,
    ) -> None:
        tg = settings.telegram if isinstance(settings, Settings) else settings
        self._settings = tg
        self.webhook_url = webhook_url or tg.webhook_url
        self.secret_token = secret_token or secrets.token_urlsafe(32)
        self.pacer = pacer or SendPacer()
        self.application: TelegramApp = build_application(
            tg,
            service,
            rate_limiter=rate_limiter or reply_rate_limiter(self.pacer),
            clock=clock,
            rules=rules,
            digest=digest,
            languages=LanguageService(ChatSettings(store), clock=clock) if store else None,
        )
        if store is not None:
            self.application.add_handler(membership_handler(store))
        self.notifier = notifier or TelegramNotifier.from_settings(tg, pacer=self.pacer)
        self._running = False

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    async def start(self) -> None:
        app = self.application
        await self.notifier.start()
        await app.initialize()
        try:
            await register_commands(app, frozenset(self._settings.admins))
            await app.start()
            assert app.updater is not None
            if self.webhook_url:
                webhook.install()  # a broken JSON body gets 400, not PTB's 500
                await app.updater.start_webhook(
                    listen=self._settings.webhook_listen,
                    port=self._settings.webhook_port,
                    url_path=webhook_path(self.webhook_url),
                    webhook_url=self.webhook_url,
                    secret_token=self.secret_token,
                    allowed_updates=ALLOWED_UPDATES,
                    drop_pending_updates=False,
                )
            else:
                await app.updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False
                )
        except Exception:
            await self._teardown()
            raise
        self._running = True

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        await self._teardown()

    async def _teardown(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await self.notifier.stop()
