"""DiscordNotifier: an alert message becomes one embed in the alert channel, and every
failure comes back classified in bounded time (never retried forever inside discord.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.commands.service import CommandService
from bot.discord import DiscordAdapter
from bot.notify.base import Delivered, Permanent, RetryAfter, Target
from bot.render.discord.answers import LEVEL_COLOURS
from bot.store.store import Store
from signals.levels import Level
from tests.bot.discord.conftest import discord_settings
from tests.bot.discord.helpers import run
from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_ratelimit import MESSAGE_ROUTE
from tests.standins.fixtures_discord import CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID

CHANNEL = Target("discord", str(CHANNEL_ID))
AT = dt.datetime(2024, 8, 5, 6, 30, tzinfo=dt.UTC)


def event(i: int = 1, level: Level = Level.SEVERE, **changes: object) -> AlertEvent:
    base = AlertEvent(
        rule="yen-surge", kind=EventKind.FIRING, level=level,
        indicator="usdjpy.chg_5d_pct", operator="<=",
        description="The yen is surging as carry trades unwind.",
        as_of=dt.date(2024, 8, 5), created_at=AT, value=-7.9,
        threshold=-3.0, score=78.0, score_level=Level.SEVERE, episode="2024-08-05",
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


async def test_alert_is_one_embed_with_title_colour_fields_and_timestamp(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    message = AlertMessage(
        (
            event(1),
            event(
                2,
                Level.HIGH,
                rule="jgb40y-record",
                indicator="jgb.40y",
                operator=">=",
                value=3.72,
                threshold=3.70,
            ),
        ),
        delayed_by=dt.timedelta(minutes=12),
    )
    result = await adapter.notifier.send(CHANNEL, message)
    assert isinstance(result, Delivered)
    [sent] = discord_standin.channel_messages
    assert str(sent.id) == result.message_id
    assert sent.channel_id == CHANNEL_ID
    [embed] = sent.embeds
    assert embed["title"] == "🔴 2 carry-unwind alerts · highest: severe"
    assert embed["color"] == LEVEL_COLOURS[Level.SEVERE]
    assert embed["description"].startswith("⏱ Delayed by 12 min (delivery problem)")
    names = [f["name"] for f in embed["fields"]]
    assert names[0].startswith("🔴 Severe alert: The yen jumped 7.9 % against the dollar")
    assert names[1].startswith("🟠 High alert: The 40-year Japanese bond yield is at ")
    assert "USD/JPY 5-day change: −7.9 % (alert line −3.0 %)" in embed["fields"][0]["value"]
    assert dt.datetime.fromisoformat(embed["timestamp"]) == AT


async def test_oversized_alert_is_cut_to_discords_limits(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """40 events with 5,000-character causes still make one valid embed (the stand-in
    rejects anything over a limit with 50035)."""
    events = tuple(
        event(i, indicator="", note="h" * 300, description=f"{i} " + "c" * 5000) for i in range(40)
    )
    result = await adapter.notifier.send(CHANNEL, AlertMessage(events))
    assert isinstance(result, Delivered)
    [embed] = discord_standin.channel_messages[0].embeds
    assert len(embed["fields"]) <= 25
    assert len(embed["title"]) <= 256
    total = len(embed["title"]) + len(embed.get("description", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])
    total += len(embed["footer"]["text"])
    assert total <= 6000


async def test_short_429_is_retried_and_delivered_once(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """A 429 with a short retry_after: discord.py waits it out and sends exactly once."""
    discord_standin.fail_next(CHANNEL_ID, retry_after=0.3)
    started = time.monotonic()
    result = await adapter.notifier.send(CHANNEL, AlertMessage((event(),)))
    assert isinstance(result, Delivered)
    assert time.monotonic() - started >= 0.3
    assert discord_standin.count(MESSAGE_ROUTE, 429) == 1
    assert len(discord_standin.channel_messages) == 1


async def test_long_429_comes_back_as_retry_after_at_once(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """A 429 asking for 120 s is not slept on inside discord.py: the dispatcher gets
    RetryAfter(120) and schedules the retry itself."""
    discord_standin.fail_next(CHANNEL_ID, retry_after=120)
    started = time.monotonic()
    result = await adapter.notifier.send(CHANNEL, AlertMessage((event(),)))
    assert time.monotonic() - started < 5
    assert isinstance(result, RetryAfter)
    assert result.seconds == 120
    assert discord_standin.channel_messages == []


async def test_repeated_429s_end_as_retry_after(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """discord.py's five tries of short 429s run out: RetryAfter, nothing sent."""
    discord_standin.fail_next(CHANNEL_ID, retry_after=0.05, count=5)
    result = await adapter.notifier.send(CHANNEL, AlertMessage((event(),)))
    assert isinstance(result, RetryAfter)
    assert discord_standin.count(MESSAGE_ROUTE, 429) == 5
    assert discord_standin.channel_messages == []


