"""The Discord stand-in is faithful enough for discord.py's real Client and CommandTree.

Each test runs discord.py 2.7 unmodified against the stand-in on 127.0.0.1:
gateway (zlib-stream, heartbeats, READY/GUILD_CREATE, RESUME), command sync,
interaction callbacks and followups, and REST failures surfacing as the
exceptions discord.py raises for the real Discord.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_client import app_commands, discord
from tests.standins.discord_ratelimit import MESSAGE_ROUTE
from tests.standins.fixtures_discord import (  # noqa: F401 - fixtures
    BOT_TOKEN,
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    OWNER_ID,
    discord_guilds,
    discord_standin,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048


@dataclass
class Bot:
    client: discord.Client
    tree: app_commands.CommandTree[discord.Client]
    dc: DiscordStandin


def build_tree(client: discord.Client) -> app_commands.CommandTree[discord.Client]:
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    guild = discord.Object(GUILD_ID)

    @tree.command(name="risk", description="Current carry-unwind risk score")
    async def risk(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="Carry unwind risk: 72/100", description="JGB 10y up 9bp")
        embed.add_field(name="USD/JPY", value="141.2 (-2.1%)")
        await interaction.response.send_message(embed=embed)

    @tree.command(name="chart", description="Risk chart")
    async def chart(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(file=discord.File(io.BytesIO(PNG), filename="chart.png"))

    async def pairs(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["USDJPY", "EURJPY", "AUDJPY"]
        return [app_commands.Choice(name=n, value=n) for n in names if current.upper() in n]

    @tree.command(name="pair", description="One currency pair")
    @app_commands.autocomplete(symbol=pairs)
    async def pair(interaction: discord.Interaction, symbol: str) -> None:
        await interaction.response.send_message(symbol, ephemeral=True)

    alerts = app_commands.Group(name="alerts", description="Alert settings", guild_only=True)
    channel_group = app_commands.Group(name="channel", description="Alert channel", parent=alerts)

    @channel_group.command(name="set", description="Post alerts in this channel")
    async def set_channel(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        await interaction.response.send_message(f"alerts -> #{channel.name}", ephemeral=True)

    tree.add_command(alerts, guild=guild)
    tree.copy_global_to(guild=guild)
    return tree


@pytest.fixture
async def bot(discord_standin: DiscordStandin) -> AsyncIterator[Bot]:  # noqa: F811
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    tree = build_tree(client)
    errors: list[BaseException] = []

    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        errors.append(error)  # a handler that blew up after answering must still fail the test

    tree.on_error = on_error  # type: ignore[method-assign]
    await client.login(BOT_TOKEN)  # start() = login() + connect(); split to await readiness
    runner = asyncio.create_task(client.connect())
    try:
        async with asyncio.timeout(10):
            await client.wait_until_ready()
        yield Bot(client, tree, discord_standin)
    finally:
        await client.close()
        await runner
    assert errors == []


async def synced(bot: Bot) -> None:
    await bot.tree.sync(guild=discord.Object(GUILD_ID))


async def test_client_connects_with_zlib_stream_and_sees_the_guild(bot: Bot) -> None:
    """READY + GUILD_CREATE reach discord.py's cache; heartbeats are acknowledged."""
    assert bot.client.user is not None
    assert bot.client.user.id == bot.dc.bot_user_id
    assert bot.client.application_id == bot.dc.application_id
    guild = bot.client.get_guild(GUILD_ID)
    assert guild is not None
    assert guild.owner_id == OWNER_ID
    assert guild.me is not None
    assert {c.id for c in guild.text_channels} == {CHANNEL_ID, OTHER_CHANNEL_ID}
    assert bot.dc.gateway.identifies == 1
    await bot.dc.wait_for(lambda: bot.dc.gateway.heartbeats >= 1)
    assert bot.client.latency < 1.0


async def test_sync_is_recorded_and_ids_stay_stable(bot: Bot) -> None:
    """Each PUT is recorded; an identical re-sync is marked unchanged and keeps command ids."""
    first = await bot.tree.sync(guild=discord.Object(GUILD_ID))
    second = await bot.tree.sync(guild=discord.Object(GUILD_ID))
    assert {c.name for c in first} == {"risk", "chart", "pair", "alerts"}
    assert {c.name: c.id for c in first} == {c.name: c.id for c in second}
    assert bot.dc.sync_count(GUILD_ID) == 2
    assert bot.dc.sync_count(GUILD_ID, changed_only=True) == 1
    fetched = await bot.tree.fetch_commands(guild=discord.Object(GUILD_ID))
    assert {c.id for c in fetched} == {c.id for c in first}


