"""pytest fixtures for the Telegram Bot API stand-in.

Load with ``pytest_plugins = ["tests.standins.fixtures_telegram"]`` in the root
``tests/conftest.py`` (or in a test module), then ask for ``telegram_standin``
(and ``ptb_builder`` for a PTB ApplicationBuilder already pointed at it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.ext import ApplicationBuilder

from tests.standins.telegram_api import TelegramStandin


@pytest.fixture
async def telegram_standin() -> AsyncIterator[TelegramStandin]:
    """A started stand-in on 127.0.0.1 with default token, no limits; stopped afterwards."""
    async with TelegramStandin() as tg:
        yield tg


@pytest.fixture
def ptb_builder(telegram_standin: TelegramStandin) -> ApplicationBuilder:  # type: ignore[type-arg]
    """A python-telegram-bot ApplicationBuilder pointed at ``telegram_standin``."""
    tg = telegram_standin
    return (
        ApplicationBuilder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url)
    )
