"""Adapter lifecycle: the gateway URL from /gateway/bot, sync only when the command set
changed (restarts and reconnects send nothing), answering after a gateway drop, and
Telegram and Discord side by side in one process."""

from __future__ import annotations

import datetime as dt

import discord

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.commands.service import CommandService
from bot.discord import DiscordAdapter
from bot.discord.sync import meta_key
from bot.notify.base import Delivered, Target
from bot.settings import Settings
from bot.store.store import Store
from bot.telegram import TelegramAdapter
from signals.levels import Level
from tests.bot.discord.conftest import discord_settings
from tests.bot.discord.helpers import run
from tests.standins.discord_api import DiscordStandin
from tests.standins.fixtures_discord import BOT_TOKEN, CHANNEL_ID, GUILD_ID
from tests.standins.telegram_api import TelegramStandin

GATEWAY_BOT = "GET /gateway/bot"
GUILD_SYNC = "PUT /applications/{app_id}/guilds/{guild_id}/commands"


def new_adapter(
    dc: DiscordStandin, service: CommandService, store: Store, **kw: int | None
) -> DiscordAdapter:
    return DiscordAdapter(
        discord_settings(dc, **kw), service, store, ready_timeout=10, guild_ready_timeout=0.05
    )


async def test_start_asks_gateway_bot_and_syncs_once(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """No gateway URL configured: discord.py is pointed at what /gateway/bot returned;
    the dev guild gets one sync and its hash is stored."""
    assert discord_standin.count(GATEWAY_BOT, 200) == 1
    assert discord_standin.gateway.identifies == 1
    assert discord_standin.sync_count(GUILD_ID) == 1
    assert discord_standin.sync_count(None) == 0
    assert await store.meta_get(meta_key(discord.Object(GUILD_ID))) is not None


async def test_restart_and_reconnect_with_the_same_commands_do_not_resync(
    discord_standin: DiscordStandin, service: CommandService, store: Store
) -> None:
    dc = discord_standin
    first = new_adapter(dc, service, store)
    await first.start()
    await first.stop()
    second = new_adapter(dc, service, store)
    await second.start()
    try:
        assert dc.sync_count(GUILD_ID) == 1
        assert dc.gateway.identifies == 2
        await dc.disconnect_gateway(4000)
        callback = await run(dc, "risk")  # replayed after RESUME
        assert callback.type == 4
        assert dc.gateway.resumes == 1
        await dc.disconnect_gateway(None)  # TCP cut
        await dc.wait_for(lambda: dc.gateway.resumes == 2)
        assert (await run(dc, "status")).embeds
        assert dc.sync_count(GUILD_ID) == 1
        assert dc.count(GUILD_SYNC) == 1
    finally:
        await second.stop()


async def test_a_changed_command_set_or_scope_syncs_again(
    discord_standin: DiscordStandin, service: CommandService, store: Store
) -> None:
    """Global scope (no dev guild) keeps its own hash; a changed hash forces a sync."""
    dc = discord_standin
    bot = new_adapter(dc, service, store, dev_guild=None)
    await bot.start()
    await bot.stop()
    assert (dc.sync_count(None), dc.sync_count(GUILD_ID)) == (1, 0)
    await store.meta_set("discord.commands_hash.global", "an older command set")
    bot = new_adapter(dc, service, store, dev_guild=None)
    await bot.start()
    try:
        assert dc.sync_count(None) == 2
        assert (await run(dc, "risk")).type == 4  # global commands answer in the guild
    finally:
        await bot.stop()


async def test_configured_gateway_url_skips_gateway_bot(
    discord_standin: DiscordStandin, service: CommandService, store: Store
) -> None:
    dc = discord_standin
    settings = Settings(
        discord={"token": BOT_TOKEN, "api_url": dc.api_url, "gateway_url": dc.gateway_url,
                 "dev_guild": GUILD_ID},
    )  # fmt: skip
    bot = DiscordAdapter(settings, service, store, ready_timeout=10, guild_ready_timeout=0.05)
    await bot.start()
    try:
        assert dc.count(GATEWAY_BOT) == 0
        assert dc.gateway.connected
    finally:
        await bot.stop()
    assert bot.client is None


async def test_telegram_and_discord_in_one_process(
    discord_standin: DiscordStandin,
    telegram_standin: TelegramStandin,
    service: CommandService,
    store: Store,
) -> None:
    """Both adapters on one loop, one service and one store: each answers /risk on its
    platform and each notifier delivers its own rendering of the same alert."""
    dc, tg = discord_standin, telegram_standin
    settings = Settings(
        telegram={"token": tg.token, "api_url": tg.api_root},
        discord={"token": BOT_TOKEN, "api_url": dc.api_url, "dev_guild": GUILD_ID},
    )
    telegram = TelegramAdapter(settings, service, store)
    discord_ = DiscordAdapter(settings, service, store, ready_timeout=10, guild_ready_timeout=0.05)
    await telegram.start()
    await discord_.start()
    try:
        user = 424242
        before = len(tg.sent)
        tg.inject_message(user, "/risk", user_id=user)
        answer = await tg.wait_for(
            lambda s: s.chat_id == user and tg.sent.index(s) >= before, timeout=10
        )
        assert "/100" in (answer.plain_text or "")
        callback = await run(dc, "risk")
        embed = callback.embeds[0]
        assert "/100" in embed["title"] + embed.get("description", "")

        event = AlertEvent(
            id=1, rule="yen-surge", kind=EventKind.FIRING, level=Level.SEVERE,
            headline="USD/JPY 5-day change -7.9% ≤ -3.0%", cause="The yen is surging.",
            as_of=dt.date(2024, 8, 5), created_at=dt.datetime(2024, 8, 5, 6, tzinfo=dt.UTC),
        )  # fmt: skip
        message = AlertMessage((event,))
        sent_tg = await telegram.notifier.send(Target("telegram", str(user)), message)
        sent_dc = await discord_.notifier.send(Target("discord", str(CHANNEL_ID)), message)
        assert isinstance(sent_tg, Delivered) and isinstance(sent_dc, Delivered)
        assert "-7.9%" in (tg.messages_to(user)[-1].plain_text or "")
        assert "-7.9%" in dc.channel_messages[-1].embeds[0]["title"]
    finally:
        await discord_.stop()
        await telegram.stop()
