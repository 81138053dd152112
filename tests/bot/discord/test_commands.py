"""Every read-only slash command answers through real discord.py and the stand-in,
from a real store holding the engine's scores for May–Aug 2024."""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import EventKind
from bot.discord import DiscordAdapter
from bot.render.discord.answers import LEVEL_COLOURS
from bot.store.records import NewAlert
from bot.store.store import Store
from signals.levels import Level
from tests.bot.discord.helpers import option, run, run_deferred, sub
from tests.standins.discord_api import DiscordStandin

from .conftest import LAST_DAY


async def test_risk_is_one_embed_with_level_colour_components_and_age(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """/risk answers at once (type 4): score and level in the title, colour by level,
    one field per component with score and reason, data age in the footer."""
    latest = await store.latest_snapshot()
    assert latest is not None and latest.score is not None
    callback = await run(discord_standin, "risk")
    assert callback.type == 4
    assert not callback.ephemeral
    [embed] = callback.embeds
    assert f"{latest.score:.0f}/100" in embed["title"]
    assert latest.level.label in embed["title"]
    assert embed["color"] == LEVEL_COLOURS[latest.level]
    assert LAST_DAY.isoformat() in embed["description"]
    components = latest.payload["components"]
    assert len(embed["fields"]) == len(components)
    by_name = {f["name"].removesuffix(" (unavailable)"): f["value"] for f in embed["fields"]}
    for comp in components.values():
        value = by_name[comp["label"]]
        assert comp["reason"][:20].replace("*", "") in value.replace("\\", "")
        if comp.get("score") is not None:
            assert f"score {comp['score']:.0f}" in value
    assert embed["footer"]["text"].startswith("Computed 5m ago")
    assert "feeds" in embed["footer"]["text"]


async def test_chart_defers_then_sends_the_png_in_an_embed(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """/chart 60 acknowledges with a deferred response, then a followup carries the PNG
    attached and shown as the embed's image."""
    callback, followup = await run_deferred(discord_standin, "chart", [option("days", 60, type_=4)])
    assert callback.type == 5
    [attachment] = followup.attachments
    assert attachment.filename == "carrywatch-score.png"
    assert attachment.data.startswith(b"\x89PNG\r\n\x1a\n")
    [embed] = followup.embeds
    assert embed["image"]["url"] == "attachment://carrywatch-score.png"
    assert "60 days" in embed["description"]


async def test_history_lists_recent_alerts(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """/history 5 shows the stored alerts, newest first, with level and cause."""
    empty = await run(discord_standin, "history")
    assert empty.embeds[0]["title"] == "No alerts yet"
    at = dt.datetime(2024, 8, 5, 6, 0, tzinfo=dt.UTC)
    for i, (rule, level) in enumerate([("yen-surge", Level.HIGH), ("score-severe", Level.SEVERE)]):
        alert = NewAlert(
            rule=rule, kind=EventKind.FIRING, level=level, headline=f"{rule} crossed",
            cause=f"cause of {rule}", as_of=LAST_DAY, created_at=at + dt.timedelta(minutes=i),
            episode="2024-08-05",
        )  # fmt: skip
        await store.enqueue_alert(alert, [])
    callback = await run(discord_standin, "history", [option("n", 5, type_=4)])
    [embed] = callback.embeds
    assert embed["title"] == "Last 2 alerts"
    names = [f["name"] for f in embed["fields"]]
    assert names[0].endswith("severe · firing")
    assert "yen-surge crossed" in embed["fields"][1]["value"]
    assert embed["color"] == LEVEL_COLOURS[Level.SEVERE]


async def test_status_shows_feeds_and_that_no_alert_channel_is_set(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """/status: every chart feed listed, version and uptime, and this server's alerts."""
    callback = await run(discord_standin, "status")
    [embed] = callback.embeds
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "`jgb.40y`" in fields["Feeds"]
    assert "no alert channel" in fields["This server's alerts"]
    assert "pending" in fields["Deliveries"]
    assert "version 0.1.0-test" in embed["footer"]["text"]


async def test_help_lists_every_command_ephemerally(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """/help: the intro and each command as a user types it, alerts subcommands included."""
    callback = await run(discord_standin, "help")
    assert callback.ephemeral
    [embed] = callback.embeds
    assert "yen carry trade" in embed["description"]
    listing = embed["fields"][0]["value"]
    for usage in ("/risk", "/chart [days]", "/history [n]", "/status",
                  "/alerts channel <channel> [level]", "/alerts mute <duration>"):  # fmt: skip
        assert f"`{usage}`" in listing


async def test_synced_commands_carry_choices_ranges_and_default_permissions(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """What Discord stores: /alerts hidden from non-moderators by default
    (manage_guild = 32), guild-only, levels as choices, /chart days bounded."""
    [synced] = discord_standin.command_syncs
    commands = {c["name"]: c for c in synced.commands}
    assert set(commands) == {"risk", "chart", "history", "status", "help", "alerts"}
    alerts = commands["alerts"]
    assert int(alerts["default_member_permissions"]) == 32
    subs = {o["name"]: o for o in alerts["options"]}
    level = next(o for o in subs["channel"]["options"] if o["name"] == "level")
    assert [c["value"] for c in level["choices"]] == ["low", "elevated", "high", "severe"]
    rule = subs["mute_rule"]["options"][0]
    assert rule["autocomplete"] is True
    days = commands["chart"]["options"][0]
    assert (days["min_value"], days["max_value"]) == (1, 3650)


async def test_a_user_mistake_is_an_ephemeral_error_with_usage(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """A bad duration comes back ephemeral, saying what is wrong and how to call it."""
    from tests.standins.fixtures_discord import CHANNEL_ID

    await run(discord_standin, "alerts", sub("channel", option("channel", CHANNEL_ID, 7)))
    callback = await run(discord_standin, "alerts", sub("mute", option("duration", "banana")))
    assert callback.type == 4
    assert callback.ephemeral
    assert "bad duration 'banana'" in callback.content
    assert "Usage: `/alerts mute <duration> — e.g. 30m, 2h, 1d" in callback.content
