"""/rule on Discord through discord.py 2 and the Discord stand-in, over a real Store.

Pins down: a server's rules need Manage Server to change (anyone may list and
test), a DM's rules are the user's own, add and test answer with the preview
embed and the chart attached, autocomplete offers catalog names, and bad or
hostile expressions get the parser's one-line error with nothing stored.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.commands.rules import RulesService, server_owner
from bot.commands.service import CommandService
from bot.discord import DiscordAdapter
from bot.notify.base import Target
from bot.rules.previews import PreviewHistory
from bot.store.personal_rules import PersonalRules
from bot.store.store import Store
from signals.engine import ScoredHistory
from tests.bot.discord.conftest import discord_settings
from tests.bot.discord.helpers import MEMBER_ID, option, run, sub
from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_objects import EVERYONE_DEFAULT
from tests.standins.discord_records import RecordedMessage
from tests.standins.fixtures_discord import CHANNEL_ID, GUILD_ID, OWNER_ID

SERVER = server_owner(GUILD_ID)
DM_CHANNEL = 1_100_000_000_000_000_777
DM_USER = 1_100_000_000_000_000_778


def make_rules(store: Store, history: ScoredHistory) -> RulesService:
    return RulesService(PersonalRules(store, limit=3), PreviewHistory(None, history))


async def _start(bot: DiscordAdapter) -> AsyncIterator[DiscordAdapter]:
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.fixture
async def rules_adapter(
    discord_standin: DiscordStandin,
    service: CommandService,
    store: Store,
    scored_history: ScoredHistory,
) -> AsyncIterator[DiscordAdapter]:
    bot = DiscordAdapter(
        discord_settings(discord_standin),
        service,
        store,
        ready_timeout=10,
        send_timeout=5,
        guild_ready_timeout=0.05,
        rules=make_rules(store, scored_history),
    )
    async for started in _start(bot):
        yield started


async def _followup(dc: DiscordStandin, options: list[dict[str, object]]) -> RecordedMessage:
    """Run /rule as the server owner and return the followup after the defer."""
    handle = await dc.inject_interaction(GUILD_ID, CHANNEL_ID, OWNER_ID, "rule", options)
    [message] = await dc.wait_for(lambda: dc.messages_of("followup", handle), timeout=15)
    return message


@pytest.mark.usefixtures("rules_adapter")
async def test_server_rules_add_list_test_remove(
    discord_standin: DiscordStandin, store: Store
) -> None:
    dc = discord_standin
    added = await _followup(
        dc, sub("add", option("expr", "jgb.40y >= 3.8"), option("name", "jgb40"))
    )
    embed = added.embeds[0]
    assert embed["title"] == "Rule 'jgb40' added (1 of 3): I'll alert here when jgb.40y >= 3.8."
    assert "It would have fired 3 times" in embed["description"]
    assert embed["image"]["url"] == "attachment://carrywatch-rule.png"
    assert added.attachments and added.attachments[0].size > 5000
    assert [r.expr for r in await PersonalRules(store).owned(SERVER)] == ["jgb.40y >= 3.8"]

    listed = await run(dc, "rule", sub("list"), user=MEMBER_ID, permissions=EVERYONE_DEFAULT)
    assert listed.ephemeral
    assert listed.embeds[0]["title"] == "Personal rules here (1 of 3):"
    assert "jgb40: jgb.40y >= 3.8" in listed.embeds[0]["description"]

    tested = await _followup(dc, sub("test", option("expr", "usdjpy.chg_1d_pct <= -2")))
    assert tested.embeds[0]["title"].startswith("USD/JPY 1-day change ≤ -2")

    names = await run(dc, "rule", sub("remove", option("name", "j", focused=True)), type_=4)
    assert [c["value"] for c in names.data["choices"]] == ["jgb40"]
    removed = await run(dc, "rule", sub("remove", option("name", "jgb40")))
    assert removed.embeds[0]["title"].startswith("Rule 'jgb40' removed")
    assert await PersonalRules(store).owned(SERVER) == []


@pytest.mark.usefixtures("rules_adapter")
async def test_member_without_manage_server_cannot_change_server_rules(
    discord_standin: DiscordStandin, store: Store
) -> None:
    refused = await run(
        discord_standin,
        "rule",
        sub("add", option("expr", "score >= 60")),
        user=MEMBER_ID,
        permissions=EVERYONE_DEFAULT,
    )
    assert refused.ephemeral and "Manage Server" in refused.content
    assert await PersonalRules(store).owned(SERVER) == []


@pytest.mark.usefixtures("rules_adapter")
async def test_autocomplete_offers_series_then_operators(discord_standin: DiscordStandin) -> None:
    dc = discord_standin
    names = await run(dc, "rule", sub("test", option("expr", "jgb.4", focused=True)), type_=4)
    values = [c["value"] for c in names.data["choices"]]
    assert "jgb.40y" in values and all(v.startswith("jgb.4") for v in values)
    ops = await run(dc, "rule", sub("add", option("expr", "jgb.40y ", focused=True)), type_=4)
    assert [c["value"] for c in ops.data["choices"]] == [
        "jgb.40y >= ",
        "jgb.40y <= ",
        "jgb.40y > ",
        "jgb.40y < ",
    ]


@pytest.mark.usefixtures("rules_adapter")
@pytest.mark.parametrize(
    ("expr", "error"),
    [
        ("jgb.40 >= 3.8", "⚠️ unknown series 'jgb.40' — did you mean jgb.40y?"),
        ("(" * 240, "⚠️ expression too long (240 characters; at most 200)"),
    ],
)
async def test_bad_and_hostile_expressions(
    discord_standin: DiscordStandin, store: Store, expr: str, error: str
) -> None:
    message = await run(discord_standin, "rule", sub("add", option("expr", expr)))
    first, *rest = message.content.splitlines()
    assert first.startswith(error) and message.ephemeral
    assert len(rest) == 1 and rest[0].startswith("Usage: `/rule add")
    assert await PersonalRules(store).owned(SERVER) == []


@pytest.mark.usefixtures("rules_adapter")
async def test_a_5000_character_argument_gets_one_line(
    discord_standin: DiscordStandin, store: Store
) -> None:
    message = await run(discord_standin, "rule", sub("add", option("expr", "(" * 5000)))
    assert message.ephemeral
    assert message.content == "That is too long for /rule add: at most 250 characters after it."
    assert await PersonalRules(store).owned(SERVER) == []


@pytest.fixture
async def global_adapter(
    discord_standin: DiscordStandin,
    service: CommandService,
    store: Store,
    scored_history: ScoredHistory,
) -> AsyncIterator[DiscordAdapter]:
    bot = DiscordAdapter(
        discord_settings(discord_standin, dev_guild=None),
        service,
        store,
        ready_timeout=10,
        send_timeout=5,
        guild_ready_timeout=0.05,
        rules=make_rules(store, scored_history),
    )
    async for started in _start(bot):
        yield started


@pytest.mark.usefixtures("global_adapter")
async def test_anyone_keeps_own_rules_in_a_dm(
    discord_standin: DiscordStandin, store: Store
) -> None:
    dc = discord_standin
    handle = await dc.inject_interaction(
        None, DM_CHANNEL, DM_USER, "rule", sub("add", option("expr", "btc <= 50000"))
    )
    [added] = await dc.wait_for(lambda: dc.messages_of("followup", handle), timeout=15)
    assert added.embeds[0]["title"].startswith("Rule 'btc' added (1 of 3)")
    owned = await PersonalRules(store).owned(Target("discord", str(DM_CHANNEL)))
    assert [(r.name, r.expr, r.created_by) for r in owned] == [
        ("btc", "btc <= 50000", str(DM_USER))
    ]
    assert await PersonalRules(store).owned(SERVER) == []
