"""TelegramNotifier: HTML rendering, limits, fallbacks and failure classification.

Uses the real PTB Bot against the stand-in; faults are the stand-in's own
(``fail_next``, ``block``, ``migrate``), so PTB raises what it would raise
against Telegram.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.notify.base import Delivered, Permanent, RetryAfter, Target
from bot.settings import TelegramSettings
from bot.telegram import TelegramNotifier
from signals.levels import Level
from tests.bot.telegram.conftest import GROUP, T0, USER
from tests.standins.telegram_api import TelegramStandin

PRIVATE = Target("telegram", str(USER))


def event(**changes: object) -> AlertEvent:
    fields: dict[str, object] = {
        "id": 1,
        "rule": "jgb-40y-high",
        "kind": EventKind.FIRING,
        "level": Level.HIGH,
        "headline": "40y JGB 3.720% ≥ 3.700%",
        "cause": "Long JGB yields < 4% & rising fast.",
        "as_of": dt.date(2025, 11, 20),
        "created_at": T0,
        "value": 3.72,
        "threshold": 3.7,
        "unit": "%",
        "score": 61.0,
    }
    fields.update(changes)
    return AlertEvent(**fields)  # type: ignore[arg-type]


@pytest.fixture
async def notifier(tg_settings: TelegramSettings) -> AsyncIterator[TelegramNotifier]:
    async with TelegramNotifier.from_settings(tg_settings) as started:
        yield started


async def test_renders_one_html_message(
    notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """Marker, headline, numbers with units, cause, time; < and & escaped; delay noted."""
    message = AlertMessage((event(),), delayed_by=dt.timedelta(minutes=12))
    result = await notifier.send(PRIVATE, message)
    [sent] = telegram_standin.sent
    assert result == Delivered(str(sent.message_id))
    # a rule this bot no longer knows: its stored words, escaped once
    assert sent.parse_mode == "HTML" and "&lt; 4% &amp; rising" in (sent.text or "")
    text = sent.plain_text or ""
    assert text.startswith("⏱ Delayed by 12 min (delivery problem)\n\n🟠 High alert: ")
    assert "Alert level: high · market stress 61/100 (high)" in text
    assert "rule jgb-40y-high" in text and text.endswith("Send /risk for the full picture.")
    assert not sent.disable_notification  # a high alert rings


async def test_reader_time_zone_and_topic(
    notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """``tz=`` shows the reader's zone; ``Target.thread_id`` becomes message_thread_id."""
    target = Target("telegram", str(GROUP), "77")
    await notifier.send(target, AlertMessage((event(),)), tz="Europe/Berlin")
    [sent] = telegram_standin.sent
    assert sent.thread_id == 77
    assert "Mon 5 Aug 08:00 CEST" in (sent.plain_text or "")


async def test_several_events_and_the_4096_limit(
    notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """Many long events in one message are cut to fit 4096 visible characters, tags intact."""
    long_cause = "Yen & JGB <stress> " * 40
    events = tuple(event(id=n, cause=long_cause, level=Level(n % 4)) for n in range(20))
    result = await notifier.send(PRIVATE, AlertMessage(events))
    assert isinstance(result, Delivered)
    [sent] = telegram_standin.sent
    assert sent.parse_mode == "HTML"  # the stand-in parsed it: no tag was cut
    assert len(sent.plain_text or "") <= 4096
    assert (sent.plain_text or "").endswith("/history shows every alert)")
    assert (sent.plain_text or "").startswith("🔴 Severe alert")  # the highest level first


async def test_broadcast_text_is_escaped(
    notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """An operator's text with <, > and & arrives verbatim."""
    text = "Maintenance <tonight> & <b>tomorrow</b>"
    msg = AlertMessage((event(kind=EventKind.BROADCAST, level=Level.LOW, headline=text,
                              cause="Message from the operators."),))  # fmt: skip
    await notifier.send(PRIVATE, msg)
    [sent] = telegram_standin.sent
    assert sent.plain_text == f"📣 Message from the carrywatch operators\n{text}"
    assert sent.disable_notification  # operator messages never ring


async def test_parse_error_falls_back_to_plain_text(
    notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """Telegram refusing the markup gets the same words once more without parse_mode."""
    tg = telegram_standin
    tg.fail_next(USER, 400, description="Bad Request: can't parse entities: unexpected end tag")
    result = await notifier.send(PRIVATE, AlertMessage((event(),)))
    assert isinstance(result, Delivered)
    [sent] = tg.sent
    assert sent.parse_mode is None and sent.text == sent.plain_text
    assert (sent.plain_text or "").startswith("🟠 High alert")


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"error_code": 429, "retry_after": 7}, RetryAfter(7.0, "429")),
        ({"error_code": 500}, RetryAfter(5.0, "5xx")),
        ({"error_code": 502}, RetryAfter(5.0, "5xx")),
        (
            {"error_code": 400, "description": "Bad Request: chat not found"},
            Permanent("400", deactivate=True),
        ),
        (
            {"error_code": 400, "description": "Bad Request: message thread not found"},
            Permanent("400", deactivate=True),  # the topic is gone (its subscription only)
        ),
        (
            {"error_code": 403, "description": "Forbidden: bot was kicked from the group chat"},
            Permanent("403", deactivate=True),
        ),
    ],
)
async def test_classification(
    notifier: TelegramNotifier,
    telegram_standin: TelegramStandin,
    fault: dict[str, object],
    expected: RetryAfter | Permanent,
) -> None:
    """Each Telegram failure maps to the dispatcher outcome; one attempt, nothing retried here."""
    telegram_standin.fail_next(USER, **fault)  # type: ignore[arg-type]
    result = await notifier.send(PRIVATE, AlertMessage((event(),)))
    assert type(result) is type(expected)
    if isinstance(expected, RetryAfter):
        assert isinstance(result, RetryAfter) and result.seconds == expected.seconds
    else:
        assert isinstance(result, Permanent) and result.deactivate == expected.deactivate
        assert result.reason.startswith(expected.reason) and result.migrate_to is None
    assert telegram_standin.sent == []
    assert len(telegram_standin.rejected) == 1


async def test_blocked_and_migrated(
    notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """A user who blocked the bot deactivates; a migrated group names its new id."""
    tg = telegram_standin
    tg.block(USER)
    blocked = await notifier.send(PRIVATE, AlertMessage((event(),)))
    assert blocked == Permanent("403: Forbidden: bot was blocked by the user", deactivate=True)
    old, new = -4001, -1004001
    tg.migrate(old, new)
    moved = await notifier.send(Target("telegram", str(old)), AlertMessage((event(),)))
    assert isinstance(moved, Permanent) and moved.migrate_to == str(new)
    assert not moved.deactivate


async def test_channel_by_username(
    notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """``@channelname`` targets work as given (channels configured by name)."""
    tg = telegram_standin
    tg.add_chat(-1009999, "channel", title="carrywatch alerts", username="carrywatch_alerts")
    result = await notifier.send(Target("telegram", "@carrywatch_alerts"), AlertMessage((event(),)))
    assert isinstance(result, Delivered)
    assert tg.messages_to(-1009999)
