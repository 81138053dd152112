"""Every command through the real PTB Application, the stand-in and a real Store.

Pins down: each command answers in the chat (and forum topic) it came from,
bad arguments and unknown commands get one line plus usage, operator commands
refuse everyone else politely, and only group admins change a group's alerts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest

from bot.alerts.events import EventKind
from bot.commands.service import CommandService
from bot.notify.base import Target
from bot.render.event_text import headline
from bot.store import Store
from bot.telegram import TelegramAdapter
from tests.bot.telegram.conftest import ADMIN, GROUP, OTHER, T0, USER, make_alert, make_snapshot
from tests.bot.telegram.helpers import ask
from tests.standins.telegram_api import TelegramStandin

pytestmark = pytest.mark.usefixtures("adapter")


async def test_start_and_help_explain_and_list_commands(telegram_standin: TelegramStandin) -> None:
    """/start and /help say what is watched; operator commands only show to operators."""
    tg = telegram_standin
    start = await ask(tg, USER, "/start", user_id=USER)
    assert "yen carry trade" in (start.plain_text or "")
    assert "/risk" in (start.plain_text or "") and "/broadcast" not in (start.plain_text or "")
    admin_help = await ask(tg, ADMIN, "/help", user_id=ADMIN)
    assert "/broadcast" in (admin_help.plain_text or "")
    assert admin_help.parse_mode == "HTML"


async def test_commands_registered_with_set_my_commands(telegram_standin: TelegramStandin) -> None:
    """setMyCommands: public list by default, plus operator commands in each operator's chat."""
    commands = telegram_standin.state.commands
    public = {c["command"] for c in commands["default|None|None|"]}
    assert {"risk", "chart", "history", "subscribe", "settings", "chatid"} <= public
    assert "broadcast" not in public
    assert "broadcast" in {c["command"] for c in commands[f"chat|{ADMIN}|None|"]}


