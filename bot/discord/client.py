"""The discord.py client carrywatch runs: few intents, channel-deletion bookkeeping.

No privileged intent is needed: slash commands arrive as interactions whatever
the intents, and ``guilds`` alone keeps the channel and permission cache that
``/alerts channel`` checks and that tells us when an alert channel is deleted.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord.channels import AlertChannels
from bot.discord.metrics import COMMANDS

log = logging.getLogger(__name__)
MAX_RATELIMIT_TIMEOUT = 30.0  # discord.py's minimum: longer waits raise RateLimited


def intents() -> discord.Intents:
    return discord.Intents(guilds=True)


def without_voice() -> None:
    """Tell discord.py that voice is not wanted, so that it does not warn at every start.

    ``discord.Client()`` logs "PyNaCl is not installed, voice will NOT be
    supported" (and the same for ``davey``) unless ``VoiceClient.warn_nacl`` /
    ``warn_dave`` are off; those class switches are discord.py's own way to
    silence it. carrywatch joins no voice channel, so neither library is a
    dependency.
    """
    discord.VoiceClient.warn_nacl = False
    if hasattr(discord.VoiceClient, "warn_dave"):  # discord.py >= 2.6
        discord.VoiceClient.warn_dave = False


class CarrywatchClient(discord.Client):
    def __init__(self, channels: AlertChannels, **options: Any) -> None:
        without_voice()
        options.setdefault("intents", intents())
        options.setdefault("max_ratelimit_timeout", MAX_RATELIMIT_TIMEOUT)
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(**options)
        self._channels = channels

    async def on_ready(self) -> None:
        log.info("discord connected as %s in %d guilds", self.user, len(self.guilds))

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        if await self._channels.channel_gone(channel.id, "channel deleted"):
            log.warning("alert channel %s of guild %s was deleted", channel.id, channel.guild.id)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        channel = await self._channels.current(guild.id)
        if channel is not None and await self._channels.channel_gone(channel, "bot removed"):
            log.warning("removed from guild %s; its alert channel is off", guild.id)

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction[Any],
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        COMMANDS.labels(command.qualified_name, "ok").inc()
