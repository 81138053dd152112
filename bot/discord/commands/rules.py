"""/rule add|list|remove|test on Discord, with autocomplete for series and indicators.

In a server the rules are the server's (owner ``guild:<id>``; alerts go to its
alert channel) and only members with Manage Server add or remove them; in a DM
they are the user's own. Anyone may list and test. Autocomplete offers the
catalog's names for the part of the expression being typed.
"""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands

from bot.commands.rules import MAX_NAME, PreviewAnswer, RulesService, server_owner
from bot.discord.commands.guards import require_manage_guild
from bot.discord.commands.reply import Reply, respond
from bot.i18n import N_
from bot.notify.base import Target
from bot.render.discord.answers import md
from bot.render.rule_answers import added_lines, list_lines, removed_line
from signals.rule_expr import MAX_EXPR
from signals.rule_names import catalog

CHART_FILE = "carrywatch-rule.png"
_OPS = (">=", "<=", ">", "<")


def owner_of(interaction: discord.Interaction[Any]) -> Target:
    if interaction.guild_id is not None:
        return server_owner(interaction.guild_id)
    return Target("discord", str(interaction.channel_id))


def _reply(lines: list[str] | tuple[str, ...], preview: PreviewAnswer | None = None) -> Reply:
    first, *rest = lines
    embed = discord.Embed(title=first[:256], description=md("\n".join(rest))[:4000])
    if preview is not None and preview.chart is not None:
        embed.set_image(url=f"attachment://{CHART_FILE}")
        return Reply(embed=embed, file=discord.File(io.BytesIO(preview.chart), CHART_FILE))
    return Reply(embed=embed)


def expression_choices(current: str) -> list[app_commands.Choice[str]]:
    """Complete the indicator being typed; after it, offer the operators."""
    text = current.lstrip().lower()[:MAX_EXPR]
    head, space, _tail = text.partition(" ")
    names = catalog().names
    if not space:
        hits = [n for n in names if n.startswith(text)] or [n for n in names if text in n]
        return [app_commands.Choice(name=n, value=n) for n in hits[:25]]
    if head in catalog() and not any(op in text for op in _OPS):
        return [app_commands.Choice(name=f"{head} {op} …", value=f"{head} {op} ") for op in _OPS]
    return [app_commands.Choice(name=text[:100], value=text[:100])]


class RuleGroup(app_commands.Group):
    """``/rule add|list|remove|test``."""

    def __init__(self, rules: RulesService) -> None:
        super().__init__(name="rule", description=N_("Your own alert rules, previewed on history"))
        self._rules = rules

    def _may_change(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild is not None:
            require_manage_guild(interaction)

    @app_commands.command(name="add", description=N_("Alert here when an expression holds"))
    @app_commands.describe(
        expr=N_("e.g. jgb.40y >= 3.8, usdjpy.chg_1d_pct <= -2, btc.drawdown_30d <= -20 for 2d"),
        name=N_("a short name (up to 32 letters, digits, - or _)"),
    )
    async def add(
        self,
        interaction: discord.Interaction[Any],
        expr: app_commands.Range[str, 1, MAX_EXPR * 25],
        name: app_commands.Range[str, 1, MAX_NAME * 4] | None = None,
    ) -> None:
        self._may_change(interaction)
        self._rules.check(expr, name)
        owner = owner_of(interaction)

        async def work() -> Reply:
            added = await self._rules.add(owner, expr, name, created_by=str(interaction.user.id))
            return _reply(added_lines(added), added.preview)

        await respond(interaction, work, defer_after=0)

    @app_commands.command(name="list", description=N_("The personal rules of this server or DM"))
    async def list_(self, interaction: discord.Interaction[Any]) -> None:
        owner = owner_of(interaction)

        async def work() -> Reply:
            return _reply(list_lines(await self._rules.owned(owner)))

        await respond(interaction, work, ephemeral=True)

    @app_commands.command(name="remove", description=N_("Remove a personal rule"))
    @app_commands.describe(name=N_("the rule's name (see /rule list)"))
    async def remove(
        self, interaction: discord.Interaction[Any], name: app_commands.Range[str, 1, 100]
    ) -> None:
        self._may_change(interaction)
        owner = owner_of(interaction)

        async def work() -> Reply:
            return _reply([removed_line(await self._rules.remove(owner, name))])

        await respond(interaction, work, ephemeral=True)

    @app_commands.command(name="test", description=N_("What a rule would have done over history"))
    @app_commands.describe(expr=N_("e.g. btc.drawdown_30d <= -20 for 2d"))
    async def test_(
        self,
        interaction: discord.Interaction[Any],
        expr: app_commands.Range[str, 1, MAX_EXPR * 25],
    ) -> None:
        self._rules.check(expr, adding=False)

        async def work() -> Reply:
            answer = await self._rules.test(expr)
            return _reply(answer.lines, answer)

        await respond(interaction, work, defer_after=0)

    @add.autocomplete("expr")
    @test_.autocomplete("expr")
    async def _expr(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return expression_choices(current)

    @remove.autocomplete("name")
    async def _names(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.lower()
        names = await self._rules.names(owner_of(interaction))
        return [app_commands.Choice(name=n, value=n) for n in names if wanted in n][:25]
