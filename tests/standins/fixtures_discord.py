"""Pytest fixtures for the Discord stand-in.

Enable with `pytest_plugins = ["tests.standins.fixtures_discord"]` in tests/conftest.py
(or import the fixtures into a conftest). `discord_standin` yields a running stand-in
with fast heartbeats and 10x-fast rate-limit windows, with discord.py already
pointed at it; both are undone afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .discord_api import DiscordStandin
from .discord_client import point_discord_at
from .discord_objects import GuildSpec, simple_guild

GUILD_ID = 1_100_000_000_000_000_001
CHANNEL_ID = 1_100_000_000_000_000_002
OTHER_CHANNEL_ID = 1_100_000_000_000_000_004
OWNER_ID = 1_100_000_000_000_000_003
BOT_TOKEN = "standin-bot-token"


@pytest.fixture
def discord_guilds() -> list[GuildSpec]:
    """Override to give the stand-in other guilds."""
    return [simple_guild(GUILD_ID, [CHANNEL_ID, OTHER_CHANNEL_ID], OWNER_ID)]


@pytest.fixture
async def discord_standin(discord_guilds: list[GuildSpec]) -> AsyncIterator[DiscordStandin]:
    async with DiscordStandin(
        token=BOT_TOKEN, guilds=discord_guilds, heartbeat_interval_ms=1000, time_scale=0.1
    ) as dc:
        with point_discord_at(dc.api_url, dc.gateway_url):
            yield dc
        assert dc.internal_errors == [], "the Discord stand-in itself failed"
