"""What a trader reads in Telegram, on real days: every alert the packaged rules emit
around 5 Aug 2024 (BoJ hike unwind) and 21 Dec 2022 (BoJ widens the yield band),
and /risk fresh and stale on those days — through PTB and the stand-in, which parses
the HTML as Telegram would.

Snapshots and events come from the real history through the engine and the real
alert policy (``tests/bot/realdata.py``); expected numbers are computed here from the
snapshot's own indicators, never copied from a rendering.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.alerts.events import AlertMessage, EventKind
from bot.commands.service import CommandService
from bot.notify.base import Target
from bot.render.common import LEVEL_EMOJI
from bot.settings import TelegramSettings
from bot.store import Store
from bot.telegram import TelegramNotifier
from signals.levels import Level, level_for
from tests.bot.realdata import (
    UNWIND,
    YCC,
    at_close,
    events_around,
    observations_until,
    snapshot_on,
)
from tests.bot.telegram.conftest import RULES, USER
from tests.bot.telegram.helpers import ask, press
from tests.standins.telegram_api import TelegramStandin
from tests.standins.telegram_state import SentMessage

DAYS = (UNWIND, YCC)
PRIVATE = Target("telegram", str(USER))
LONG_DECIMALS = re.compile(r"\d\.\d{3,}")  # "-3.66382%" is not for people
ASCII_MINUS_NUMBER = re.compile(r"(?<![\w/:-])-\d")  # numbers use a real minus sign
SCORE_WITH_LEVEL = re.compile(r"market stress (\d+)/100 \((\w+)\)")


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(store: Store, clock: Clock) -> CommandService:  # overrides conftest's
    return CommandService(store, rules=RULES, version="test", clock=clock)


@pytest.fixture
async def notifier(tg_settings: TelegramSettings) -> AsyncIterator[TelegramNotifier]:
    async with TelegramNotifier.from_settings(tg_settings) as started:
        yield started


def check_readable(text: str) -> None:
    assert not LONG_DECIMALS.search(text), text
    assert not ASCII_MINUS_NUMBER.search(text), text
    assert "points" not in text and "≤" not in text and "≥" not in text


@pytest.mark.parametrize("day", DAYS)
async def test_every_real_alert_reads_in_words_with_consistent_levels(
    day: dt.date,
    history_dir: Path,
    notifier: TelegramNotifier,
    telegram_standin: TelegramStandin,
) -> None:
    """Each event goes out as HTML Telegram accepts (no plain-text fallback), under the
    limit, rounded for people; the badge is the alert's level and the score carries its
    own, matching band; eased alerts are all-clears; low/elevated arrive silently."""
    events = events_around(history_dir, day)
    kinds = {e.kind for e in events}
    assert {EventKind.FIRING, EventKind.RESOLVED, EventKind.REPEAT} <= kinds
    for event in events:
        before = len(telegram_standin.sent)
        await notifier.send(PRIVATE, AlertMessage((event,)), tz="Europe/Berlin")
        sent: SentMessage = telegram_standin.sent[before]
        text = sent.plain_text or ""
        assert sent.parse_mode == "HTML" and len(text) <= 4096
        check_readable(text)
        first = text.splitlines()[0]
        if event.kind is EventKind.RESOLVED:
            assert first.startswith("✅ Eased: ")
            assert not any(first.startswith(m) for m in LEVEL_EMOJI.values())
            assert sent.disable_notification
            if event.started_at is not None:  # how long it lasted, in whole units
                span = event.created_at - event.started_at
                assert (
                    re.search(rf"It lasted {span.days} days?\b", text)
                    if 1 <= span.days < 7
                    else "It lasted" in text
                )
        else:
            assert first.startswith(
                f"{LEVEL_EMOJI[event.level]} {event.level.label.capitalize()} alert"
            )
            assert f"Alert level: {event.level.label}" in text
            assert sent.disable_notification == (event.level < Level.HIGH)
        for score, label in SCORE_WITH_LEVEL.findall(text):
            assert event.score is not None and int(score) == round(event.score)
            assert label == level_for(event.score).label  # the score's own band
        assert text.rstrip().endswith("Send /risk for the full picture.")
    # escalations exist in both windows: the score climbing from elevated to high
    assert EventKind.ESCALATED in kinds


async def test_the_unwind_headlines_say_what_the_yen_did(
    history_dir: Path, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """5 Aug 2024: the severe yen rule fired; its headline names the yen's move in
    five days, rounded to one decimal from the event's own value."""
    events = events_around(history_dir, UNWIND)
    squeeze = next(e for e in events if e.rule == "yen-squeeze" and e.kind is EventKind.FIRING)
    assert squeeze.value is not None
    await notifier.send(PRIVATE, AlertMessage((squeeze,)))
    text = telegram_standin.sent[-1].plain_text or ""
    move = f"{abs(squeeze.value):.1f} %"
    assert f"The yen jumped {move} against the dollar in five days" in text
    assert "carry trades are being unwound" in text
    assert f"USD/JPY 5-day change: −{move} (alert line −5.0 %)" in text


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.usefixtures("adapter")
async def test_risk_fresh_short_answer_then_details_button(
    day: dt.date,
    history_dir: Path,
    store: Store,
    clock: Clock,
    telegram_standin: TelegramStandin,
) -> None:
    """/risk the evening of the day: at most 600 characters, the level's colour, the
    score rounded, the strongest component named in words, the data's age in words;
    the Details button edits in one line per component."""
    snap = snapshot_on(history_dir, day)
    assert snap.score is not None
    await store.upsert_observations(observations_until(history_dir, day))
    await store.save_evaluation(snap, at_close(day))
    clock.now = at_close(day) + dt.timedelta(hours=2)
    tg = telegram_standin
    short = await ask(tg, USER, "/risk", user_id=USER)
    text = short.plain_text or ""
    assert len(text) <= 600
    check_readable(text)
    assert text.startswith(f"{LEVEL_EMOJI[snap.level]} Carry-unwind stress: {snap.score:.0f}/100")
    assert f"— {snap.level.label}" in text.splitlines()[0]
    chg = snap.indicators["usdjpy.chg_5d_pct"]
    assert f"the yen rose {abs(chg):.1f} % against the dollar in five days" in text
    assert f"As of {day:%a} {day.day} {day:%b}" in text
    [[button]] = (short.reply_markup or {})["inline_keyboard"]
    assert button["text"] == "Details"
    await press(tg, USER, USER, button["callback_data"], short.message_id)
    edit = await tg.wait_for(lambda s: s.method == "editMessageText")
    detail = edit.plain_text or ""
    for comp in snap.components:
        assert comp.label in detail
    check_readable(detail)
    # the super-long JGB line names one tenor only: never several tenors in one line
    superlong = next(ln for ln in detail.splitlines() if ln.startswith("• JGB super-long"))
    reading = detail.splitlines()[detail.splitlines().index(superlong) + 1]
    assert len(re.findall(r"\d+-year", reading)) == 1


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.usefixtures("adapter")
async def test_risk_on_stale_data_says_so_first_and_is_not_green(
    day: dt.date,
    history_dir: Path,
    store: Store,
    clock: Clock,
    telegram_standin: TelegramStandin,
) -> None:
    """Three weeks later with no new data: the headline says the data is out of date,
    no level colour leads it, and the old score is given as history with its date."""
    snap = snapshot_on(history_dir, day)
    assert snap.score is not None
    await store.save_evaluation(snap, at_close(day))
    clock.now = at_close(day) + dt.timedelta(days=21)
    sent = await ask(telegram_standin, USER, "/risk", user_id=USER)
    text = sent.plain_text or ""
    assert len(text) <= 600
    assert text.startswith("⚪ Data is out of date")
    assert not any(text.startswith(m) for m in LEVEL_EMOJI.values())
    assert f"{snap.score:.0f}/100 ({snap.level.label})" in text
    assert "21 days old" in text or "22 days old" in text
