"""Which language Discord output is in, and the slash commands' localizations.

* A reply to an interaction: the explicit choice for that DM channel or server
  (``/language``), else the interaction's ``locale`` (the member's client), else
  English.
* Server-wide output (alerts in the server's alert channel): the server's
  choice, else ``guild.preferred_locale`` (Community servers set it), else English.
* :class:`CarrywatchTranslator` gives every command ``name_localizations`` and
  ``description_localizations`` for ``zh-CN`` and ``ja`` from the gettext
  catalogues, so Discord shows ``/风险`` and ``/リスク`` to those clients.

The server's choice is stored as chat ``guild:<id>`` in ChatSettings, a DM's as
its channel id.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot import i18n
from bot.i18n import pgettext
from bot.store.chat_settings import ChatSettings

log = logging.getLogger(__name__)
PLATFORM = "discord"
#: the Discord locales the commands are localized for, and their catalogue
LOCALIZED: dict[discord.Locale, str] = {discord.Locale.chinese: "zh", discord.Locale.japanese: "ja"}


def guild_key(guild_id: int | str) -> str:
    return f"guild:{guild_id}"


def chat_key(interaction: discord.Interaction[Any]) -> str:
    """Whose choice counts for this interaction: the server's, or the DM channel's."""
    if interaction.guild_id is not None:
        return guild_key(interaction.guild_id)
    return str(interaction.channel_id or interaction.user.id)


async def _chosen(chats: ChatSettings | None, chat: str) -> str | None:
    if chats is None:
        return None
    try:
        return await chats.language(PLATFORM, chat)
    except Exception:  # the store down: answer in the fallback rather than not at all
        log.warning("chat language not readable; using the fallback", exc_info=True)
        return None


async def interaction_language(
    interaction: discord.Interaction[Any], chats: ChatSettings | None
) -> str:
    return i18n.pick(await _chosen(chats, chat_key(interaction)), str(interaction.locale))


async def guild_language(
    guild_id: int, chats: ChatSettings | None, preferred_locale: str | None
) -> str:
    return i18n.pick(await _chosen(chats, guild_key(guild_id)), preferred_locale)


def command_names() -> dict[str, str]:
    """The top-level commands' names in the current language (Discord: lowercase, ≤ 32
    letters or digits; subcommands keep their English names)."""
    return {
        "risk": pgettext("discord command", "risk"),
        "chart": pgettext("discord command", "chart"),
        "history": pgettext("discord command", "history"),
        "status": pgettext("discord command", "status"),
        "help": pgettext("discord command", "help"),
        "alerts": pgettext("discord command", "alerts"),
        "rule": pgettext("discord command", "rule"),
        "digest": pgettext("discord command", "digest"),
        "language": pgettext("discord command", "language"),
        "explain": pgettext("discord command", "explain"),
    }


_NAMES = (
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
)
_DESCRIPTIONS = (
    app_commands.TranslationContextLocation.command_description,
    app_commands.TranslationContextLocation.group_description,
    app_commands.TranslationContextLocation.parameter_description,
)


class CarrywatchTranslator(app_commands.Translator):
    """Command names and descriptions from the catalogues, for zh-CN and ja only."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = LOCALIZED.get(locale)
        if lang is None:
            return None
        with i18n.use(lang):
            if context.location in _NAMES:
                data = context.data
                if getattr(data, "parent", None) is not None:
                    return None  # a subcommand: its English name stays
                out = command_names().get(string.message)
            elif context.location in _DESCRIPTIONS:
                out = i18n._(string.message)
            else:
                return None
        return out if out and out != string.message else None
