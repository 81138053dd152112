"""Fixtures for the Discord adapter: a real Store holding real scored history, and the
real adapter (discord.py 2) connected to the Discord stand-in on 127.0.0.1.

The store is a temp SQLite file with one snapshot per market day from May to
5 Aug 2024 (the BoJ-hike unwind), scored by the real engine from the real
history files, plus the chart series' observations, so /risk, /chart and
/status answer from the same data the product would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from bot.commands.service import CHART_SERIES, CommandService
from bot.discord import DiscordAdapter
from bot.history.loader import load_history_panel
from bot.rules.load import load_rules
from bot.settings import Settings
from bot.store.store import Store
from signals.engine import score_history
from signals.observation import Observation
from signals.snapshot import Snapshot
from tests.standins.discord_api import DiscordStandin
from tests.standins.fixtures_discord import BOT_TOKEN, GUILD_ID

FIRST_DAY = dt.date(2024, 5, 1)
LAST_DAY = dt.date(2024, 8, 5)


@dataclass(frozen=True)
class History:
    snapshots: list[Snapshot]
    observations: list[Observation]


@pytest.fixture(scope="session")
def history(history_dir: Path) -> History:
    panel = load_history_panel(history_dir, start=dt.date(2022, 1, 1), end=LAST_DAY)
    scored = score_history(panel)
    snaps = [
        scored.snapshot(i) for i in range(len(scored)) if FIRST_DAY <= scored.date(i) <= LAST_DAY
    ]
    window = panel.loc[pd.Timestamp(FIRST_DAY - dt.timedelta(days=120)) :]
    obs = [
        Observation(name, ts.date(), float(value), "history")
        for name in CHART_SERIES
        for ts, value in window[name].dropna().items()
    ]
    return History(snaps, obs)


@pytest.fixture
async def store(tmp_path: Path, history: History) -> AsyncIterator[Store]:
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'carrywatch.db'}") as st:
        await st.upsert_observations(history.observations)
        now = dt.datetime.now(dt.UTC)
        last = len(history.snapshots) - 1
        for i, snap in enumerate(history.snapshots):
            await st.save_evaluation(snap, now - dt.timedelta(minutes=5, days=last - i))
        yield st


@pytest.fixture
def rule_names() -> list[str]:
    return [r.name for r in load_rules()]


@pytest.fixture
def service_clock() -> Callable[[], dt.datetime]:
    """The service's clock: real time (so the 2024 data is stale) unless a test module
    overrides this fixture."""
    return lambda: dt.datetime.now(dt.UTC)


@pytest.fixture
def service(
    store: Store, rule_names: list[str], service_clock: Callable[[], dt.datetime]
) -> CommandService:
    return CommandService(store, rules=rule_names, version="0.1.0-test", clock=service_clock)


def discord_settings(dc: DiscordStandin, *, dev_guild: int | None = GUILD_ID) -> Settings:
    return Settings(
        discord={"token": BOT_TOKEN, "api_url": dc.api_url, "dev_guild": dev_guild},
    )


@pytest.fixture
async def adapter(
    discord_standin: DiscordStandin, service: CommandService, store: Store
) -> AsyncIterator[DiscordAdapter]:
    bot = DiscordAdapter(
        discord_settings(discord_standin),
        service,
        store,
        ready_timeout=10,
        send_timeout=5,
        guild_ready_timeout=0.05,
    )
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
