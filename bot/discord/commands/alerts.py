"""/alerts …: a server's push alerts, for members with Manage Server only.

One alert channel per server (see ``bot.discord.channels``); the other
subcommands change that channel's subscription through the command service.
Every answer is ephemeral: settings are a moderator's business, not the
channel's.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord
from discord import app_commands

from bot.commands.answers import CommandError, SettingsAnswer
from bot.commands.service import CommandService
from bot.discord.channels import AlertChannels
from bot.discord.commands.guards import require_manage_guild
from bot.discord.commands.reply import Reply, respond
from bot.i18n import N_, _
from bot.render.discord.answers import settings_embed
from bot.render.settings_words import change_sentence

_ZONES = tuple(sorted(zoneinfo.available_timezones()))
LevelName = Literal["low", "elevated", "high", "severe"]
NEEDED = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


def _guild_id(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:  # guild_only; require_manage_guild refused DMs already
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def _check_bot_can_post(interaction: discord.Interaction[Any], channel: Any) -> None:
    """Refuse a channel the bot cannot post embeds in, rather than fail at the first alert."""
    guild = interaction.guild
    me = guild.me if guild is not None else None
    if me is None or not isinstance(channel, discord.abc.GuildChannel):
        return  # nothing cached to judge by; the first send will tell
    missing = [
        name for name, value in NEEDED if value and not getattr(channel.permissions_for(me), name)
    ]
    if missing:
        names = ", ".join(m.replace("_", " ").title() for m in missing)
        raise CommandError(
            _(
                "I can't post in {channel}: missing {permissions}. Give me those there, then retry."
            ).format(channel=channel.mention, permissions=names)
        )


class AlertsGroup(app_commands.Group):
    """``/alerts channel|off|level|quiet|timezone|ping|mute|unmute|mute_rule|unmute_rule|show``."""

    def __init__(self, service: CommandService, channels: AlertChannels) -> None:
        super().__init__(
            name="alerts",
            description=N_("Push alerts for this server (Manage Server only)"),
            guild_only=True,
            default_permissions=discord.Permissions(manage_guild=True),
        )
        self._service = service
        self._channels = channels

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return require_manage_guild(interaction)

    async def _confirm(
        self,
        interaction: discord.Interaction[Any],
        change: Callable[[], Awaitable[SettingsAnswer]],
        note: str = "",
    ) -> None:
        """Run ``change`` and show the server's settings after it."""

        async def work() -> Reply:
            answer = await change()
            channel = await self._channels.current(_guild_id(interaction))
            said = note or (change_sentence(answer, self._service.now()) if answer.previous else "")
            return Reply(embed=settings_embed(channel, answer, said))

        await respond(interaction, work, ephemeral=True)

    @app_commands.command(name="channel", description=N_("Post this server's alerts in a channel"))
    @app_commands.describe(channel=N_("where alerts go"), level=N_("minimum level (default high)"))
    async def channel(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel,
        level: LevelName | None = None,
    ) -> None:
        guild_id = _guild_id(interaction)
        _check_bot_can_post(interaction, channel)
        await self._confirm(
            interaction,
            lambda: self._channels.choose(guild_id, channel.id, level),
            _("Alerts will be posted in {channel}.").format(channel=channel.mention),
        )

    @app_commands.command(name="off", description=N_("Stop push alerts in this server"))
    async def off(self, interaction: discord.Interaction[Any]) -> None:
        target = await self._channels.target(_guild_id(interaction))

        async def work() -> Reply:
            was_on = await self._service.unsubscribe(target)
            text = (
                _("Alerts are off. Turn them on again with `/alerts channel`.")
                if was_on
                else _("Alerts were already off. Turn them on again with `/alerts channel`.")
            )
            return Reply(content=text)

        await respond(interaction, work, ephemeral=True)

    @app_commands.command(name="level", description=N_("Only alert at or above this level"))
    @app_commands.describe(level=N_("the lowest level that sends an alert here"))
    async def level(self, interaction: discord.Interaction[Any], level: LevelName) -> None:
        target = await self._channels.target(_guild_id(interaction))
        await self._confirm(interaction, lambda: self._service.set_level(target, level))

    @app_commands.command(
        name="mute", description=N_("Pause alerts for a while (severe still posts)")
    )
    @app_commands.describe(duration=N_("e.g. 30m, 2h, 1d (1m to 30d)"))
    async def mute(self, interaction: discord.Interaction[Any], duration: str) -> None:
        target = await self._channels.target(_guild_id(interaction))
        await self._confirm(interaction, lambda: self._service.mute(target, duration))

    @app_commands.command(name="unmute", description=N_("Resume alerts now"))
    async def unmute(self, interaction: discord.Interaction[Any]) -> None:
        target = await self._channels.target(_guild_id(interaction))
        await self._confirm(interaction, lambda: self._service.unmute(target))

    @app_commands.command(
        name="quiet", description=N_("Hold alerts below severe during these hours")
    )
    @app_commands.describe(
        start=N_("HH:MM, or off to switch quiet hours off"),
        end=N_("HH:MM (in this server's time zone, see /alerts timezone)"),
    )
    async def quiet(
        self, interaction: discord.Interaction[Any], start: str, end: str | None = None
    ) -> None:
        target = await self._channels.target(_guild_id(interaction))
        if start.strip().lower() == "off":
            await self._confirm(interaction, lambda: self._service.clear_quiet(target))
            return

        async def change() -> SettingsAnswer:
            if end is None:
                raise CommandError(_("give an end time too"), _("/alerts quiet — e.g. 22:00 07:00"))
            current = await self._service.settings(target)
            return await self._service.set_quiet(target, start, end, current.tz)

        await self._confirm(interaction, change)

    @app_commands.command(
        name="timezone", description=N_("This server's time zone for quiet hours")
    )
    @app_commands.describe(zone=N_("an IANA name such as Europe/Berlin, Asia/Tokyo or UTC"))
    async def timezone(self, interaction: discord.Interaction[Any], zone: str) -> None:
        target = await self._channels.target(_guild_id(interaction))
        await self._confirm(interaction, lambda: self._service.set_timezone(target, zone))

    @app_commands.command(name="ping", description=N_("Mention a role on severe alerts"))
    @app_commands.describe(role=N_("the role to mention; leave out to stop pinging"))
    async def ping(
        self, interaction: discord.Interaction[Any], role: discord.Role | None = None
    ) -> None:
        target = await self._channels.target(_guild_id(interaction))
        role_id = str(role.id) if role is not None else None
        await self._confirm(interaction, lambda: self._service.set_ping_role(target, role_id))

    @timezone.autocomplete("zone")
    async def _zones(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(_ZONES, current)

    @app_commands.command(name="mute_rule", description=N_("Stop alerts from one rule"))
    @app_commands.describe(rule=N_("the rule's name"))
    async def mute_rule(self, interaction: discord.Interaction[Any], rule: str) -> None:
        target = await self._channels.target(_guild_id(interaction))
        await self._confirm(interaction, lambda: self._service.mute_rule(target, rule))

    @app_commands.command(name="unmute_rule", description=N_("Alert from a muted rule again"))
    @app_commands.describe(rule=N_("the rule's name"))
    async def unmute_rule(self, interaction: discord.Interaction[Any], rule: str) -> None:
        target = await self._channels.target(_guild_id(interaction))
        await self._confirm(interaction, lambda: self._service.unmute_rule(target, rule))

    @app_commands.command(name="show", description=N_("This server's alert channel and settings"))
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        target = await self._channels.target(_guild_id(interaction))
        await self._confirm(interaction, lambda: self._service.settings(target))

    @mute_rule.autocomplete("rule")
    async def _rules(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        settings = await self._settings(interaction)
        names = settings.rules if settings else ()
        return _choices(names, current)

    @unmute_rule.autocomplete("rule")
    async def _muted(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        settings = await self._settings(interaction)
        return _choices(settings.muted_rules if settings else (), current)

    async def _settings(self, interaction: discord.Interaction[Any]) -> SettingsAnswer | None:
        if interaction.guild_id is None:
            return None
        return (await self._channels.settings(interaction.guild_id))[1]


def _choices(names: tuple[str, ...], current: str) -> list[app_commands.Choice[str]]:
    wanted = current.lower()
    return [app_commands.Choice(name=n, value=n) for n in names if wanted in n.lower()][:25]
