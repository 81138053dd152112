"""The Discord client starts without discord.py's voice warnings (PyNaCl, davey).

carrywatch joins no voice channel; discord.py would otherwise log "PyNaCl is
not installed, voice will NOT be supported" on every start.
"""

from __future__ import annotations

import logging

import discord
import pytest

from bot.commands.service import CommandService
from bot.discord.channels import AlertChannels
from bot.discord.client import CarrywatchClient
from bot.store.store import Store


async def test_creating_the_client_logs_no_voice_warning(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    service: CommandService,
    store: Store,
) -> None:
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)  # as on a fresh start
    if hasattr(discord.VoiceClient, "warn_dave"):
        monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    with caplog.at_level(logging.DEBUG, logger="discord"):
        client = CarrywatchClient(AlertChannels(service, store))
    try:
        voice = [r.getMessage() for r in caplog.records if "voice" in r.getMessage()]
        assert voice == []
        assert discord.VoiceClient.warn_nacl is False
    finally:
        await client.close()


async def test_plain_discord_client_would_warn(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: without the switch discord.py does warn here."""
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    with caplog.at_level(logging.DEBUG, logger="discord"):
        client = discord.Client(intents=discord.Intents.none())
    try:
        assert any("PyNaCl is not installed" in r.getMessage() for r in caplog.records)
    finally:
        await client.close()
