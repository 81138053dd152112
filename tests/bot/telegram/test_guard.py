"""Misuse through the real PTB adapter: huge arguments and a user flooding /chart.

Pins down: a 5,000-character argument gets one short line (never the argument
echoed, never the generic error) and changes nothing; one user's 12 × /chart
3650 in a group renders at most the guard's three charts and says "try again"
once, while another user's command still gets its answer.
"""

from __future__ import annotations

from bot.notify.base import Target
from bot.store import Store
from bot.telegram import TelegramAdapter
from tests.bot.telegram.conftest import GROUP, OTHER, T0, USER, make_snapshot
from tests.bot.telegram.helpers import ask
from tests.standins.telegram_api import TelegramStandin


async def test_five_thousand_characters_get_one_line(
    telegram_standin: TelegramStandin, adapter: TelegramAdapter, store: Store
) -> None:
    tg = telegram_standin
    await store.save_evaluation(make_snapshot(), T0)
    for command in (
        "/subscribe " + "x" * 5000,
        "/chart " + "9" * 5000,
        "/settings mute " + "1" * 5000,
    ):
        answer = await ask(tg, USER, command, user_id=USER)
        text = answer.plain_text or ""
        assert "\n" not in text and len(text) < 120, text
        assert "too long" in text and "Sorry" not in text
    assert await store.get_subscription(Target("telegram", str(USER))) is None


async def test_one_user_flooding_charts_in_a_group_gets_three_and_one_notice(
    telegram_standin: TelegramStandin, adapter: TelegramAdapter, store: Store
) -> None:
    tg = telegram_standin
    await store.save_evaluation(make_snapshot(), T0)
    for _ in range(12):
        tg.inject_message(GROUP, "/chart 3650", user_id=USER, chat_type="supergroup", title="g")
    await tg.wait_for_sent(4, timeout=60)
    other = await ask(tg, OTHER, "/risk", user_id=OTHER)
    assert "Sorry" not in (other.plain_text or "")
    to_group = tg.messages_to(GROUP)
    photos = [s for s in to_group if s.method == "sendPhoto"]
    notices = [s for s in to_group if s.method == "sendMessage"]
    assert len(photos) == 3
    assert len(notices) == 1 and "Try again in" in (notices[0].plain_text or "")
