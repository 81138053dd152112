"""Fixtures: the real PTB adapter long-polling the Telegram stand-in, over a real Store.

Nothing here is mocked: the command service reads and writes a SQLite file in
tmp_path, and every reply travels through python-telegram-bot's HTTP client to
the stand-in on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.alerts.events import AlertEvent, EventKind
from bot.commands.service import CommandService
from bot.settings import TelegramSettings
from bot.store import Store
from bot.telegram import TelegramAdapter
from signals.levels import Level
from signals.snapshot import ComponentScore, Snapshot
from tests.standins.telegram_api import TelegramStandin

T0 = dt.datetime(2024, 8, 5, 6, 0, tzinfo=dt.UTC)
ADMIN = 42
USER = 5001
OTHER = 5002
GROUP = -1001234567890
RULES = ("yen-surge", "jgb-40y-high", "btc-drawdown")


def make_snapshot(as_of: dt.date = dt.date(2024, 8, 5), score: float = 81.5) -> Snapshot:
    comp = ComponentScore(
        name="yen",
        label="Yen strength",
        score=score,
        weight=1.0,
        base_weight=0.3,
        available=True,
        stale=False,
        values={"usdjpy": 142.3, "usdjpy.chg_5d_pct": -7.4},
        data_date=as_of,
        reason="USD/JPY fell 7.4% in 5 days <fast>",
    )
    return Snapshot(as_of=as_of, score=score, level=Level.SEVERE, components=(comp,))


def make_alert(
    rule: str = "yen-surge", level: Level = Level.SEVERE, created_at: dt.datetime = T0, seq: int = 0
) -> AlertEvent:
    return AlertEvent(
        rule=rule,
        kind=EventKind.FIRING,
        level=level,
        indicator="usdjpy.chg_5d_pct",
        operator="<=",
        description="The yen strengthened fast as carry trades unwound.",
        as_of=created_at.date(),
        created_at=created_at,
        value=-7.4,
        threshold=-3.0,
        score=81.5,
        episode=f"{rule}:{created_at.date()}",
        seq=seq,
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'carrywatch.db'}") as started:
        yield started


@pytest.fixture
def service(store: Store) -> CommandService:
    return CommandService(store, rules=RULES, version="test")


@pytest.fixture
def tg_settings(telegram_standin: TelegramStandin) -> TelegramSettings:
    return TelegramSettings(
        token=SecretStr(telegram_standin.token),
        api_url=telegram_standin.api_root,
        admins=[ADMIN],
    )


@pytest.fixture
async def adapter(
    tg_settings: TelegramSettings, service: CommandService, store: Store
) -> AsyncIterator[TelegramAdapter]:
    bot = TelegramAdapter(tg_settings, service, store)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