async def test_risk_before_and_after_a_snapshot(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """/risk says there is no score yet, then shows score, level, components (escaped)."""
    tg = telegram_standin
    first = await ask(tg, USER, "/risk", user_id=USER)
    assert "No score yet" in (first.plain_text or "")
    await store.save_evaluation(make_snapshot(), T0)
    sent = await ask(tg, GROUP, f"/risk@{tg.bot_username}", user_id=OTHER, chat_type="supergroup")
    text = sent.plain_text or ""
    # the snapshot is of 5 Aug 2024 and the clock is today: stale, said first
    assert text.startswith("⚪ Data is out of date")
    assert "82/100 (severe)" in text and len(text) <= 600


async def test_chart_uploads_png_and_rejects_bad_days(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """/chart 30 sends a PNG with a caption; /chart abc answers the usage line."""
    tg = telegram_standin
    await store.save_evaluation(make_snapshot(), T0)
    photo = await ask(tg, USER, "/chart 30", user_id=USER)
    assert photo.method == "sendPhoto" and (photo.photo_bytes or 0) > 1000
    # one scored day in the store: the caption says what the chart covers, not "30 days"
    caption = photo.plain_text or ""
    assert caption.startswith("Carry-unwind stress from Mon, Aug 5, 2024 to Mon, Aug 5, 2024")
    assert "You asked for 30 days; the data covers 1 day." in caption
    everything = await ask(tg, USER, "/chart all", user_id=USER)
    assert everything.method == "sendPhoto" and "You asked" not in (everything.plain_text or "")
    bad = await ask(tg, USER, "/chart abc", user_id=USER)
    assert "expected a whole number" in (bad.plain_text or "")
    assert "Usage: /chart [days|all]" in (bad.plain_text or "")


async def test_history_lists_alerts(telegram_standin: TelegramStandin, store: Store) -> None:
    """/history n: what this chat received (sent to it), newest first, exactly n or all
    there are, test alerts and broadcasts left out, times in the chat's zone."""
    tg = telegram_standin
    empty = await ask(tg, USER, "/history", user_id=USER)
    assert (empty.plain_text or "").startswith("No alerts in this chat yet")
    await ask(tg, USER, "/subscribe", user_id=USER)
    await ask(tg, USER, "/settings quiet 22:00 07:00 Asia/Tokyo", user_id=USER)
    here, other = Target("telegram", str(USER)), Target("telegram", str(OTHER))
    for i in range(5):
        alert = make_alert(created_at=T0 + dt.timedelta(hours=i), seq=i)
        if i == 2:
            alert = dataclasses.replace(alert, kind=EventKind.TEST, rule="admin-test")
        await store.enqueue_alert(alert, [here, other] if i != 4 else [other])
    for d in await store.claim_due(T0 + dt.timedelta(days=1), 50, "t", dt.timedelta(minutes=1)):
        await store.mark_sent(d.delivery_id, "1", T0)
    sent = await ask(tg, USER, "/history 2", user_id=USER)
    text = sent.plain_text or ""
    assert text.startswith("The last 2 alerts in this chat")
    assert text.count("Severe alert:") == 2  # exactly n
    # newest this chat got is 09:00 UTC (18:00 JST); 08:00 went elsewhere, 07:00 was a test
    assert text.index("Mon 5 Aug 18:00 JST") < text.index("Mon 5 Aug 16:00 JST")
    every = await ask(tg, USER, "/history 10", user_id=USER)
    assert (every.plain_text or "").startswith("All 3 alerts this chat received")
    assert "Test alert" not in (every.plain_text or "")
    bad = await ask(tg, USER, "/history 0", user_id=USER)
    assert "Usage: /history [n]" in (bad.plain_text or "")


async def test_status(telegram_standin: TelegramStandin) -> None:
    """/status lists each watched feed in words and the version; delivery counts only
    for an operator in a private chat."""
    sent = await ask(telegram_standin, USER, "/status", user_id=USER)
    text = sent.plain_text or ""
    assert "JGB 10y/20y/30y/40y: no data yet" in text and "version test" in text
    assert "jgb.40y" not in text and "For operators" not in text
    admin = await ask(telegram_standin, ADMIN, "/status", user_id=ADMIN)
    assert "For operators" in (admin.plain_text or "")


async def test_chatid_in_a_forum_topic(telegram_standin: TelegramStandin) -> None:
    """/chatid in a forum topic shows chat and topic id, and the reply stays in the topic."""
    tg = telegram_standin
    sent = await ask(
        tg, GROUP, "/chatid", user_id=USER, chat_type="supergroup", is_forum=True, thread_id=77
    )
    assert f"Chat id: {GROUP} (supergroup)" in (sent.plain_text or "")
    assert "Topic id: 77" in (sent.plain_text or "")
    assert sent.thread_id == 77
    private = await ask(tg, USER, "/chatid", user_id=USER)
    assert "Topic id: none" in (private.plain_text or "") and private.thread_id is None


async def test_subscribe_private_then_unsubscribe(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """/subscribe in a private chat stores the chat at the given level; /unsubscribe stops it."""
    tg = telegram_standin
    sent = await ask(tg, USER, "/subscribe elevated", user_id=USER)
    assert (sent.plain_text or "").startswith("✅ Subscribed: elevated alerts and above")
    assert sent.reply_markup is not None  # the settings keyboard
    sub = await store.get_subscription(Target("telegram", str(USER)))
    assert sub is not None and sub.active and sub.kind == "private"
    assert sub.min_level.label == "elevated"
    bad = await ask(tg, USER, "/subscribe extreme", user_id=USER)
    assert "unknown level 'extreme'" in (bad.plain_text or "")
    assert "Usage:" in (bad.plain_text or "")
    gone = await ask(tg, USER, "/unsubscribe", user_id=USER)
    assert "Unsubscribed" in (gone.plain_text or "")
    sub = await store.get_subscription(Target("telegram", str(USER)))
    assert sub is not None and not sub.active
    again = await ask(tg, USER, "/unsubscribe", user_id=USER)
    assert again.plain_text == "This chat was not subscribed."


async def test_group_subscribe_needs_a_chat_admin(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """In a group, a member is refused; an admin subscribes the group (default level high)."""
    tg = telegram_standin
    tg.set_admins(GROUP, [ADMIN], creator_id=OTHER)
    refused = await ask(tg, GROUP, "/subscribe", user_id=USER, chat_type="supergroup")
    assert refused.plain_text == "Only this group's admins can change its alerts."
    assert await store.get_subscription(Target("telegram", str(GROUP))) is None
    ok = await ask(tg, GROUP, "/subscribe", user_id=OTHER, chat_type="supergroup")  # creator
    assert (ok.plain_text or "").startswith("✅ Subscribed: high alerts and above")
    sub = await store.get_subscription(Target("telegram", str(GROUP)))
    assert sub is not None and sub.kind == "group"
    refused = await ask(tg, GROUP, "/settings mute 2h", user_id=USER, chat_type="supergroup")
    assert refused.plain_text == "Only this group's admins can change its alerts."
    shown = await ask(tg, GROUP, "/settings", user_id=USER, chat_type="supergroup")
    assert "Minimum level: high" in (shown.plain_text or "")  # anyone may look


async def test_forum_topic_subscriptions_are_separate(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """A subscription made in a forum topic is keyed by (chat, topic)."""
    tg = telegram_standin
    tg.set_admins(GROUP, [USER])
    sent = await ask(
        tg, GROUP, "/subscribe severe", user_id=USER, chat_type="supergroup", is_forum=True,
        thread_id=9,
    )  # fmt: skip
    assert sent.thread_id == 9
    assert await store.get_subscription(Target("telegram", str(GROUP), "9")) is not None
    assert await store.get_subscription(Target("telegram", str(GROUP))) is None


async def test_settings_text_subcommands(telegram_standin: TelegramStandin, store: Store) -> None:
    """/settings level|quiet|mute|mute_rule change the stored subscription; mistakes get usage."""
    tg = telegram_standin
    target = Target("telegram", str(USER))
    not_yet = await ask(tg, USER, "/settings mute 2h", user_id=USER)
    assert "not subscribed yet" in (not_yet.plain_text or "")
    await ask(tg, USER, "/subscribe", user_id=USER)
    await ask(tg, USER, "/settings level severe", user_id=USER)
    quiet = await ask(tg, USER, "/settings quiet 22:00 07:00 Europe/Berlin", user_id=USER)
    # one sentence saying what changed, not the whole block
    assert (quiet.plain_text or "").startswith("✅ Quiet hours set to 22:00–07:00 Europe/Berlin")
    assert "Minimum level" not in (quiet.plain_text or "")
    await ask(tg, USER, "/settings mute 2h", user_id=USER)
    await ask(tg, USER, "/settings mute_rule yen-surge", user_id=USER)
    sub = await store.get_subscription(target)
    assert sub is not None
    assert sub.min_level.label == "severe" and sub.tz == "Europe/Berlin"
    assert sub.mute_until is not None and sub.muted_rules == ("yen-surge",)
    await ask(tg, USER, "/settings unmute_rule yen-surge", user_id=USER)
    await ask(tg, USER, "/settings quiet off", user_id=USER)
    await ask(tg, USER, "/settings unmute", user_id=USER)
    sub = await store.get_subscription(target)
    assert sub is not None and sub.muted_rules == () and sub.quiet_start is None
    assert sub.mute_until is None
    for wrong, expected in [
        ("/settings quiet 25:00 07:00", "expected a time as HH:MM"),
        ("/settings quiet 22:00 07:00 Mars/Olympus", "unknown time zone"),
        ("/settings mute forever", "bad duration"),
        ("/settings mute_rule nope", "unknown rule 'nope'"),
        ("/settings frobnicate", "I can't read /settings frobnicate"),
    ]:
        answer = await ask(tg, USER, wrong, user_id=USER)
        assert expected in (answer.plain_text or ""), wrong
        assert "Usage:" in (answer.plain_text or "")


async def test_unknown_command_gets_one_line(telegram_standin: TelegramStandin) -> None:
    """An unknown command gets one line pointing to /help; another bot's command is ignored."""
    tg = telegram_standin
    tg.inject_message(GROUP, "/weather@some_other_bot", user_id=USER, chat_type="supergroup")
    sent = await ask(tg, USER, "/frobnicate now", user_id=USER)
    assert sent.plain_text == "I don't know /frobnicate. Try /help for the list."
    assert tg.messages_to(GROUP) == []


async def test_operator_commands_refuse_others(telegram_standin: TelegramStandin) -> None:
    """/broadcast, /test_alert, /stats from a non-operator get a polite refusal."""
    tg = telegram_standin
    for command in ("/broadcast hi", "/test_alert", "/stats"):
        sent = await ask(tg, USER, command, user_id=USER)
        assert "is for carrywatch operators only" in (sent.plain_text or ""), command
    sent = await ask(tg, GROUP, "/stats", user_id=USER, chat_type="supergroup")
    assert "/stats is for carrywatch operators only" in (sent.plain_text or "")


async def test_operator_commands(telegram_standin: TelegramStandin, store: Store) -> None:
    """Operators broadcast (text kept verbatim), queue a test alert and read stats."""
    tg = telegram_standin
    nobody = await ask(tg, ADMIN, "/test_alert", user_id=ADMIN)
    assert "no active subscriptions" in (nobody.plain_text or "")
    await ask(tg, USER, "/subscribe", user_id=USER)
    text = "/broadcast Maintenance <tonight> & tomorrow\nsecond line"
    sent = await ask(tg, ADMIN, text, user_id=ADMIN)
    assert "Queued the announcement to 1 chat(s)" in (sent.plain_text or "")
    [event] = await store.recent_alerts(1)
    assert headline(event) == "Maintenance <tonight> & tomorrow\nsecond line"
    empty = await ask(tg, ADMIN, "/broadcast", user_id=ADMIN)
    assert "nothing to broadcast" in (empty.plain_text or "")
    queued = await ask(tg, ADMIN, "/test_alert", user_id=ADMIN)
    assert "Queued a test alert to 1 chat(s)" in (queued.plain_text or "")
    stats = await ask(tg, ADMIN, "/stats", user_id=ADMIN)
    assert "telegram: 1" in (stats.plain_text or "") and "pending: 2" in (stats.plain_text or "")


async def test_adapter_is_constructed_from_settings(
    adapter: TelegramAdapter, service: CommandService
) -> None:
    """Polling is the default mode; the secret token is random per adapter."""
    assert adapter.mode == "polling"
    assert len(adapter.secret_token) >= 40


async def test_blocking_the_bot_deactivates_at_once(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """my_chat_member "kicked" in a private chat (user blocked the bot) deactivates it."""
    tg = telegram_standin
    await ask(tg, USER, "/subscribe", user_id=USER)
    tg.inject_my_chat_member(USER, USER, old_status="member", new_status="kicked")
    target = Target("telegram", str(USER))
    async with asyncio.timeout(10):  # the store has no change event; poll it
        while (sub := await store.get_subscription(target)) is not None and sub.active:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    assert sub is not None and sub.broken_reason == "bot kicked in private chat"


async def test_subscribe_again_keeps_settings_and_says_what_changed(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """A bare /subscribe on an existing subscription keeps level, quiet hours and mutes;
    a level given changes only the level; each answer is one sentence."""
    tg = telegram_standin
    target = Target("telegram", str(USER))
    await ask(tg, USER, "/subscribe elevated", user_id=USER)
    await ask(tg, USER, "/settings quiet 23:00 06:00 Europe/Paris", user_id=USER)
    await ask(tg, USER, "/settings mute_rule yen-surge", user_id=USER)
    again = await ask(tg, USER, "/subscribe", user_id=USER)
    assert (again.plain_text or "").startswith("✅ Already subscribed; nothing changed")
    sub = await store.get_subscription(target)
    assert sub is not None and sub.min_level.label == "elevated"
    assert (sub.quiet_start, sub.tz, sub.muted_rules) == (
        dt.time(23),
        "Europe/Paris",
        ("yen-surge",),
    )
    raised = await ask(tg, USER, "/subscribe severe", user_id=USER)
    assert "now start at severe (was elevated)" in (raised.plain_text or "")
    sub = await store.get_subscription(target)
    assert sub is not None and sub.min_level.label == "severe" and sub.quiet_start == dt.time(23)
    await ask(tg, USER, "/unsubscribe", user_id=USER)
    back = await ask(tg, USER, "/subscribe", user_id=USER)
    assert (back.plain_text or "").startswith("✅ Subscribed again with your earlier settings")
    sub = await store.get_subscription(target)
    assert sub is not None and sub.active and sub.min_level.label == "severe"


async def test_chart_of_a_range_without_data_is_a_clear_message(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """No score yet: one line saying so, no photo (never an empty chart)."""
    sent = await ask(telegram_standin, USER, "/chart 365", user_id=USER)
    assert sent.method == "sendMessage" and "nothing to chart" in (sent.plain_text or "")


async def test_status_says_which_provider_fails_without_raw_errors(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """Three failed Kraken polls in a row and a good Coinbase poll: everyone reads
    "no answer since …, 3 tries"; only an operator, privately, sees the raw error."""
    from bot.commands.feeds import record_poll

    raw = "ClientConnectorError: Cannot connect to host api.kraken.com:443"
    first = dt.datetime(2024, 8, 5, 14, 2, tzinfo=dt.UTC)
    for i in range(3):
        await record_poll(store, "kraken-btc", first + dt.timedelta(minutes=5 * i), raw)
    await record_poll(store, "coinbase", first, None)
    text = (await ask(telegram_standin, USER, "/status", user_id=USER)).plain_text or ""
    btc = next(ln for ln in text.splitlines() if "BTC:" in ln)
    assert "Coinbase: answering" in btc
    assert "Kraken: no answer since 5 Aug 14:02 UTC, 3 tries" in btc
    assert "ClientConnectorError" not in text and "kraken.com" not in text
    group = await ask(telegram_standin, GROUP, "/status", user_id=ADMIN, chat_type="supergroup")
    assert "ClientConnectorError" not in (group.plain_text or "")  # not even an operator's
    private = await ask(telegram_standin, ADMIN, "/status", user_id=ADMIN)
    assert raw in (private.plain_text or "")
    await record_poll(store, "kraken-btc", first + dt.timedelta(hours=1), None)
    healed = (await ask(telegram_standin, USER, "/status", user_id=USER)).plain_text or ""
    assert "Coinbase: answering; Kraken: answering" in healed
