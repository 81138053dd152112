"""The weekly digest's chart is drawn in the delivery chat's language (the notifier sets
it around the render), through the real outbox, dispatcher, PTB and stand-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.alerts.attachments import ChartSpec, Image
from bot.digest.chart import DigestCharts
from bot.digest.job import DigestJob
from bot.dispatch.dispatcher import Dispatcher
from bot.settings import TelegramSettings
from bot.store import Store
from bot.store.chat_settings import ChatSettings
from bot.store.digests import DigestPrefs, Digests
from bot.telegram import TelegramNotifier
from tests.bot.digest.realweek import real_weeks, store_weeks
from tests.bot.telegram.conftest import USER
from tests.bot.telegram.test_digest_chart import DUE, FIRST, LAST, OWNER, SPEC, Clock
from tests.standins.telegram_api import TelegramStandin


class Drawn(DigestCharts):
    """The real renderer, remembering which language each chart was asked in."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.languages: list[str] = []

    async def render(self, spec: ChartSpec, language: str) -> Image:
        self.languages.append(language)
        return await super().render(spec, language)


@pytest.fixture
async def notifier(telegram_standin: TelegramStandin) -> AsyncIterator[TelegramNotifier]:
    tg = telegram_standin
    settings = TelegramSettings(token=SecretStr(tg.token), api_url=tg.api_root)
    async with TelegramNotifier.from_settings(settings) as started:
        yield started


async def test_the_digest_chart_is_drawn_in_the_chats_language(
    store: Store, history_dir: Path, notifier: TelegramNotifier, telegram_standin: TelegramStandin
) -> None:
    await store_weeks(store, real_weeks(history_dir, FIRST - dt.timedelta(days=7), LAST))
    await Digests(store).put(DigestPrefs(OWNER, True, 0, 8, "Europe/Berlin"), DUE)
    await ChatSettings(store).set_language("telegram", str(USER), "ja", DUE)
    clock = Clock(DUE)
    assert await DigestJob(store, clock).run_once() == [OWNER]
    charts = Drawn(store)
    assert await Dispatcher(store, {"telegram": notifier}, clock=clock, charts=charts).run_once()
    assert charts.languages == ["ja"]
    [photo] = telegram_standin.messages_to(USER)
    assert photo.photo == (await DigestCharts(store).render(SPEC, "ja")).png
