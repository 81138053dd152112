"""Shared fixtures: the provider stand-in and a real HttpFetcher with tiny timeouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sources.http import HttpFetcher, RetryPolicy
from tests.standins.providers import ProviderStandin

UTC = dt.UTC


@pytest.fixture
async def standin(api_samples: Path, history_dir: Path) -> AsyncIterator[ProviderStandin]:
    async with ProviderStandin(api_samples.parent, history_dir, drip_interval=0.02) as p:
        yield p


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
async def http(sleeps: list[float]) -> AsyncIterator[HttpFetcher]:
    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)  # backoff is recorded, not slept: the suite stays fast

    fetcher = HttpFetcher(
        timeout=0.3,
        retry=RetryPolicy(attempts=3, backoff_initial=0.5, backoff_max=5.0, max_retry_after=60),
        sleep=record_sleep,
    )
    async with fetcher:
        yield fetcher
