"""The Discord adapter: slash commands, one alert channel per server, alert embeds.

Public API (see ``bot.discord.adapter``)::

    adapter = DiscordAdapter(settings, service, store)
    notifier = adapter.notifier          # Notifier for platform "discord"
    await adapter.start()
    await adapter.stop()
"""

from __future__ import annotations

from bot.discord.adapter import DiscordAdapter, DiscordNotConfiguredError
from bot.discord.notifier import DiscordNotifier

__all__ = ["DiscordAdapter", "DiscordNotConfiguredError", "DiscordNotifier"]
