"""/alerts: Manage Server only (refused ephemerally otherwise), one alert channel per
server stored as a subscription, and each setting changed through the service."""

from __future__ import annotations

import asyncio

from bot.discord import DiscordAdapter
from bot.notify.base import Target
from bot.store.store import Store
from signals.levels import Level
from tests.bot.discord.helpers import MEMBER_ID, option, run, sub
from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_objects import EVERYONE_DEFAULT, MANAGE_GUILD
from tests.standins.fixtures_discord import CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID

CHANNEL = Target("discord", str(CHANNEL_ID))
OTHER = Target("discord", str(OTHER_CHANNEL_ID))


def channel_opts(channel: int, level: str | None = None) -> list[dict[str, object]]:
    opts = [option("channel", channel, 7)]
    if level is not None:
        opts.append(option("level", level))
    return sub("channel", *opts)


async def test_member_without_manage_server_is_refused_ephemerally(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """Even if an admin un-hid /alerts, the runtime check refuses and stores nothing."""
    refused = await run(
        discord_standin,
        "alerts",
        channel_opts(CHANNEL_ID),
        user=MEMBER_ID,
        permissions=EVERYONE_DEFAULT,
    )
    assert refused.ephemeral
    assert "Manage Server" in refused.content
    assert await store.get_subscription(CHANNEL) is None
    allowed = await run(
        discord_standin,
        "alerts",
        channel_opts(CHANNEL_ID),
        user=MEMBER_ID,
        permissions=EVERYONE_DEFAULT | MANAGE_GUILD,
    )
    assert allowed.ephemeral
    assert allowed.embeds[0]["title"] == "Alert settings"
    assert await store.get_subscription(CHANNEL) is not None


async def test_alerts_channel_stores_the_subscription_and_replaces_the_previous(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """One channel per guild: choosing another switches the first off."""
    first = await run(discord_standin, "alerts", channel_opts(CHANNEL_ID, "severe"))
    assert f"<#{CHANNEL_ID}>" in first.embeds[0]["description"]
    sub1 = await store.get_subscription(CHANNEL)
    assert sub1 is not None
    assert (sub1.active, sub1.kind, sub1.guild_id) == (True, "guild", str(GUILD_ID))
    assert sub1.min_level is Level.SEVERE

    await run(discord_standin, "alerts", channel_opts(OTHER_CHANNEL_ID))
    old, new = await store.get_subscription(CHANNEL), await store.get_subscription(OTHER)
    assert old is not None and not old.active and old.broken_reason is None
    # the server's level moves with its alert channel (no level given this time)
    assert new is not None and new.active and new.min_level is Level.SEVERE
    active = await store.active_subscriptions("discord")
    assert [s.target for s in active] == [OTHER]

    status = await run(discord_standin, "status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["This server's alerts"] == f"<#{OTHER_CHANNEL_ID}> at severe or above"


async def test_level_mute_unmute_rules_show_and_off(
    adapter: DiscordAdapter,
    discord_standin: DiscordStandin,
    store: Store,
    rule_names: list[str],
) -> None:
    """Each subcommand changes the channel's subscription and confirms ephemerally."""
    dc = discord_standin
    await run(dc, "alerts", channel_opts(CHANNEL_ID))

    level = await run(dc, "alerts", sub("level", option("level", "elevated")))
    assert level.ephemeral
    fields = {f["name"]: f["value"] for f in level.embeds[0]["fields"]}
    assert fields["Minimum level"] == "elevated"

    await run(dc, "alerts", sub("mute", option("duration", "2h")))
    muted = await store.get_subscription(CHANNEL)
    assert muted is not None and muted.mute_until is not None

    await run(dc, "alerts", sub("unmute"))
    unmuted = await store.get_subscription(CHANNEL)
    assert unmuted is not None and unmuted.mute_until is None

    choices = await run(
        dc, "alerts", sub("mute_rule", option("rule", "yen", focused=True)), type_=4
    )
    assert choices.type == 8
    assert [c["value"] for c in choices.data["choices"]] == [n for n in rule_names if "yen" in n]
    await run(dc, "alerts", sub("mute_rule", option("rule", "yen-surge")))
    rules = await store.get_subscription(CHANNEL)
    assert rules is not None and rules.muted_rules == ("yen-surge",)
    unmute_choices = await run(
        dc, "alerts", sub("unmute_rule", option("rule", "", focused=True)), type_=4
    )
    assert [c["value"] for c in unmute_choices.data["choices"]] == ["yen-surge"]
    await run(dc, "alerts", sub("unmute_rule", option("rule", "yen-surge")))

    show = await run(dc, "alerts", sub("show"))
    fields = {f["name"]: f["value"] for f in show.embeds[0]["fields"]}
    assert fields["Muted rules"] == "none"
    assert fields["Muted until"] == "not muted"

    off = await run(dc, "alerts", sub("off"))
    assert off.ephemeral and "Alerts are off" in off.content
    gone = await store.get_subscription(CHANNEL)
    assert gone is not None and not gone.active


async def test_settings_before_choosing_a_channel_explain_how(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """/alerts level without a channel: ephemeral, pointing at /alerts channel."""
    callback = await run(discord_standin, "alerts", sub("level", option("level", "high")))
    assert callback.ephemeral
    assert "no alert channel yet" in callback.content
    assert "/alerts level <level>" in callback.content


async def test_a_channel_the_bot_cannot_post_in_is_refused(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """The bot checks its own permissions in the chosen channel before storing it."""
    client = adapter.client
    assert client is not None
    updated = asyncio.ensure_future(client.wait_for("guild_channel_update", timeout=5))
    await discord_standin.deny_permission(OTHER_CHANNEL_ID)
    await updated  # the CHANNEL_UPDATE reached discord.py's cache
    callback = await run(discord_standin, "alerts", channel_opts(OTHER_CHANNEL_ID))
    assert callback.ephemeral
    assert "can't post" in callback.content
    assert "Send Messages" in callback.content
    assert await store.get_subscription(OTHER) is None
