"""One alert channel per guild: which channel it is, and replacing it.

A guild's alert channel is an ordinary subscription (platform ``discord``,
``chat_id`` = channel id, ``guild_id`` = guild id). The store keys
subscriptions by channel, so choosing a new channel subscribes it and switches
off every other active channel of that guild. The meta key
``discord.alert_channel.<guild>`` remembers the last chosen channel even after
its subscription broke (deleted channel, lost permission), so ``/status`` can
say so instead of "no channel".
"""

from __future__ import annotations

from bot.commands.answers import CommandError, SettingsAnswer
from bot.commands.service import CommandService
from bot.i18n import _
from bot.notify.base import Target
from bot.store.store import Store

PLATFORM = "discord"
NOT_SET_USAGE = "/alerts channel <channel> [level]"


def channel_target(channel_id: int | str) -> Target:
    return Target(PLATFORM, str(channel_id))


def _meta_key(guild_id: int) -> str:
    return f"discord.alert_channel.{guild_id}"


class AlertChannels:
    """The guild → alert channel mapping, on top of the command service and the store."""

    def __init__(self, service: CommandService, store: Store) -> None:
        self._service = service
        self._store = store

    async def current(self, guild_id: int) -> int | None:
        """The guild's alert channel, active or not; None if it never chose one."""
        raw = await self._store.meta_get(_meta_key(guild_id))
        return int(raw) if raw else None

    async def choose(self, guild_id: int, channel_id: int, level: str | None) -> SettingsAnswer:
        """Subscribe ``channel_id`` for the guild and switch off its previous channel(s).

        A new channel takes over the server's settings (quiet hours, time zone, ping
        role, muted rules, and the level unless one is given): they are the server's.
        """
        previous = [
            s
            for s in await self._store.active_subscriptions(PLATFORM)
            if s.guild_id == str(guild_id) and s.chat_id != str(channel_id)
        ]
        target = channel_target(channel_id)
        answer = await self._service.subscribe(target, "guild", level, guild_id=str(guild_id))
        if answer.created and previous:
            old = previous[0]
            carried: dict[str, object] = {
                "quiet_start": old.quiet_start,
                "quiet_end": old.quiet_end,
                "tz": old.tz,
                "ping_role": old.ping_role,
                "muted_rules": list(old.muted_rules),
            }
            if level is None:
                carried["min_level"] = old.min_level
            await self._store.update_subscription(target, **carried)
            answer = await self._service.settings(target)
        for sub in previous:
            await self._service.unsubscribe(sub.target)
        await self._store.meta_set(_meta_key(guild_id), str(channel_id))
        return answer

    async def target(self, guild_id: int) -> Target:
        """The guild's alert channel as a target; a CommandError when none was chosen."""
        channel = await self.current(guild_id)
        if channel is None:
            raise CommandError(_("this server has no alert channel yet"), NOT_SET_USAGE)
        return channel_target(channel)

    async def settings(self, guild_id: int) -> tuple[int | None, SettingsAnswer | None]:
        channel = await self.current(guild_id)
        if channel is None:
            return None, None
        return channel, await self._service.settings(channel_target(channel))

    async def channel_gone(self, channel_id: int, reason: str) -> int:
        """A channel was deleted or the bot lost access: mark its subscription broken."""
        return await self._store.deactivate(PLATFORM, str(channel_id), reason)
