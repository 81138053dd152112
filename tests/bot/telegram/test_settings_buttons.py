"""The /settings inline keyboard: a press changes the subscription and edits the message.

Button presses are injected as real callback queries; only chat admins may
press in groups, and every press is answered (no spinning button).
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.notify.base import Target
from bot.store import Store
from tests.bot.telegram.conftest import ADMIN, GROUP, USER
from tests.bot.telegram.helpers import ask, press
from tests.standins.telegram_api import TelegramStandin

pytestmark = pytest.mark.usefixtures("adapter")


def buttons(markup: object) -> list[str]:
    assert isinstance(markup, dict)
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


async def test_buttons_change_level_quiet_and_mute(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """Level, quiet-hours preset, mute 8h and unmute buttons each update the store."""
    tg = telegram_standin
    await ask(tg, USER, "/subscribe", user_id=USER)
    shown = await ask(tg, USER, "/settings", user_id=USER)
    data = buttons(shown.reply_markup)
    assert {"cw:level:severe", "cw:quiet:22:00-07:00", "cw:mute:8h", "cw:unmute"} <= set(data)
    target = Target("telegram", str(USER))

    await press(tg, USER, USER, "cw:level:severe", shown.message_id)
    edit = await tg.wait_for(lambda s: s.method == "editMessageText")
    assert "Minimum level: severe" in (edit.plain_text or "")
    assert "✓ severe" in str(edit.reply_markup)

    await press(tg, USER, USER, "cw:quiet:22:00-07:00", shown.message_id)
    await press(tg, USER, USER, "cw:mute:8h", shown.message_id)
    sub = await store.get_subscription(target)
    assert sub is not None and sub.min_level.label == "severe"
    assert sub.quiet_start == dt.time(22, 0) and sub.quiet_end == dt.time(7, 0)
    assert sub.mute_until is not None

    await press(tg, USER, USER, "cw:unmute", shown.message_id)
    sub = await store.get_subscription(target)
    assert sub is not None and sub.mute_until is None
    # each press is answered with what it changed, in one sentence
    said = [a.text or "" for a in tg.callback_answers]
    assert said[0].startswith("Alerts here now start at severe (was high)")
    assert said[1].startswith("Quiet hours set to 22:00–07:00 UTC")
    assert said[2].startswith("Muted until ") and "severe alerts still come through" in said[2]
    assert said[3].startswith("Unmuted")


async def test_pressing_the_active_button_again_is_harmless(
    telegram_standin: TelegramStandin,
) -> None:
    """Re-pressing the current level ("message is not modified") is answered, not an error."""
    tg = telegram_standin
    await ask(tg, USER, "/subscribe high", user_id=USER)
    shown = await ask(tg, USER, "/settings", user_id=USER)
    await press(tg, USER, USER, "cw:level:high", shown.message_id)
    assert (tg.callback_answers[-1].text or "").startswith("Nothing changed")
    assert not [s for s in tg.sent if s.method == "editMessageText"]


async def test_group_buttons_only_for_admins(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """A member's press is refused with an alert; an admin's press is applied."""
    tg = telegram_standin
    tg.set_admins(GROUP, [ADMIN])
    await ask(tg, GROUP, "/subscribe", user_id=ADMIN, chat_type="supergroup")
    shown = await ask(tg, GROUP, "/settings", user_id=USER, chat_type="supergroup")
    await press(tg, GROUP, USER, "cw:level:low", shown.message_id)
    refusal = tg.callback_answers[-1]
    assert refusal.show_alert and "Only this group's admins" in (refusal.text or "")
    sub = await store.get_subscription(Target("telegram", str(GROUP)))
    assert sub is not None and sub.min_level.label == "high"
    await press(tg, GROUP, ADMIN, "cw:level:low", shown.message_id)
    sub = await store.get_subscription(Target("telegram", str(GROUP)))
    assert sub is not None and sub.min_level.label == "low"


async def test_button_after_unsubscribe_explains(telegram_standin: TelegramStandin) -> None:
    """A press on an old keyboard after /unsubscribe answers why nothing changed."""
    tg = telegram_standin
    await ask(tg, USER, "/subscribe", user_id=USER)
    shown = await ask(tg, USER, "/settings", user_id=USER)
    await ask(tg, USER, "/unsubscribe", user_id=USER)
    await press(tg, USER, USER, "cw:mute:1h", shown.message_id)
    answer = tg.callback_answers[-1]
    assert answer.show_alert and "not subscribed" in (answer.text or "")
