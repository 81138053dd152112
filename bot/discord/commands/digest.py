"""/digest on|off|show: a server's (Manage Server) or a DM's weekly digest."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from bot.commands.digest import DigestAnswer, DigestService
from bot.discord.commands.guards import require_manage_guild
from bot.discord.commands.reply import Reply, respond
from bot.discord.commands.rules import owner_of
from bot.i18n import N_

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _reply(answer: DigestAnswer) -> Reply:
    first, *rest = answer.lines
    return Reply(embed=discord.Embed(title=first, description="\n".join(rest)))


class DigestGroup(app_commands.Group):
    def __init__(self, digests: DigestService) -> None:
        super().__init__(name="digest", description=N_("A weekly summary here (default Mon 08:00)"))
        self._digests = digests

    def _may_change(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild is not None:
            require_manage_guild(interaction)

    @app_commands.command(name="on", description=N_("Send the weekly digest here"))
    @app_commands.describe(
        day=N_("weekday (default mon)"),
        hour=N_("local hour 0–23 (default 8)"),
        zone=N_("IANA time zone, e.g. Europe/Berlin (default: this chat's)"),
    )
    async def on(
        self,
        interaction: discord.Interaction[Any],
        day: Day | None = None,
        hour: app_commands.Range[int, 0, 23] | None = None,
        zone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        self._may_change(interaction)
        owner = owner_of(interaction)
        words = [w for w in (day, f"{hour:02d}:00" if hour is not None else None, zone) if w]

        async def work() -> Reply:
            return _reply(await self._digests.handle(owner, " ".join(["on", *words])))

        await respond(interaction, work, ephemeral=True)

    @app_commands.command(name="off", description=N_("Stop the weekly digest here"))
    async def off(self, interaction: discord.Interaction[Any]) -> None:
        self._may_change(interaction)
        owner = owner_of(interaction)

        async def work() -> Reply:
            return _reply(await self._digests.handle(owner, "off"))

        await respond(interaction, work, ephemeral=True)

    @app_commands.command(name="show", description=N_("When the weekly digest goes out here"))
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        owner = owner_of(interaction)

        async def work() -> Reply:
            return _reply(await self._digests.show(owner))

        await respond(interaction, work, ephemeral=True)
