"""/language [language]: the language carrywatch speaks in this DM or server.

In a server, anyone may look; changing the server default (what its alert
channel and every member without their own choice read) needs Manage Server.
In a DM, the choice is the user's. The confirmation comes in the new language.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot import i18n
from bot.commands.language import LanguageService
from bot.discord.commands.reply import Reply, respond
from bot.discord.language import PLATFORM, chat_key
from bot.i18n import N_, _
from bot.render.language_words import Place, choices_sentence, confirmation, current_sentence

CHOICES = [app_commands.Choice(name=i18n.NATIVE_NAMES[c], value=c) for c in i18n.LANGUAGES]


def _may_change(interaction: discord.Interaction[Any]) -> bool:
    if interaction.guild_id is None:
        return True
    perms = interaction.permissions
    return bool(perms.manage_guild or perms.administrator)


def language_command(languages: LanguageService) -> app_commands.Command[Any, ..., Any]:
    @app_commands.command(
        name="language", description=N_("The language carrywatch speaks in this server or DM")
    )
    @app_commands.describe(language=N_("Leave it out to see the current language"))
    @app_commands.choices(language=CHOICES)
    async def language(
        interaction: discord.Interaction[Any],
        language: app_commands.Choice[str] | None = None,
    ) -> None:
        server = interaction.guild_id is not None
        place: Place = "server" if server else "private"
        chat = chat_key(interaction)

        async def work() -> Reply:
            if language is None:
                fallback = str(interaction.guild_locale if server else interaction.locale)
                answer = await languages.show(PLATFORM, chat, fallback)
                return Reply(content=f"{current_sentence(answer, place)}\n{choices_sentence()}")
            if not _may_change(interaction):
                return Reply(
                    content=_(
                        "🔒 Only members with the Manage Server permission can change "
                        "this server's language."
                    )
                )
            answer = await languages.choose(PLATFORM, chat, language.value)
            with i18n.use(answer.language):  # said in the language just chosen
                return Reply(content=confirmation(answer, place))

        await respond(interaction, work, ephemeral=True)

    return language