async def test_deleted_channel_is_permanent_and_the_subscription_shows_broken(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    """404 Unknown Channel → Permanent(deactivate); the channel-delete event has already
    marked the subscription broken, and /status says so."""
    await run(
        discord_standin,
        "alerts",
        [{"type": 1, "name": "channel", "options": [{"type": 7, "name": "channel",
          "value": OTHER_CHANNEL_ID}]}],
    )  # fmt: skip
    target = Target("discord", str(OTHER_CHANNEL_ID))
    await discord_standin.delete_channel(OTHER_CHANNEL_ID)
    result = await adapter.notifier.send(target, AlertMessage((event(),)))
    assert isinstance(result, Permanent)
    assert result.deactivate
    assert "10003" in result.reason
    # The dispatcher's part of the contract; a no-op when the delete event came first.
    await store.deactivate("discord", target.chat_id, result.reason)
    sub = await store.get_subscription(target)
    assert sub is not None and not sub.active and sub.broken_reason
    status = await run(discord_standin, "status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["This server's alerts"].startswith("⚠️ broken")


async def test_missing_permission_is_permanent(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    await discord_standin.deny_permission(CHANNEL_ID)
    result = await adapter.notifier.send(CHANNEL, AlertMessage((event(),)))
    assert isinstance(result, Permanent)
    assert result.deactivate
    assert "50013" in result.reason


async def test_server_errors_are_retried_later_and_other_4xx_are_permanent(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    discord_standin.fail_next(CHANNEL_ID, status=503)
    unavailable = await adapter.notifier.send(CHANNEL, AlertMessage((event(),)))
    assert isinstance(unavailable, RetryAfter)
    discord_standin.fail_next(CHANNEL_ID, status=400)
    bad = await adapter.notifier.send(CHANNEL, AlertMessage((event(),)))
    assert isinstance(bad, Permanent)
    assert not bad.deactivate
    assert discord_standin.channel_messages == []


async def test_send_is_bounded_in_time(
    discord_standin: DiscordStandin, service: CommandService, store: Store
) -> None:
    """discord.py retries a 500 itself for ~25 s; send_timeout cuts that short."""
    bot = DiscordAdapter(
        discord_settings(discord_standin), service, store,
        send_timeout=0.5, guild_ready_timeout=0.05,
    )  # fmt: skip
    await bot.start()
    try:
        discord_standin.fail_next(CHANNEL_ID, status=500, count=10)
        started = time.monotonic()
        result = await bot.notifier.send(CHANNEL, AlertMessage((event(),)))
        assert time.monotonic() - started < 2
        assert isinstance(result, RetryAfter)
    finally:
        await bot.stop()


async def test_before_start_and_wrong_targets(
    discord_standin: DiscordStandin, service: CommandService, store: Store
) -> None:
    bot = DiscordAdapter(discord_settings(discord_standin), service, store)
    assert bot.notifier.platform == "discord"
    early = await bot.notifier.send(CHANNEL, AlertMessage((event(),)))
    assert isinstance(early, RetryAfter)
    wrong = await bot.notifier.send(Target("telegram", "1"), AlertMessage((event(),)))
    assert isinstance(wrong, Permanent)
    assert GUILD_ID  # the guild exists; nothing was sent to it
    assert discord_standin.channel_messages == []


async def test_a_resend_of_the_same_alerts_is_one_message(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    """The nonce (with enforce_nonce) makes Discord return the first message for a second
    send of the same alerts (a retry after a timeout, or a resend after a crash); other
    alerts, or the same alerts in another channel, are new messages."""
    message = AlertMessage((event(7), event(8, Level.HIGH, rule="score-high")))
    first = await adapter.notifier.send(CHANNEL, message)
    again = await adapter.notifier.send(CHANNEL, AlertMessage(tuple(reversed(message.events))))
    assert isinstance(first, Delivered) and isinstance(again, Delivered)
    assert again.message_id == first.message_id
    assert len(discord_standin.channel_messages) == 1 and discord_standin.nonce_hits == 1
    other = await adapter.notifier.send(CHANNEL, AlertMessage((event(9),)))
    elsewhere = await adapter.notifier.send(Target("discord", str(OTHER_CHANNEL_ID)), message)
    assert isinstance(other, Delivered) and isinstance(elsewhere, Delivered)
    assert len({first.message_id, other.message_id, elsewhere.message_id}) == 3
    nonces = [r for r in discord_standin.requests if r.route == MESSAGE_ROUTE]
    assert len(nonces) == 4
