"""The slash-command tree: read-only commands for everyone, ``/alerts`` for moderators."""

from __future__ import annotations

from typing import Any

import discord

from bot.commands.digest import DigestService
from bot.commands.explain import ExplainService
from bot.commands.language import LanguageService
from bot.commands.rules import RulesService
from bot.commands.service import CommandService
from bot.discord.channels import AlertChannels
from bot.discord.commands.alerts import AlertsGroup
from bot.discord.commands.digest import DigestGroup
from bot.discord.commands.guards import CarrywatchTree
from bot.discord.commands.language import language_command
from bot.discord.commands.market import market_commands
from bot.discord.commands.rules import RuleGroup
from bot.rules.previews import PreviewHistory

__all__ = ["CarrywatchTree", "build_tree"]


def build_tree(
    client: discord.Client,
    service: CommandService,
    channels: AlertChannels,
    guild: discord.abc.Snowflake | None = None,
    rules: RulesService | None = None,
    digest: DigestService | None = None,
    languages: LanguageService | None = None,
) -> CarrywatchTree:
    """Every carrywatch command on a new tree, registered for ``guild`` (None: global).

    With ``languages``, /language is offered and every interaction is answered in the
    DM's or server's chosen language (else the interaction's locale)."""
    from bot.discord.throttle import GuardedTree  # argument bounds and rate limits first

    tree: CarrywatchTree = GuardedTree(client)
    previews = rules.previews if rules is not None else PreviewHistory(None)
    explainer = ExplainService(
        service, previews, languages.chats if languages is not None else None
    )
    commands: list[Any] = [
        *market_commands(service, channels, tree, guild, explainer),
        AlertsGroup(service, channels),
    ]
    if rules is not None:
        commands.append(RuleGroup(rules))
    if digest is not None:
        commands.append(DigestGroup(digest))
    if languages is not None:
        commands.append(language_command(languages))
        tree.chats = languages.chats
    for command in commands:
        tree.add_command(command, guild=guild)
    return tree
