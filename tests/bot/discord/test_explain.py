"""/explain and the first-/risk pointer through discord.py's real client and the stand-in.

The store holds the engine's snapshots up to 2024-08-05 (see conftest); the
comparison uses the real scored history, handed to the bot as its preview history.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commands.rules import RulesService
from bot.commands.service import CommandService
from bot.discord import DiscordAdapter
from bot.rules.previews import PreviewHistory
from bot.store.personal_rules import PersonalRules
from bot.store.store import Store
from signals.engine import ScoredHistory
from tests.bot.discord.conftest import discord_settings
from tests.bot.discord.helpers import MEMBER_ID
from tests.bot.discord.test_language import ask
from tests.standins.discord_api import DiscordStandin
from tests.standins.fixtures_discord import OTHER_CHANNEL_ID

KANA = re.compile(r"[\u3040-\u30ff]")


@pytest.fixture
async def explaining(
    discord_standin: DiscordStandin,
    service: CommandService,
    store: Store,
    history_dir: Path,
    scored_history: ScoredHistory,
) -> AsyncIterator[DiscordAdapter]:
    rules = RulesService(PersonalRules(store), PreviewHistory(history_dir, scored_history))
    bot = DiscordAdapter(
        discord_settings(discord_standin), service, store,
        ready_timeout=10, send_timeout=5, guild_ready_timeout=0.05, rules=rules,
    )  # fmt: skip
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.mark.usefixtures("explaining")
async def test_a_japanese_members_explain_is_three_japanese_embeds_with_the_numbers(
    discord_standin: DiscordStandin,
) -> None:
    answer = await ask(discord_standin, "explain", locale="ja", user=MEMBER_ID)
    assert answer.type == 4 and not answer.ephemeral
    embeds = answer.embeds
    assert [e["title"] for e in embeds] == [
        "円キャリートレードとは",
        "スコアの各項目が測るもの",
        "今日の位置づけ",
    ]
    assert all(KANA.search(e["description"]) for e in embeds)
    assert sum(len(e["title"]) + len(e["description"]) for e in embeds) <= 6000
    where = embeds[2]["description"]
    assert "2024年の巻き戻し" in where and "2020年3月" in where  # as of 5 Aug 2024
    english = await ask(discord_standin, "explain", locale="en-US")
    assert english.embeds[0]["title"] == "What the yen carry trade is"


@pytest.mark.usefixtures("explaining")
async def test_the_pointer_ends_the_first_risk_in_a_server_only(
    discord_standin: DiscordStandin,
) -> None:
    dc = discord_standin
    first = await ask(dc, "risk", locale="ja", user=MEMBER_ID)
    description = first.embeds[0]["description"]
    assert description.splitlines()[-1].startswith("*はじめての方へ：/explain")
    again = await ask(dc, "risk", locale="en-US")
    assert "/explain" not in again.embeds[0]["description"]
    elsewhere = await ask(dc, "risk", channel=OTHER_CHANNEL_ID)  # keyed per server
    assert "/explain" not in elsewhere.embeds[0]["description"]


@pytest.mark.usefixtures("explaining")
async def test_the_explain_command_is_localized(discord_standin: DiscordStandin) -> None:
    [synced] = discord_standin.command_syncs
    explain = next(c for c in synced.commands if c["name"] == "explain")
    assert explain["name_localizations"] == {"zh-CN": "解释", "ja": "解説"}
    assert "日元套息交易" in explain["description_localizations"]["zh-CN"]
    assert "円キャリートレード" in explain["description_localizations"]["ja"]
    helped = await ask(discord_standin, "help")
    assert "/explain" in str(helped.embeds)
