"""Discord parity: quiet hours and a time zone per server, a role pinged on severe
alerts (allowed mentions limited to that role), and real alerts as embeds — through
discord.py, the stand-in and the real dispatcher."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.discord import DiscordAdapter
from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.routing import plan
from bot.notify.base import Target
from bot.render.discord.answers import LEVEL_COLOURS
from bot.store.records import NewAlert
from bot.store.store import Store
from signals.levels import Level
from tests.bot.discord.conftest import LAST_DAY
from tests.bot.discord.helpers import option, run, sub
from tests.bot.realdata import UNWIND, YCC, events_around
from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_objects import GuildSpec, RoleSpec, simple_guild
from tests.standins.fixtures_discord import CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID, OWNER_ID

ROLE_ID = 1_100_000_000_000_000_777
CHANNEL = Target("discord", str(CHANNEL_ID))


@pytest.fixture
def discord_guilds() -> list[GuildSpec]:
    guild = simple_guild(GUILD_ID, [CHANNEL_ID, OTHER_CHANNEL_ID], OWNER_ID)
    guild.roles.append(RoleSpec(ROLE_ID, "carry-watchers"))
    return [guild]


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def alert(rule: str, level: Level, at: dt.datetime, value: float) -> NewAlert:
    return NewAlert(
        rule=rule, kind=EventKind.FIRING, level=level, headline="stored", cause="",
        as_of=LAST_DAY, created_at=at, value=value, threshold=-3.0 if level < Level.SEVERE
        else -5.0, score=62.0, episode=f"{rule}@{at.isoformat()}",
    )  # fmt: skip


async def test_quiet_hours_hold_and_severe_role_ping(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """/alerts quiet 22:00 07:00 in Asia/Tokyo: a high alert at 23:00 JST waits and then
    says it was held (not delayed); a severe one goes at once, mentioning the role set
    with /alerts ping, and allows mentioning that role only."""
    dc = discord_standin
    await run(
        dc, "alerts", sub("channel", option("channel", CHANNEL_ID, 7), option("level", "elevated"))
    )
    tz = await run(dc, "alerts", sub("timezone", option("zone", "Asia/Tokyo")))
    assert tz.embeds[0]["description"].startswith("Times are now shown in Asia/Tokyo")
    quiet = await run(dc, "alerts", sub("quiet", option("start", "22:00"), option("end", "07:00")))
    assert quiet.embeds[0]["description"].startswith("Quiet hours set to 22:00–07:00 Asia/Tokyo")
    ping = await run(dc, "alerts", sub("ping", option("role", ROLE_ID, 8)))
    assert ping.embeds[0]["description"] == "Severe alerts will mention that role."
    stored = await store.get_subscription(CHANNEL)
    assert stored is not None and stored.ping_role == str(ROLE_ID)

    night = dt.datetime(2024, 8, 5, 14, 0, tzinfo=dt.UTC)  # 23:00 in Tokyo
    clock = Clock(night)
    subs = await store.active_subscriptions("discord")
    later = night + dt.timedelta(minutes=5)
    for a in (alert("yen-surge", Level.HIGH, night, -3.7),
              alert("yen-squeeze", Level.SEVERE, later, -5.6)):  # fmt: skip
        clock.now = a.created_at
        await store.enqueue_alert(a, plan(a, subs, clock.now))
    dispatcher = Dispatcher(store, {"discord": adapter.notifier}, clock=clock)
    await dispatcher.run_once()
    [severe] = dc.channel_messages
    assert severe.content == f"<@&{ROLE_ID}>"
    assert severe.allowed_mentions is not None
    assert severe.allowed_mentions["parse"] == []  # no @everyone, no users
    assert [int(r) for r in severe.allowed_mentions["roles"]] == [ROLE_ID]
    assert severe.embeds[0]["title"].startswith("🔴 Severe alert: The yen jumped 5.6 %")

    clock.now = dt.datetime(2024, 8, 5, 22, 1, tzinfo=dt.UTC)  # 07:01 in Tokyo
    await dispatcher.run_once()
    _, held = dc.channel_messages
    assert held.content == ""  # a high alert pings nobody
    assert held.allowed_mentions is not None and held.allowed_mentions["parse"] == []
    assert not held.allowed_mentions.get("roles")
    embed = held.embeds[0]
    assert embed["description"].startswith("🌙 Held during this server's quiet hours (22:00–07:00)")
    assert "Delayed" not in embed["description"]
    assert embed["color"] == LEVEL_COLOURS[Level.HIGH]

    off = await run(dc, "alerts", sub("ping"))
    assert off.embeds[0]["description"] == "Severe alerts will mention nobody."
    quiet_off = await run(dc, "alerts", sub("quiet", option("start", "off")))
    assert quiet_off.embeds[0]["description"].startswith("Quiet hours are off")
    bad = await run(dc, "alerts", sub("timezone", option("zone", "Mars/Olympus")))
    assert bad.ephemeral and "unknown time zone 'Mars/Olympus'" in bad.content


@pytest.mark.parametrize("day", [UNWIND, YCC])
async def test_real_alerts_as_embeds(
    day: dt.date, history_dir: Path, adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """Every real event of the window goes out as a valid embed; eased ones are grey and
    never titled as alerts; two eased events are "eased", not "alerts · up to …"."""
    events = events_around(history_dir, day)
    for event in events:
        await adapter.notifier.send(CHANNEL, AlertMessage((event,)))
    sent = discord_standin.channel_messages
    assert len(sent) == len(events)
    for event, message in zip(events, sent, strict=True):
        [embed] = message.embeds
        if event.kind is EventKind.RESOLVED:
            assert embed["title"].startswith("✅ Eased: ")
            assert embed["color"] not in LEVEL_COLOURS.values()
        else:
            assert embed["title"].startswith(f"{event.level.label.capitalize()} alert", 2)
            assert embed["color"] == LEVEL_COLOURS[event.level]
        assert "`/risk`" in embed["description"]
    resolved = tuple(e for e in events if e.kind is EventKind.RESOLVED)[:2]
    await adapter.notifier.send(CHANNEL, AlertMessage(resolved))
    title = discord_standin.channel_messages[-1].embeds[0]["title"]
    assert title == "✅ 2 carry-unwind alerts eased"


async def test_operator_text_is_markdown_and_mention_safe(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """A broadcast with Markdown and @everyone arrives escaped, mentioning nobody."""
    text = "**Maintenance** at 22:00 _UTC_ @everyone"
    event = AlertEvent(
        id=1, rule="admin-broadcast", kind=EventKind.BROADCAST, level=Level.LOW,
        headline=text, cause="", as_of=LAST_DAY, created_at=dt.datetime(2024, 8, 5, tzinfo=dt.UTC),
    )  # fmt: skip
    await adapter.notifier.send(CHANNEL, AlertMessage((event,)))
    [sent] = discord_standin.channel_messages
    description = sent.embeds[0]["description"]
    assert "\\*\\*Maintenance\\*\\*" in description and "\\_UTC\\_" in description
    assert "@\u200beveryone" in description  # broken up: Discord will not ping it
    assert sent.allowed_mentions is not None and sent.allowed_mentions["parse"] == []


async def test_a_new_alert_channel_keeps_the_servers_settings(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """Quiet hours, time zone and ping role belong to the server: moving alerts to
    another channel keeps them."""
    dc = discord_standin
    await run(dc, "alerts", sub("channel", option("channel", CHANNEL_ID, 7)))
    await run(dc, "alerts", sub("timezone", option("zone", "Europe/Berlin")))
    await run(dc, "alerts", sub("quiet", option("start", "23:00"), option("end", "06:30")))
    await run(dc, "alerts", sub("ping", option("role", ROLE_ID, 8)))
    await run(dc, "alerts", sub("channel", option("channel", OTHER_CHANNEL_ID, 7)))
    moved = await store.get_subscription(Target("discord", str(OTHER_CHANNEL_ID)))
    assert moved is not None and moved.active
    assert (moved.tz, moved.quiet_start, moved.quiet_end, moved.ping_role) == (
        "Europe/Berlin", dt.time(23), dt.time(6, 30), str(ROLE_ID),
    )  # fmt: skip
    shown = await run(dc, "alerts", sub("show"))
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Quiet hours"] == "23:00–06:30 Europe/Berlin"
    assert fields["Ping on severe"] == f"<@&{ROLE_ID}>"
