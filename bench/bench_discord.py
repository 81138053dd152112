"""Discord adapter benchmark; prints ONE JSON line.

1. ``/risk`` latency: INTERACTION_CREATE injected by the stand-in -> the type-4
   callback recorded, through real discord.py (gateway, CommandTree, REST), the
   command service and a real SQLite Store holding a real scored snapshot;
   p50/p99 over sequential interactions (and, for attribution, the command
   service's own ``risk()`` time on the same store). Baseline: a bare REST round trip
   to the same stand-in (``GET /users/@me`` via aiohttp), the floor any
   answer pays.
2. Alert fan-out to 1,000 guild channels (one per guild) through the real
   dispatcher and DiscordNotifier, the stand-in enforcing per-channel buckets,
   answering 429 to 5% of channels and a global 429 burst mid-run: lost and
   duplicated messages (both must be 0) and elapsed time.

Run: ``.venv/bin/python bench/bench_discord.py`` (history from
``CARRYWATCH_HISTORY_DIR`` or ../shared/data).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from bot.alerts.events import AlertEvent, EventKind
from bot.commands.service import CommandService
from bot.discord import DiscordAdapter
from bot.dispatch.dispatcher import DispatchConfig, Dispatcher
from bot.history.loader import load_history_panel
from bot.notify.base import Target
from bot.settings import Settings
from bot.store import Store
from signals.engine import score_history
from signals.levels import Level
from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_client import point_discord_at
from tests.standins.discord_objects import simple_guild
from tests.standins.discord_ratelimit import MESSAGE_ROUTE

TOKEN = "bench-token"
RISK_ROUNDS = 500
WARMUP = 10  # first interactions: discord.py and SQLAlchemy caches warm up
BASELINE_ROUNDS = 300
FANOUT_GUILDS = 1000
INJECTED_429_SHARE = 0.05
GUILD0 = 1_300_000_000_000_000_000
OWNER = 1_399_999_999_999_999_999
REPO = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def history_dir() -> Path:
    raw = os.environ.get("CARRYWATCH_HISTORY_DIR")
    return Path(raw) if raw else REPO.parent / "shared" / "data"


async def seed(store: Store) -> None:
    """The engine's real score for 5 Aug 2024, computed from the history files."""
    panel = load_history_panel(history_dir(), start=dt.date(2022, 1, 1), end=dt.date(2024, 8, 5))
    scored = score_history(panel)
    await store.save_evaluation(scored.snapshot(len(scored) - 1), dt.datetime.now(dt.UTC))


def settings(dc: DiscordStandin, dev_guild: int) -> Settings:
    return Settings(discord={"token": TOKEN, "api_url": dc.api_url, "dev_guild": dev_guild})


async def risk_latency(store: Store) -> dict[str, Any]:
    guild, channel = GUILD0, GUILD0 + 1
    async with DiscordStandin(token=TOKEN, guilds=[simple_guild(guild, [channel], OWNER)]) as dc:
        with point_discord_at(dc.api_url):
            adapter = DiscordAdapter(
                settings(dc, guild), CommandService(store, version="bench"), store,
                guild_ready_timeout=0.05,
            )  # fmt: skip
            await adapter.start()
            try:
                latencies: list[float] = []
                for _ in range(WARMUP + RISK_ROUNDS):
                    asked = time.perf_counter()
                    handle = await dc.inject_interaction(guild, channel, OWNER, "risk")
                    await dc.wait_for(lambda h=handle: dc.callback_for(h))  # type: ignore[misc]
                    latencies.append(time.perf_counter() - asked)
                answered = sum(1 for c in dc.callbacks if c.type == 4 and c.embeds) - WARMUP
                latencies = latencies[WARMUP:]
                service: list[float] = []
                svc = CommandService(store, version="bench")
                for _ in range(RISK_ROUNDS):
                    started = time.perf_counter()
                    await svc.risk()
                    service.append(time.perf_counter() - started)
            finally:
                await adapter.stop()
            baseline: list[float] = []
            async with aiohttp.ClientSession() as http:
                headers = {"Authorization": f"Bot {TOKEN}"}
                for _ in range(BASELINE_ROUNDS):
                    started = time.perf_counter()
                    async with http.get(dc.api_url + "/users/@me", headers=headers) as resp:
                        await resp.read()
                    baseline.append(time.perf_counter() - started)
    return {
        "interactions": RISK_ROUNDS,
        "answered_with_embed": answered,
        "p50_ms": pct(latencies, 0.5),
        "p99_ms": pct(latencies, 0.99),
        "target_p99_ms": 50,
        "of_which_command_service_p50_ms": pct(service, 0.5),
        "of_which_command_service_p99_ms": pct(service, 0.99),
        "baseline_rest_round_trip_p50_ms": pct(baseline, 0.5),
        "baseline_rest_round_trip_p99_ms": pct(baseline, 0.99),
    }


