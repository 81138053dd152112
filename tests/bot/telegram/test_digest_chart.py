"""The weekly digest's chart on Telegram: real outbox, dispatcher, TelegramNotifier (PTB)
and stand-in, from real stored March 2026 scores.

Pins down: the digest arrives as one ``sendPhoto`` whose caption is the digest text and
whose photo is the PNG of that week's stored scores (the outbox row holds the spec, and
redrawing it gives the very bytes that were uploaded); a chart that cannot be drawn sends
the text alone, logged; a 429 on sendPhoto is retried by the dispatcher and delivered
once; the chat's quiet hours hold it and it then says so (not "delayed"); a text past
the 1,024-character caption goes first, the chart after it as a reply.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.alerts.attachments import DIGEST_SCORE, Attachment, ChartSpec, Image
from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.digest import DIGEST_RULE
from bot.digest.chart import DigestCharts, week_data
from bot.digest.job import DigestJob
from bot.dispatch.dispatcher import Dispatcher
from bot.notify.base import Delivered, Target
from bot.settings import TelegramSettings
from bot.store import Store
from bot.store.digests import DigestPrefs, Digests
from bot.store.models import AlertModel
from bot.telegram import TelegramNotifier
from signals.levels import Level
from tests.bot.digest.realweek import RealWeeks, png_size, real_weeks, store_weeks
from tests.bot.telegram.conftest import USER
from tests.standins.telegram_api import TelegramStandin

FIRST, LAST = dt.date(2026, 3, 23), dt.date(2026, 3, 29)
DUE = dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC)  # Mon 08:00 CEST
SPEC = ChartSpec(DIGEST_SCORE, FIRST, LAST, "Europe/Berlin", DUE)
OWNER = Target("telegram", str(USER))


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class BrokenCharts:
    """A renderer whose drawing fails, as matplotlib might on a bad day."""

    async def render(self, spec: ChartSpec, language: str) -> Image:
        raise RuntimeError("the drawing failed")


@pytest.fixture(scope="module")
def weeks(history_dir: Path) -> RealWeeks:
    return real_weeks(history_dir, FIRST - dt.timedelta(days=7), LAST)


@pytest.fixture
async def loaded(store: Store, weeks: RealWeeks) -> Store:
    await store_weeks(store, weeks)
    await Digests(store).put(DigestPrefs(OWNER, True, 0, 8, "Europe/Berlin"), DUE)
    return store


@pytest.fixture
async def notifier(telegram_standin: TelegramStandin) -> AsyncIterator[TelegramNotifier]:
    tg = telegram_standin
    settings = TelegramSettings(token=SecretStr(tg.token), api_url=tg.api_root)
    async with TelegramNotifier.from_settings(settings) as started:
        yield started


async def test_digest_arrives_as_a_photo_of_its_week_with_the_text_as_caption(
    loaded: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin, weeks: RealWeeks
) -> None:
    clock = Clock(DUE)
    assert await DigestJob(loaded, clock).run_once() == [OWNER]
    async with loaded.transaction() as s:
        stored = await s.scalar(select(AlertModel.attachment).where(AlertModel.rule == DIGEST_RULE))
    assert stored == SPEC.to_json()  # the spec, not pixels, sits in the outbox
    assert await Dispatcher(loaded, {"telegram": notifier}, clock=clock).run_once() == 1

    [photo] = telegram_standin.messages_to(USER)
    assert photo.method == "sendPhoto" and photo.parse_mode == "HTML"
    caption = photo.plain_text or ""
    assert caption.splitlines()[0] == "📣 Weekly digest"
    assert "Week 23 Mar – 29 Mar 2026" in caption and "Stress score" in caption
    assert photo.photo is not None and photo.photo_bytes == len(photo.photo)
    assert png_size(photo.photo) == (780, 342) and 15_000 < len(photo.photo) < 200_000
    assert photo.photo_filename == "carrywatch-digest-20260323-20260329.png"
    data = await week_data(loaded, SPEC)  # what the chart was drawn from
    assert [(p.day, p.score) for p in data.daily] == weeks.scores(FIRST, LAST)
    assert [p.day for p in data.daily] == [FIRST + dt.timedelta(days=n) for n in range(7)]
    redrawn = await DigestCharts(loaded).render(SPEC, "en")
    assert redrawn.png == photo.photo  # the uploaded picture is exactly that week's chart


async def test_a_chart_that_cannot_be_drawn_sends_the_text(
    loaded: Store,
    notifier: TelegramNotifier,
    telegram_standin: TelegramStandin,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock(DUE)
    await DigestJob(loaded, clock).run_once()
    dispatcher = Dispatcher(loaded, {"telegram": notifier}, clock=clock, charts=BrokenCharts())
    with caplog.at_level(logging.ERROR, logger="bot.notify.images"):
        assert await dispatcher.run_once() == 1
    [text] = telegram_standin.messages_to(USER)
    assert text.method == "sendMessage" and "Week 23 Mar – 29 Mar 2026" in (text.text or "")
    assert "digest-score chart 2026-03-23–2026-03-29 not drawn; text only" in caplog.text
    assert "the drawing failed" in caplog.text


async def test_a_week_without_stored_scores_sends_the_text(
    store: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    """Nothing scored that week (the bot was down): no chart to draw, the text says so."""
    await Digests(store).put(DigestPrefs(OWNER, True, 0, 8, "Europe/Berlin"), DUE)
    clock = Clock(DUE)
    await DigestJob(store, clock).run_once()
    assert await Dispatcher(store, {"telegram": notifier}, clock=clock).run_once() == 1
    [text] = telegram_standin.messages_to(USER)
    assert text.method == "sendMessage"
    assert "No stress score this week" in (text.plain_text or "")


async def test_429_on_send_photo_is_retried_and_delivered_once(
    loaded: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    tg = telegram_standin
    clock = Clock(DUE)
    await DigestJob(loaded, clock).run_once()
    tg.fail_next(USER, 429, retry_after=7)
    dispatcher = Dispatcher(loaded, {"telegram": notifier}, clock=clock)
    assert await dispatcher.run_once() == 1
    assert tg.messages_to(USER) == []
    assert [(r.method, r.error_code, r.retry_after) for r in tg.rejected] == [("sendPhoto", 429, 7)]
    assert await dispatcher.run_once() == 0  # retry_after is respected
    clock.now = DUE + dt.timedelta(minutes=10)
    assert await dispatcher.run_once() == 1
    clock.now = DUE + dt.timedelta(hours=2)
    assert await dispatcher.run_once() == 0
    [photo] = tg.messages_to(USER)
    assert photo.method == "sendPhoto" and png_size(photo.photo or b"") == (780, 342)
    assert (await loaded.delivery_stats())["sent"] == 1


async def test_quiet_hours_hold_the_digest_until_they_end(
    loaded: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    await loaded.upsert_subscription(OWNER, "private")
    await loaded.update_subscription(
        OWNER, quiet_start=dt.time(22), quiet_end=dt.time(9), tz="Europe/Berlin"
    )
    clock = Clock(DUE)  # 08:00 CEST, inside 22:00–09:00
    assert await DigestJob(loaded, clock).run_once() == [OWNER]
    dispatcher = Dispatcher(loaded, {"telegram": notifier}, clock=clock)
    assert await dispatcher.run_once() == 0
    assert (await loaded.delivery_stats())["held"] == 1
    clock.now = dt.datetime(2026, 3, 30, 6, 59, tzinfo=dt.UTC)  # 08:59 CEST
    assert await dispatcher.run_once() == 0
    clock.now = dt.datetime(2026, 3, 30, 7, 1, tzinfo=dt.UTC)  # 09:01 CEST
    assert await dispatcher.run_once() == 1
    [photo] = telegram_standin.messages_to(USER)
    caption = photo.plain_text or ""
    assert photo.method == "sendPhoto"
    assert caption.startswith("🌙 Held during your quiet hours (22:00–09:00)")
    assert "Delayed" not in caption and "Week 23 Mar – 29 Mar 2026" in caption


async def test_text_past_the_caption_limit_goes_first_then_the_chart(
    loaded: Store, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    note = "\n".join(f"Line {n}: " + "yen carry unwind " * 4 for n in range(20))
    assert len(note) > 1024
    event = AlertEvent(
        rule=DIGEST_RULE,
        kind=EventKind.BROADCAST,
        level=Level.LOW,
        as_of=dt.date(2026, 3, 30),
        created_at=DUE,
        note=note,
        description="Weekly digest",
    )
    message = AlertMessage((event,), attachment=Attachment(SPEC, DigestCharts(loaded)))
    result = await notifier.send(OWNER, message)
    text, photo = telegram_standin.messages_to(USER)
    assert (text.method, photo.method) == ("sendMessage", "sendPhoto")
    assert "Line 19:" in (text.plain_text or "")  # nothing of the text is lost
    assert photo.reply_to_message_id == text.message_id
    assert photo.plain_text == "Stress score this week: Mar 23\u2009–\u200929, 2026"
    assert result == Delivered(str(text.message_id))
