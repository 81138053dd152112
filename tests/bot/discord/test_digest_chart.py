"""The weekly digest's chart on Discord (discord.py 2, stand-in): one channel message, the
PNG uploaded as ``files[0]`` beside ``payload_json`` and shown as the embed's image.

Pins down, from the real scores of the week of the August 2024 unwind: the embed's image
is ``attachment://<the uploaded file>``, the file is the PNG of that week's stored scores
(redrawing the spec gives the same bytes), the embed still carries the digest text; a
chart that cannot be drawn sends the embed alone, without an attachment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.alerts.attachments import DIGEST_SCORE, ChartSpec, Image
from bot.digest.chart import DigestCharts, week_data
from bot.digest.job import DigestJob
from bot.discord import DiscordAdapter
from bot.dispatch.dispatcher import Dispatcher
from bot.notify.base import Target
from bot.store.digests import DigestPrefs, Digests
from bot.store.store import Store
from tests.bot.digest.realweek import RealWeeks, png_size, real_weeks, store_weeks
from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_records import RecordedMessage
from tests.standins.fixtures_discord import CHANNEL_ID, GUILD_ID

FIRST, LAST = dt.date(2024, 8, 2), dt.date(2024, 8, 8)
DUE = dt.datetime(2024, 8, 9, 9, 0, tzinfo=dt.UTC)  # Fri 18:00 JST
SPEC = ChartSpec(DIGEST_SCORE, FIRST, LAST, "Asia/Tokyo", DUE)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class BrokenCharts:
    async def render(self, spec: ChartSpec, language: str) -> Image:
        raise RuntimeError("the drawing failed")


@pytest.fixture(scope="module")
def weeks(history_dir: Path) -> RealWeeks:
    return real_weeks(history_dir, FIRST - dt.timedelta(days=7), LAST)


@pytest.fixture
async def store(tmp_path: Path, weeks: RealWeeks) -> AsyncIterator[Store]:
    """Overrides the package's store: the unwind weeks, scored as the live bot stores them."""
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'carrywatch.db'}") as st:
        await store_weeks(st, weeks)
        await st.meta_set(f"discord.alert_channel.{GUILD_ID}", str(CHANNEL_ID))
        owner = Target("discord", f"guild:{GUILD_ID}")
        await Digests(st).put(DigestPrefs(owner, True, 4, 18, "Asia/Tokyo"), DUE)
        yield st


async def _digest(
    store: Store, adapter: DiscordAdapter, dc: DiscordStandin, **kwargs: object
) -> RecordedMessage:
    clock = Clock(DUE)
    assert await DigestJob(store, clock).run_once() == [Target("discord", str(CHANNEL_ID))]
    before = len(dc.channel_messages)
    dispatcher = Dispatcher(store, {"discord": adapter.notifier}, clock=clock, **kwargs)  # type: ignore[arg-type]
    assert await dispatcher.run_once() == 1
    [posted] = dc.channel_messages[before:]
    return posted


async def test_digest_is_an_embed_with_its_weeks_chart(
    store: Store, adapter: DiscordAdapter, discord_standin: DiscordStandin, weeks: RealWeeks
) -> None:
    posted = await _digest(store, adapter, discord_standin)
    assert posted.channel_id == CHANNEL_ID
    [embed] = posted.embeds
    [file] = posted.attachments
    assert file.filename == "carrywatch-digest-20240802-20240808.png"
    assert embed["image"]["url"] == f"attachment://{file.filename}"
    assert "Week 02 Aug – 08 Aug 2024" in embed["description"]
    assert png_size(file.data) == (780, 342) and 15_000 < file.size < 200_000
    data = await week_data(store, SPEC)
    assert [(p.day, p.score) for p in data.daily] == weeks.scores(FIRST, LAST)
    assert [p.day for p in data.daily] == [FIRST + dt.timedelta(days=n) for n in range(7)]
    assert max(p.score for p in data.daily) >= 50  # the unwind: the path climbs into "high"
    assert (await DigestCharts(store).render(SPEC, "en")).png == file.data


async def test_a_chart_that_cannot_be_drawn_sends_the_embed_alone(
    store: Store, adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    posted = await _digest(store, adapter, discord_standin, charts=BrokenCharts())
    [embed] = posted.embeds
    assert posted.attachments == [] and "image" not in embed
    assert "Week 02 Aug – 08 Aug 2024" in embed["description"]
