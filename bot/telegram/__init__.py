"""The Telegram adapter: commands on python-telegram-bot 22, and the alert notifier.

python-telegram-bot 22 warns whenever it builds ``RetryAfter`` unless
``PTB_TIMEDELTA`` opts in to timedeltas; it is set here, before any module of
this package imports ``telegram``, so ``retry_after`` is a ``timedelta``
everywhere and no runtime warning appears.

Public API::

    adapter = TelegramAdapter(settings, service, store)   # commands + the alert notifier
    await adapter.start()                                 # getMe, setMyCommands, polling/webhook
    dispatcher.add_notifier(adapter.notifier)             # TelegramNotifier, platform "telegram"
    ...
    await adapter.stop()
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.telegram.adapter import TelegramAdapter
from bot.telegram.notifier import TelegramNotifier

__all__ = ["TelegramAdapter", "TelegramNotifier"]
