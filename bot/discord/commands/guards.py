"""Who may run what, and what a user sees when a command fails.

Routing checks sit apart from the handlers: ``/alerts`` carries
``default_permissions(manage_guild=True)`` so Discord hides it from other
members, but a server admin can override that in Integrations settings, so
:func:`require_manage_guild` checks again on every invocation.

:class:`CarrywatchTree` turns every failure into an ephemeral message:
``CommandError`` (a user mistake) with the command's usage, a failed check as
a refusal, anything else as "something went wrong" — logged and counted,
since errors after the response would otherwise only reach discord.py's log.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot import i18n
from bot.commands.answers import CommandError
from bot.discord.commands.reply import send_ephemeral, usage
from bot.discord.language import interaction_language
from bot.discord.metrics import COMMANDS
from bot.i18n import N_
from bot.render.discord.answers import error_text
from bot.store.chat_settings import ChatSettings

log = logging.getLogger(__name__)

REFUSAL = N_(
    "🔒 Only members with the **Manage Server** permission can change this server's alerts."
)
GUILD_ONLY = N_("This command works in a server, not in direct messages.")


def require_manage_guild(interaction: discord.Interaction[Any]) -> bool:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage(GUILD_ONLY)
    perms = interaction.permissions
    if not (perms.manage_guild or perms.administrator):
        raise app_commands.MissingPermissions(["manage_guild"])
    return True


def _example(service_usage: str) -> str:
    """The example part of the service's (platform-neutral) usage line, if any."""
    _, sep, tail = service_usage.partition(" — ")
    return tail if sep else ""


def _command_name(interaction: discord.Interaction[Any]) -> str:
    command = interaction.command
    return command.qualified_name if command is not None else "unknown"


class CarrywatchTree(app_commands.CommandTree[Any]):
    """A CommandTree whose errors end as ephemeral messages, logs and metrics, and that
    answers every interaction in its language (see :mod:`bot.discord.language`)."""

    #: where the DM's or server's /language choice is read (None: locale, then English)
    chats: ChatSettings | None = None

    async def _call(self, interaction: discord.Interaction[Any]) -> None:
        # discord.py has no public hook around an interaction's whole handling (checks,
        # parsing, the command, autocomplete), so the language is set around its one
        # entry point; on_error runs outside it and reads the language from ``extras``.
        language = await interaction_language(interaction, self.chats)
        interaction.extras["language"] = language
        with i18n.use(language):
            await super()._call(interaction)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        with i18n.use(interaction.extras.get("language")):
            await self._on_error(interaction, error)

    async def _on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        name = _command_name(interaction)
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(original, CommandError):
            COMMANDS.labels(name, "user_error").inc()
            cmd = interaction.command
            text = usage(cmd if isinstance(cmd, app_commands.Command) else None)
            example = _example(original.usage)
            if example and text:
                text += f" — {example}"
            await self._tell(interaction, error_text(original.message, text or original.usage))
            return
        if isinstance(original, app_commands.NoPrivateMessage):
            COMMANDS.labels(name, "refused").inc()
            await self._tell(interaction, i18n._(GUILD_ONLY))
            return
        if isinstance(original, app_commands.MissingPermissions | app_commands.CheckFailure):
            COMMANDS.labels(name, "refused").inc()
            await self._tell(interaction, i18n._(REFUSAL))
            return
        COMMANDS.labels(name, "failed").inc()
        log.error("discord command /%s failed", name, exc_info=original)
        await self._tell(
            interaction, i18n._("Something went wrong on our side; try again in a minute.")
        )

    async def _tell(self, interaction: discord.Interaction[Any], text: str) -> None:
        try:
            await send_ephemeral(interaction, text)
        except discord.HTTPException as exc:  # the interaction expired or the token is gone
            log.warning("could not tell the user about an error: %s", exc)