async def fanout(store: Store) -> dict[str, Any]:
    guilds = [GUILD0 + 10 * (n + 1) for n in range(FANOUT_GUILDS)]
    channels = [g + 1 for g in guilds]
    specs = [simple_guild(g, [g + 1], OWNER) for g in guilds]
    now = dt.datetime.now(dt.UTC)
    alert = AlertEvent(
        "bench-fanout", EventKind.FIRING, Level.SEVERE, now.date(), now, episode=now.isoformat(),
        indicator="usdjpy.chg_5d_pct", operator="<=", value=-7.9, threshold=-3.0,
        description="The yen is surging as carry trades unwind.",
    )  # fmt: skip
    targets = [Target("discord", str(c)) for c in channels]
    for target, guild in zip(targets, guilds, strict=True):
        await store.upsert_subscription(target, "guild", guild_id=str(guild))
    await store.enqueue_alert(alert, targets)
    faulty = random.Random(5).sample(channels, int(FANOUT_GUILDS * INJECTED_429_SHARE))
    async with DiscordStandin(token=TOKEN, guilds=specs, time_scale=0.1) as dc:
        with point_discord_at(dc.api_url):
            adapter = DiscordAdapter(
                settings(dc, guilds[0]), CommandService(store, version="bench"), store,
                guild_ready_timeout=0.05, ready_timeout=120,
            )  # fmt: skip
            await adapter.start()
            for channel in faulty:
                dc.fail_next(channel, retry_after=0.5)
            # concurrency >= batch: Dispatcher._deliver sleeps its reserved wait only
            # after taking a semaphore slot, so with fewer slots the queueing time adds
            # to the wait and fan-out drops far below the 50/s the limiter allows.
            dispatcher = Dispatcher(
                store,
                {"discord": adapter.notifier},
                config=DispatchConfig(batch=500, concurrency=500),
            )
            stop = asyncio.Event()
            started = time.monotonic()
            runner = asyncio.create_task(dispatcher.run(stop, poll_seconds=0.02))
            try:
                await dc.wait_for(lambda: len(dc.channel_messages) >= FANOUT_GUILDS // 2, 300)
                dc.set_global_rate_limit(0.3)  # a global 429 burst halfway through
                await asyncio.sleep(0.3)
                dc.set_global_rate_limit(None)
                await dc.wait_for(lambda: len(dc.channel_messages) >= FANOUT_GUILDS, 300)
                elapsed = time.monotonic() - started
                await asyncio.sleep(1.0)  # anything sent twice would land now
            finally:
                stop.set()
                await runner
                await adapter.stop()
        counts = Counter(m.channel_id for m in dc.channel_messages)
        return {
            "channels": FANOUT_GUILDS,
            "elapsed_s": round(elapsed, 2),
            "rate_per_s": round(FANOUT_GUILDS / elapsed, 1),
            "injected_429_channels": len(faulty),
            "http_429_seen": dc.count(MESSAGE_ROUTE, 429),
            "lost": sum(1 for c in channels if counts[c] == 0),
            "duplicated": sum(1 for c in channels if counts[c] > 1),
            "pending_after": await store.pending_count(),
        }


async def main() -> None:
    logging.basicConfig(level=logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        async with Store(f"sqlite+aiosqlite:///{Path(tmp) / 'risk.db'}") as store:
            await seed(store)
            risk = await risk_latency(store)
        async with Store(f"sqlite+aiosqlite:///{Path(tmp) / 'fanout.db'}") as store:
            fan = await fanout(store)
    print(json.dumps({"bench": "discord", "risk": risk, "fanout": fan}))


if __name__ == "__main__":
    asyncio.run(main())
