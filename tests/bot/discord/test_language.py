"""Discord in each server's and member's language, through discord.py and the stand-in:
commands carry zh-CN and ja localizations; a reply follows the DM's or server's /language
choice, else the interaction's locale; server-wide output the server's choice, else its
preferred locale."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.alerts.events import AlertMessage
from bot.commands.service import CommandService
from bot.discord import DiscordAdapter
from bot.discord.channels import AlertChannels
from bot.discord.commands import build_tree
from bot.discord.language import CarrywatchTranslator
from bot.discord.sync import commands_hash
from bot.notify.base import Target
from bot.store.chat_settings import ChatSettings
from bot.store.store import Store
from tests.bot.discord.conftest import discord_settings
from tests.bot.discord.helpers import MEMBER_ID, Payload, option
from tests.bot.discord.test_notifier import event
from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_objects import EVERYONE_DEFAULT, MANAGE_GUILD, GuildSpec, simple_guild
from tests.standins.discord_records import RecordedCallback
from tests.standins.fixtures_discord import CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID, OWNER_ID

# Discord's rule for command names (CHAT_INPUT): lowercase letters/digits of any script
NAME = re.compile(r"^[-_\w]{1,32}$")
KANA = re.compile(r"[\u3040-\u30ff]")
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
DM_CHANNEL = 1_100_000_000_000_000_555


async def ask(
    dc: DiscordStandin,
    command: str,
    options: list[Payload] | None = None,
    *,
    guild: int | None = GUILD_ID,
    channel: int = CHANNEL_ID,
    user: int = OWNER_ID,
    locale: str = "en-US",
    permissions: int | None = None,
) -> RecordedCallback:
    handle = await dc.inject_interaction(
        guild, channel, user, command, options, permissions=permissions, locale=locale
    )
    return await dc.wait_for(lambda: dc.callback_for(handle))


async def test_synced_commands_carry_zh_cn_and_ja_localizations(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    [synced] = discord_standin.command_syncs
    commands = {c["name"]: c for c in synced.commands}
    risk = commands["risk"]
    assert risk["name_localizations"] == {"zh-CN": "风险", "ja": "リスク"}
    assert risk["description_localizations"] == {
        "zh-CN": "当前日元套息交易平仓压力分数及原因",
        "ja": "円キャリー取引の巻き戻しの現在のストレススコアとその理由",
    }
    assert commands["language"]["name_localizations"] == {"zh-CN": "语言", "ja": "言語"}
    for name, command in commands.items():
        names = command["name_localizations"]
        assert set(names) == {"zh-CN", "ja"}, name
        for local in names.values():  # Discord's name rules: lowercase, ≤ 32
            assert NAME.fullmatch(local) and local == local.lower(), local
        descriptions = command["description_localizations"]
        assert CJK.search(descriptions["zh-CN"]) and KANA.search(descriptions["ja"]), name
        assert all(len(d) <= 100 for d in descriptions.values())
        for sub in command.get("options", []):
            if sub.get("type") == 1:  # subcommands keep English names, translated descriptions
                assert not sub.get("name_localizations")
                assert KANA.search(sub["description_localizations"]["ja"]), sub["name"]


async def test_every_option_description_is_localized(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """The options people fill in (days, zone, expr…) are explained in their language too."""
    [synced] = discord_standin.command_syncs
    seen = 0

    def walk(options: list[dict[str, Any]], path: str) -> None:
        nonlocal seen
        for opt in options:
            where = f"{path} {opt['name']}"
            if opt.get("type") in (1, 2):  # subcommand / group: its options below
                walk(opt.get("options", []), where)
                continue
            seen += 1
            local = opt.get("description_localizations") or {}
            assert CJK.search(local.get("zh-CN", "")), where
            assert KANA.search(local.get("ja", "")), where
            assert all(len(d) <= 100 for d in local.values()), where

    for command in synced.commands:
        walk(command.get("options", []), command["name"])
    assert seen >= 12  # /chart days, /alerts quiet start/end, /rule add expr/name …


async def test_sync_hash_changes_when_a_localization_changes(
    service: CommandService, store: Store
) -> None:
    client = discord.Client(intents=discord.Intents.none())
    tree = build_tree(client, service, AlertChannels(service, store))
    plain = await commands_hash(tree, None, 1)
    await tree.set_translator(CarrywatchTranslator())
    localized = await commands_hash(tree, None, 1)
    assert localized != plain
    assert await commands_hash(tree, None, 1) == localized  # stable while nothing changes

    class Renamed(CarrywatchTranslator):
        async def translate(
            self,
            string: app_commands.locale_str,
            locale: discord.Locale,
            context: app_commands.TranslationContextTypes,
        ) -> str | None:
            out = await super().translate(string, locale, context)
            return "风险指数" if out == "风险" else out

    await tree.set_translator(Renamed())
    assert await commands_hash(tree, None, 1) not in (plain, localized)


async def test_a_japanese_member_gets_a_japanese_reply(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    ja = await ask(discord_standin, "language", locale="ja")
    assert ja.ephemeral
    assert ja.content.startswith("このサーバーでは carrywatch をEnglish (en)（サーバーの優先言語）")
    en = await ask(discord_standin, "language", locale="en-GB", user=MEMBER_ID)
    assert en.content.startswith("This server reads carrywatch in English (en), its preferred")


async def test_server_default_by_manage_server_wins_over_the_members_locale(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    dc = discord_standin
    refused = await ask(
        dc, "language", [option("language", "zh")], user=MEMBER_ID, permissions=EVERYONE_DEFAULT
    )
    assert refused.content == (
        "🔒 Only members with the Manage Server permission can change this server's language."
    )
    assert await ChatSettings(store).language("discord", f"guild:{GUILD_ID}") is None
    done = await ask(
        dc, "language", [option("language", "zh")], locale="ja",
        user=MEMBER_ID, permissions=EVERYONE_DEFAULT | MANAGE_GUILD,
    )  # fmt: skip
    assert done.content == "已完成：此服务器现在以简体中文 (zh)使用 carrywatch。"
    assert await ChatSettings(store).language("discord", f"guild:{GUILD_ID}") == "zh"
    member = await ask(dc, "language", locale="ja", user=MEMBER_ID)  # the server's choice
    assert member.content.startswith("此服务器以简体中文 (zh)使用 carrywatch。")
    client = adapter.client
    assert client is not None
    channel = Target("discord", str(CHANNEL_ID))
    assert await adapter.notifier.language(client, CHANNEL_ID, channel) == "zh"


class TestPreferredLocale:
    """A Community server whose preferred locale is ja, and nobody chose with /language."""

    @pytest.fixture
    def discord_guilds(self) -> list[GuildSpec]:
        ja = simple_guild(GUILD_ID, [CHANNEL_ID, OTHER_CHANNEL_ID], OWNER_ID)
        ja.preferred_locale = "ja"
        return [ja]

    async def test_server_wide_output_follows_the_preferred_locale(
        self, adapter: DiscordAdapter, discord_standin: DiscordStandin
    ) -> None:
        client = adapter.client
        assert client is not None
        channel = Target("discord", str(CHANNEL_ID))
        assert await adapter.notifier.language(client, CHANNEL_ID, channel) == "ja"
        shown = await ask(discord_standin, "language", locale="en-US")
        assert shown.content.startswith(
            "This server reads carrywatch in 日本語 (ja), its preferred"
        )

    async def test_an_alert_in_a_japanese_server_is_in_japanese(
        self, adapter: DiscordAdapter, discord_standin: DiscordStandin
    ) -> None:
        await adapter.notifier.send(Target("discord", str(CHANNEL_ID)), AlertMessage((event(),)))
        [sent] = discord_standin.channel_messages
        title = sent.embeds[0]["title"]
        assert KANA.search(title) and "alert" not in title.lower() and "アラート" in title

    async def test_risk_for_a_japanese_member_is_in_japanese(
        self, adapter: DiscordAdapter, discord_standin: DiscordStandin
    ) -> None:
        answer = await ask(discord_standin, "risk", locale="ja", user=MEMBER_ID)
        embed: dict[str, Any] = answer.embeds[0]
        assert KANA.search(embed["title"]) and "stress" not in embed["title"].lower()


@pytest.fixture
async def global_adapter(
    discord_standin: DiscordStandin, service: CommandService, store: Store
) -> AsyncIterator[DiscordAdapter]:
    """Commands synced globally, so they can be used in a DM."""
    bot = DiscordAdapter(
        discord_settings(discord_standin, dev_guild=None), service, store,
        ready_timeout=10, send_timeout=5, guild_ready_timeout=0.05,
    )  # fmt: skip
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def test_anyone_chooses_the_language_of_their_dm(
    global_adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    dc = discord_standin
    dm = {"guild": None, "channel": DM_CHANNEL, "user": MEMBER_ID}
    shown = await ask(dc, "language", locale="zh-CN", **dm)  # type: ignore[arg-type]
    assert shown.content.startswith("此聊天以简体中文 (zh)使用 carrywatch：这是你的应用语言")
    done = await ask(dc, "language", [option("language", "ja")], locale="zh-CN", **dm)  # type: ignore[arg-type]
    assert (
        done.content == "設定しました：このチャットでは今後 carrywatch を日本語 (ja)で表示します。"
    )
    assert await ChatSettings(store).language("discord", str(DM_CHANNEL)) == "ja"
    again = await ask(dc, "language", locale="zh-CN", **dm)  # type: ignore[arg-type]
    assert again.content.startswith("このチャットでは carrywatch を日本語 (ja)で表示しています。")
