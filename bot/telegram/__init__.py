"""The Telegram adapter: commands on python-telegram-bot 22, and the alert notifier.

python-telegram-bot 22 warns whenever it builds ``RetryAfter`` unless
``PTB_TIMEDELTA`` opts in to timedeltas; it is set here, before any module of
this package imports ``telegram``, so ``retry_after`` is a ``timedelta``
everywhere and no runtime warning appears.

Public API::

    notifier = TelegramNotifier.from_settings(settings.telegram)   # for the dispatcher
    adapter = TelegramAdapter(settings.telegram, service)         # commands; owns the bot
    await notifier.start(); await adapter.start()
    ...
    await adapter.stop(); await notifier.stop()
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.telegram.adapter import TelegramAdapter
from bot.telegram.channel import channel_subscription
from bot.telegram.notifier import TelegramNotifier

__all__ = ["TelegramAdapter", "TelegramNotifier", "channel_subscription"]
