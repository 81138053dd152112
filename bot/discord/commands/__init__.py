"""The slash-command tree: read-only commands for everyone, ``/alerts`` for moderators."""

from __future__ import annotations

from typing import Any

import discord

from bot.commands.service import CommandService
from bot.discord.channels import AlertChannels
from bot.discord.commands.alerts import AlertsGroup
from bot.discord.commands.guards import CarrywatchTree
from bot.discord.commands.market import market_commands

__all__ = ["CarrywatchTree", "build_tree"]


def build_tree(
    client: discord.Client,
    service: CommandService,
    channels: AlertChannels,
    guild: discord.abc.Snowflake | None = None,
) -> CarrywatchTree:
    """Every carrywatch command on a new tree, registered for ``guild`` (None: global)."""
    from bot.discord.throttle import GuardedTree  # argument bounds and rate limits first

    tree: CarrywatchTree = GuardedTree(client)
    commands: list[Any] = [
        *market_commands(service, channels, tree, guild),
        AlertsGroup(service, channels),
    ]
    for command in commands:
        tree.add_command(command, guild=guild)
    return tree