async def test_risk_interaction_is_answered_with_an_embed(bot: Bot) -> None:
    """An injected /risk reaches the tree and its type-4 callback carries the embed."""
    await synced(bot)
    handle = await bot.dc.inject_interaction(GUILD_ID, CHANNEL_ID, OWNER_ID, "risk")
    callback = await bot.dc.wait_for(lambda: bot.dc.callback_for(handle))
    assert callback.type == 4
    assert not callback.ephemeral
    assert callback.embeds[0]["title"] == "Carry unwind risk: 72/100"
    assert callback.embeds[0]["fields"][0]["name"] == "USD/JPY"
    [message] = bot.dc.messages_of("interaction", handle)
    assert message.embeds == callback.embeds


async def test_subcommand_group_resolves_the_channel_option(bot: Bot) -> None:
    """/alerts channel set <channel>: nested options, resolved channel, ephemeral reply."""
    await synced(bot)
    options = [
        {
            "type": 2,
            "name": "channel",
            "options": [
                {
                    "type": 1,
                    "name": "set",
                    "options": [{"type": 7, "name": "channel", "value": OTHER_CHANNEL_ID}],
                }
            ],
        }
    ]
    handle = await bot.dc.inject_interaction(GUILD_ID, CHANNEL_ID, OWNER_ID, "alerts", options)
    callback = await bot.dc.wait_for(lambda: bot.dc.callback_for(handle))
    assert callback.content == "alerts -> #channel-1"
    assert callback.ephemeral


async def test_autocomplete_gets_choices(bot: Bot) -> None:
    """A type-4 interaction with a focused option is answered with a type-8 callback."""
    await synced(bot)
    focused = [{"type": 3, "name": "symbol", "value": "jp", "focused": True}]
    handle = await bot.dc.inject_interaction(
        GUILD_ID, CHANNEL_ID, OWNER_ID, "pair", focused, type=4
    )
    callback = await bot.dc.wait_for(lambda: bot.dc.callback_for(handle))
    assert callback.type == 8
    assert [c["value"] for c in callback.data["choices"]] == ["USDJPY", "EURJPY", "AUDJPY"]


async def test_deferred_response_then_followup_with_png(bot: Bot) -> None:
    """defer(thinking) is a type-5 callback; the followup's multipart PNG is recorded byte-exact."""
    await synced(bot)
    handle = await bot.dc.inject_interaction(GUILD_ID, CHANNEL_ID, OWNER_ID, "chart")
    [followup] = await bot.dc.wait_for(lambda: bot.dc.messages_of("followup", handle))
    callback = bot.dc.callback_for(handle)
    assert callback is not None
    assert callback.type == 5
    [attachment] = followup.attachments
    assert attachment.filename == "chart.png"
    assert attachment.size == len(PNG)
    assert attachment.data == PNG
    state = bot.dc.interactions[handle.id]
    assert followup.id == state.original_message_id  # replaced the "thinking…" message


async def test_429_on_channel_send_is_retried_once(bot: Bot) -> None:
    """discord.py sleeps retry_after from the 429 body and the message lands exactly once."""
    channel = bot.client.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    bot.dc.fail_next(CHANNEL_ID, retry_after=0.3)
    started = time.monotonic()
    sent = await channel.send("USD/JPY -3% in 24h")
    assert time.monotonic() - started >= 0.3
    assert bot.dc.count(MESSAGE_ROUTE, 429) == 1
    assert bot.dc.count(MESSAGE_ROUTE, 200) == 1
    assert [m.id for m in bot.dc.channel_messages] == [sent.id]


async def test_enforced_nonce_returns_the_earlier_message(bot: Bot) -> None:
    """nonce + enforce_nonce: a second create with the same nonce returns the first message
    and creates none; the same nonce without enforce_nonce is an ordinary new message."""
    channel = bot.client.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("alert", nonce="cw-nonce-1")  # discord.py sets enforce_nonce
    again = await channel.send("alert, resent", nonce="cw-nonce-1")
    assert again.id == first.id and again.content == "alert"
    assert [m.id for m in bot.dc.channel_messages] == [first.id]
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=CHANNEL_ID)
    plain = await bot.client.http.request(route, json={"content": "x", "nonce": "cw-nonce-1"})
    assert int(plain["id"]) != first.id and len(bot.dc.channel_messages) == 2
    assert bot.dc.nonce_hits == 1


