"""/digest on Discord (discord.py 2, stand-in): a server's digest needs Manage Server
and an alert channel, and goes out to that channel at the server's chosen local hour
through the real outbox, dispatcher and Discord notifier."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.commands.digest import DigestService
from bot.commands.service import CommandService
from bot.digest.job import DigestJob
from bot.discord import DiscordAdapter
from bot.dispatch.dispatcher import Dispatcher
from bot.notify.base import Target
from bot.store.store import Store
from tests.bot.discord.conftest import discord_settings
from tests.bot.discord.helpers import MEMBER_ID, option, run, sub
from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_objects import EVERYONE_DEFAULT
from tests.standins.fixtures_discord import CHANNEL_ID


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2024, 8, 5, 12, tzinfo=dt.UTC))


@pytest.fixture
async def digest_adapter(
    discord_standin: DiscordStandin, service: CommandService, store: Store, clock: Clock
) -> AsyncIterator[DiscordAdapter]:
    bot = DiscordAdapter(
        discord_settings(discord_standin),
        service,
        store,
        ready_timeout=10,
        send_timeout=5,
        guild_ready_timeout=0.05,
        digest=DigestService(store, clock),
    )
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def test_server_digest_to_the_alert_channel(
    digest_adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store, clock: Clock
) -> None:
    dc = discord_standin
    early = await run(dc, "digest", sub("on"))
    assert early.ephemeral and "this server has no alert channel yet" in early.content
    refused = await run(dc, "digest", sub("on"), user=MEMBER_ID, permissions=EVERYONE_DEFAULT)
    assert "Manage Server" in refused.content
    await run(dc, "alerts", sub("channel", option("channel", CHANNEL_ID, 7)))
    opts = sub("on", option("day", "fri"), option("hour", 18, 4), option("zone", "Asia/Tokyo"))
    on = await run(dc, "digest", opts)
    assert on.embeds[0]["title"] == "Weekly digest: on, Fri 18:00 Asia/Tokyo."
    assert "Next one: Fri 09 Aug 2024 18:00 JST." in on.embeds[0]["description"]

    job = DigestJob(store, clock)
    clock.now = dt.datetime(2024, 8, 9, 8, 59, tzinfo=dt.UTC)  # 17:59 JST
    assert await job.run_once() == []
    clock.now = dt.datetime(2024, 8, 9, 9, 0, tzinfo=dt.UTC)  # 18:00 JST
    assert await job.run_once() == [Target("discord", str(CHANNEL_ID))]
    before = len(dc.channel_messages)
    await Dispatcher(store, {"discord": digest_adapter.notifier}, clock=clock).run_once()
    [posted] = dc.channel_messages[before:]
    assert posted.channel_id == CHANNEL_ID
    body = posted.content + " ".join(
        str(e.get("title", "")) + str(e.get("description", "")) for e in posted.embeds
    )
    assert "Week 02 Aug – 08 Aug 2024" in body and "Stress score" in body
