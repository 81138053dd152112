"""Every read-only slash command answers through real discord.py and the stand-in,
from a real store holding the engine's scores for May–Aug 2024."""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import AlertEvent, EventKind
from bot.discord import DiscordAdapter
from bot.notify.base import Target
from bot.render.discord.answers import LEVEL_COLOURS
from bot.store.store import Store
from signals.levels import Level
from tests.bot.discord.helpers import option, run, run_deferred, sub
from tests.standins.discord_api import DiscordStandin

from .conftest import LAST_DAY


async def test_risk_on_stale_data_says_so_first_and_is_not_coloured_calm(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """The store's newest market day is 5 Aug 2024, years before the clock: the title
    says the data is out of date, the colour is grey (no level's), the last score is in
    the description with its date, and the components are still there as fields."""
    latest = await store.latest_snapshot()
    assert latest is not None and latest.score is not None
    callback = await run(discord_standin, "risk")
    assert callback.type == 4 and not callback.ephemeral
    [embed] = callback.embeds
    assert embed["title"].startswith("⚪ Data is out of date")
    assert embed["color"] not in LEVEL_COLOURS.values()
    assert f"{latest.score:.0f}/100 ({latest.level.label})" in embed["description"]
    assert "Mon 5 Aug 2024" in embed["description"]
    assert len(embed["title"]) + len(embed["description"]) <= 600
    assert len(embed["fields"]) == len(latest.payload["components"])


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
    # the caption names the dates drawn: 60 days back from the newest score, 5 Aug 2024
    assert "from Thu, Jun 6, 2024 to Mon, Aug 5, 2024" in embed["description"]
    assert "You asked" not in embed["description"]


async def test_history_is_what_this_server_received_in_its_time_zone(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """/history n: only alerts delivered to this server's alert channel, newest first,
    exactly n, test alerts left out, times in the server's zone (not fixed UTC)."""
    from tests.standins.fixtures_discord import CHANNEL_ID, OTHER_CHANNEL_ID

    empty = await run(discord_standin, "history")
    assert empty.embeds[0]["title"] == "No alerts in this server yet"
    await run(discord_standin, "alerts", sub("channel", option("channel", CHANNEL_ID, 7)))
    await run(discord_standin, "alerts", sub("timezone", option("zone", "Asia/Tokyo")))
    here, elsewhere = Target("discord", str(CHANNEL_ID)), Target("discord", str(OTHER_CHANNEL_ID))
    at = dt.datetime(2024, 8, 5, 6, 0, tzinfo=dt.UTC)
    kinds = [EventKind.FIRING, EventKind.TEST, EventKind.FIRING, EventKind.FIRING]
    for i, kind in enumerate(kinds):
        alert = AlertEvent(
            rule="yen-surge", kind=kind, level=Level.HIGH, note="stored",
            as_of=LAST_DAY, created_at=at + dt.timedelta(hours=i), episode=f"e{i}",
            value=-3.5 - i, threshold=-3.0,
        )  # fmt: skip
        await store.enqueue_alert(alert, [here, elsewhere] if i < 3 else [elsewhere])
    for d in await store.claim_due(at + dt.timedelta(days=1), 50, "t", dt.timedelta(minutes=1)):
        await store.mark_sent(d.delivery_id, "1", at)
    callback = await run(discord_standin, "history", [option("n", 2, type_=4)])
    [embed] = callback.embeds
    assert embed["title"] == "The last 2 alerts in this server"
    names = [f["name"] for f in embed["fields"]]
    assert len(names) == 2
    assert names[0].endswith("Mon 5 Aug 17:00 JST")  # 08:00 UTC, newest the channel got
    assert names[1].endswith("Mon 5 Aug 15:00 JST")  # 06:00 UTC; the 07:00 test is left out
    assert "yen jumped 5.5 %" in embed["fields"][0]["value"]
    every = await run(discord_standin, "history", [option("n", 10, type_=4)])
    assert every.embeds[0]["title"] == "All 2 alerts this server received"


async def test_status_shows_feeds_in_words_and_that_no_alert_channel_is_set(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """/status: feeds named as people know them, no raw errors, version and uptime."""
    callback = await run(discord_standin, "status")
    [embed] = callback.embeds
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    # the store holds the chart series up to 5 Aug 2024, nothing polled: stale, in words
    assert "**JGB 30y/40y**: stale, newest data Mon 5 Aug" in fields["Feeds"]
    assert "**JGB 10y/20y**: no data yet" in fields["Feeds"]
    assert "Coinbase: not polled yet; Kraken: not polled yet" in fields["Feeds"]
    assert "jgb.40y" not in fields["Feeds"]
    assert "no alert channel" in fields["This server's alerts"]
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
    for usage in ("/risk", "/chart [days] [everything]", "/history [n]", "/status",
                  "/alerts channel <channel> [level]", "/alerts mute <duration>"):  # fmt: skip
        assert f"`{usage}`" in listing


async def test_synced_commands_carry_choices_ranges_and_default_permissions(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """What Discord stores: /alerts hidden from non-moderators by default
    (manage_guild = 32), guild-only, levels as choices, /chart days bounded."""
    [synced] = discord_standin.command_syncs
    commands = {c["name"]: c for c in synced.commands}
    assert set(commands) == {
        "risk",
        "explain",
        "chart",
        "history",
        "status",
        "help",
        "alerts",
        "language",
    }
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