async def test_bucket_headers_make_discordpy_wait_instead_of_429(bot: Bot) -> None:
    """5 per 5 s (x0.1): the sixth send waits for the reset the headers announced."""
    channel = bot.client.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    started = time.monotonic()
    for n in range(6):
        await channel.send(f"alert {n}")
    assert time.monotonic() - started >= 0.3
    assert bot.dc.count(MESSAGE_ROUTE, 200) == 6
    assert bot.dc.count(MESSAGE_ROUTE, 429) == 0


async def test_unknown_channel_is_not_found(bot: Bot) -> None:
    """A deleted channel answers 404 code 10003, which discord.py raises as NotFound."""
    channel = bot.client.get_channel(OTHER_CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    await bot.dc.delete_channel(OTHER_CHANNEL_ID)
    with pytest.raises(discord.NotFound) as err:
        await channel.send("hello")
    assert err.value.code == 10003
    await bot.dc.wait_for(lambda: bot.client.get_channel(OTHER_CHANNEL_ID) is None)


async def test_missing_permission_is_forbidden(bot: Bot) -> None:
    """A denied channel answers 403 code 50013 (discord.Forbidden)."""
    channel = bot.client.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    await bot.dc.deny_permission(CHANNEL_ID)
    with pytest.raises(discord.Forbidden) as err:
        await channel.send("hello")
    assert err.value.code == 50013


async def test_embed_over_limits_is_invalid_form_body(bot: Bot) -> None:
    """A 257-char title gets Discord's 50035 error tree, surfaced as HTTPException(400)."""
    channel = bot.client.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as err:
        await channel.send(embed=discord.Embed(title="x" * 257))
    assert err.value.status == 400
    assert err.value.code == 50035
    assert "embeds.0.title" in err.value.text


async def test_gateway_drop_is_resumed_and_missed_events_replayed(bot: Bot) -> None:
    """After a 4000 close, discord.py RESUMEs; an interaction sent meanwhile is replayed."""
    await synced(bot)
    await bot.dc.disconnect_gateway(4000)
    handle = await bot.dc.inject_interaction(GUILD_ID, CHANNEL_ID, OWNER_ID, "risk")
    callback = await bot.dc.wait_for(lambda: bot.dc.callback_for(handle))
    assert callback.type == 4
    assert bot.dc.gateway.resumes == 1
    assert bot.dc.gateway.identifies == 1
    await bot.dc.disconnect_gateway(None)  # TCP cut, no close frame
    await bot.dc.wait_for(lambda: bot.dc.gateway.resumes == 2)
    handle = await bot.dc.inject_interaction(GUILD_ID, CHANNEL_ID, OWNER_ID, "risk")
    assert await bot.dc.wait_for(lambda: bot.dc.callback_for(handle))


async def test_invalidated_session_reidentifies(bot: Bot) -> None:
    """RESUME of an invalidated session gets op 9; discord.py IDENTIFYs again on DEFAULT_GATEWAY."""
    await synced(bot)
    await bot.dc.disconnect_gateway(4000, invalidate_session=True)
    # discord.py's before_identify_hook sleeps 5 s before any non-initial IDENTIFY.
    await bot.dc.wait_for(
        lambda: bot.dc.gateway.identifies == 2 and bot.dc.gateway.connected, timeout=10
    )
    handle = await bot.dc.inject_interaction(GUILD_ID, CHANNEL_ID, OWNER_ID, "risk")
    assert await bot.dc.wait_for(lambda: bot.dc.callback_for(handle))


async def test_rest_rejects_a_wrong_token_and_serves_gateway_bot(
    discord_standin: DiscordStandin,  # noqa: F811
) -> None:
    """Bot routes need `Bot <token>`; /gateway/bot points back at the stand-in."""
    async with aiohttp.ClientSession() as http:
        url = discord_standin.api_url + "/gateway/bot"
        async with http.get(url, headers={"Authorization": "Bot wrong"}) as resp:
            assert resp.status == 401
        async with http.get(url, headers={"Authorization": f"Bot {BOT_TOKEN}"}) as resp:
            body = await resp.json()
            assert body["url"] == discord_standin.gateway_url
            assert resp.headers["X-RateLimit-Limit"] == "50"
