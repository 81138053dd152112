"""/risk, /explain, /chart, /history, /status and /help: read-only, open to everyone.

Each handler parses its options, calls one ``CommandService`` method and
renders the answer; no business logic lives here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import discord
from discord import app_commands

from bot.commands.answers import HistoryAnswer
from bot.commands.explain import ExplainService
from bot.commands.service import MAX_CHART_DAYS, MAX_HISTORY, CommandService
from bot.discord.channels import AlertChannels, channel_target
from bot.discord.commands.reply import Reply, respond, usage
from bot.discord.language import PLATFORM, chat_key
from bot.i18n import N_
from bot.render.chart_words import chart_caption
from bot.render.discord.answers import (
    explain_embeds,
    help_embed,
    history_embed,
    risk_embed,
    status_embed,
)

CHART_FILE = "carrywatch-score.png"


def walk_commands(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> Iterator[app_commands.Command[Any, ..., Any]]:
    for command in tree.get_commands(guild=guild, type=discord.AppCommandType.chat_input):
        if isinstance(command, app_commands.Group):
            yield from (c for c in command.walk_commands() if isinstance(c, app_commands.Command))
        else:
            yield command


def market_commands(
    service: CommandService,
    channels: AlertChannels,
    tree: app_commands.CommandTree[Any],
    guild: discord.abc.Snowflake | None,
    explainer: ExplainService,
) -> list[app_commands.Command[Any, ..., Any]]:
    """The read-only commands, bound to ``service``; ``tree``/``guild`` feed /help."""

    @app_commands.command(
        name="risk", description=N_("Current yen carry-unwind stress score and why")
    )
    async def risk(interaction: discord.Interaction[Any]) -> None:
        async def work() -> Reply:
            """Ends once per server (or DM) with a pointer to /explain."""
            answer = await service.risk()
            first = await explainer.claim_pointer(PLATFORM, chat_key(interaction))
            return Reply(embed=risk_embed(answer, service.now(), pointer=first))

        await respond(interaction, work)

    @app_commands.command(
        name="explain", description=N_("The yen carry trade and this score, with today's numbers")
    )
    async def explain(interaction: discord.Interaction[Any]) -> None:
        async def work() -> Reply:
            answer = await explainer.explain()
            return Reply(embeds=explain_embeds(answer, service.now()))

        await respond(interaction, work)

    @app_commands.command(
        name="chart", description=N_("PNG chart of the stress score with level bands")
    )
    @app_commands.describe(
        days=N_("how many days back (1 to 3650, default 90)"),
        everything=N_("the whole history instead"),
    )
    async def chart(
        interaction: discord.Interaction[Any],
        days: app_commands.Range[int, 1, MAX_CHART_DAYS] | None = None,
        everything: bool = False,
    ) -> None:
        async def work() -> Reply:
            answer = await service.chart("all" if everything else days)
            embed = discord.Embed(
                title="Carry-unwind stress chart", description=chart_caption(answer)
            )
            embed.set_image(url=f"attachment://{CHART_FILE}")
            return Reply(embed=embed, file=discord.File(io.BytesIO(answer.png), CHART_FILE))

        await respond(interaction, work, defer_after=0)  # matplotlib takes a moment

    @app_commands.command(name="history", description=N_("The last alerts this server received"))
    @app_commands.describe(n=N_("how many alerts (1 to 50, default 10)"))
    async def history(
        interaction: discord.Interaction[Any],
        n: app_commands.Range[int, 1, MAX_HISTORY] | None = None,
    ) -> None:
        async def work() -> Reply:
            guild = interaction.guild_id
            channel = await channels.current(guild) if guild is not None else None
            if channel is None:  # no alert channel: nothing was received here
                return Reply(embed=history_embed(HistoryAnswer((), n or 10)))
            return Reply(embed=history_embed(await service.history(n, channel_target(channel))))

        await respond(interaction, work)

    @app_commands.command(
        name="status", description=N_("Feeds fresh or stale, last alert, this server's alerts")
    )
    async def status(interaction: discord.Interaction[Any]) -> None:
        async def work() -> Reply:
            answer = await service.status()
            channel, settings = (
                await channels.settings(interaction.guild_id)
                if interaction.guild_id is not None
                else (None, None)
            )
            return Reply(embed=status_embed(answer, channel, settings))

        await respond(interaction, work)

    @app_commands.command(name="help", description=N_("What carrywatch watches and how to use it"))
    async def help_(interaction: discord.Interaction[Any]) -> None:
        listed = [(usage(c), c.description) for c in walk_commands(tree, guild)]

        async def work() -> Reply:
            return Reply(embed=help_embed(listed))

        await respond(interaction, work, ephemeral=True)

    return [risk, explain, chart, history, status, help_]
