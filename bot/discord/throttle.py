"""The Discord side of :class:`~bot.throttle.commands.CommandGuard`: checked before any command.

``GuardedTree.interaction_check`` runs before discord.py resolves and parses
a slash command, so a 5,000-character option or a user flooding ``/chart``
gets one ephemeral line within milliseconds (far inside Discord's 3-second
window) and nothing else runs. Autocomplete is never limited: it fires per
keystroke and sends no message. Unlike Telegram, a repeat refusal is still
answered (ephemerally): Discord shows an unanswered interaction as failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import discord

from bot.discord.commands.guards import CarrywatchTree
from bot.discord.commands.reply import send_ephemeral
from bot.throttle.commands import CommandGuard

SUBCOMMAND_TYPES = (1, 2)  # SUB_COMMAND, SUB_COMMAND_GROUP


def command_and_args(data: Mapping[str, Any]) -> tuple[str, str]:
    """("alerts mute", "2h") from an interaction's data: names of subcommands, string values."""
    names = [str(data.get("name", ""))]
    values: list[str] = []

    def walk(options: Iterable[Mapping[str, Any]]) -> None:
        for opt in options:
            if opt.get("type") in SUBCOMMAND_TYPES:
                names.append(str(opt.get("name", "")))
                walk(opt.get("options") or [])
            elif "value" in opt:
                values.append(str(opt["value"]))

    walk(data.get("options") or [])
    return " ".join(names), " ".join(values)


class GuardedTree(CarrywatchTree):
    """A :class:`CarrywatchTree` that asks a :class:`CommandGuard` first."""

    def __init__(self, client: discord.Client, guard: CommandGuard | None = None) -> None:
        super().__init__(client)
        self.guard = guard or CommandGuard()

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True
        data: Mapping[str, Any] = interaction.data or {}
        command, args = command_and_args(data)
        heavy = command.split(" ", 1)[0]  # /chart, or the group of a subcommand
        chat = str(interaction.channel_id or interaction.user.id)
        refusal = self.guard.check(
            heavy, args, str(interaction.user.id), chat, group=interaction.guild_id is not None
        )
        if refusal is None:
            return True
        # every interaction needs an answer (else "did not respond"); an ephemeral one
        # reaches only that member and costs no channel message, so even a repeat is told
        await send_ephemeral(interaction, refusal.text.replace(f"/{heavy}", f"/{command}"))
        return False
