"""Bursts of users and a live broadcast against the STRICT Telegram stand-in; ONE JSON line.

The stand-in enforces Telegram's limits exactly (30 msg/s in any rolling
second with no burst allowance, 1/s per private chat, 20/min per group) and
answers 429 with ``retry_after`` (``LimitConfig.strict_mode``).

1. ``command_burst``: ``BURST_USERS`` private chats send /subscribe at once
   through the real PTB adapter and a real SQLite Store. Answers that are the
   real "✅ Subscribed" reply, errors ("Sorry ..."), missing, and the makespan
   (first message in -> last answer out) as a multiple of the physical limit
   N / 30 s. Baseline in the same run: PTB's ``AIORateLimiter(max_retries=1)``,
   the limiter this replaced.
2. ``live_broadcast``: ``carrywatch run``'s Runtime with ``BROADCAST_CHATS``
   subscribed chats; an operator sends /test_alert; the achieved rate of the
   alert sends as a share of the allowed 30/s, the stand-in's 429s, lost and
   duplicated deliveries.

Run: ``.venv/bin/python bench/bench_burst.py`` (about 2.5 minutes).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.commands.service import CommandService
from bot.notify.base import Target
from bot.runtime.app import Runtime
from bot.settings import Settings, TelegramSettings
from bot.store import Store
from bot.telegram import TelegramAdapter
from signals.levels import Level
from signals.snapshot import ComponentScore, Snapshot
from tests.standins.telegram_api import TelegramStandin

BURST_USERS = int(os.environ.get("BENCH_BURST_USERS", "900"))
BROADCAST_CHATS = int(os.environ.get("BENCH_BROADCAST_CHATS", "900"))
ADMIN = 42
LIMIT_PER_S = 30.0


def snapshot() -> Snapshot:
    comp = ComponentScore(
        "yen", "Yen strength", 81.5, 1.0, 0.3, True, False,
        {"usdjpy": 142.3, "usdjpy.chg_5d_pct": -7.4}, dt.date(2024, 8, 5), "USD/JPY fell 7.4%",
    )  # fmt: skip
    return Snapshot(dt.date(2024, 8, 5), 81.5, Level.SEVERE, (comp,))


async def burst(tmp: Path, limiter: BaseRateLimiter[Any] | None, label: str) -> dict[str, Any]:
    users = [300_000 + n for n in range(BURST_USERS)]
    async with (
        Store(f"sqlite+aiosqlite:///{tmp / f'burst-{label}.db'}") as store,
        TelegramStandin(strict_limits=True) as tg,
    ):
        await store.save_evaluation(snapshot(), dt.datetime.now(dt.UTC))
        settings = TelegramSettings(token=SecretStr(tg.token), api_url=tg.api_root)
        adapter = TelegramAdapter(settings, CommandService(store), store, rate_limiter=limiter)
        await adapter.start()
        try:
            started = time.monotonic()
            for chat in users:
                tg.inject_message(chat, "/subscribe", user_id=chat)
            # the last answer, or 120 s of silence: some replies may never come (baseline)
            seen, quiet_since = 0, time.monotonic()
            while len({s.chat_id for s in tg.sent}) < len(users):
                await asyncio.sleep(0.25)
                if len(tg.sent) != seen:
                    seen, quiet_since = len(tg.sent), time.monotonic()
                elif time.monotonic() - quiet_since > 20:
                    break
        finally:
            await adapter.stop()
        texts: dict[int, list[str]] = {}
        for s in tg.sent:
            texts.setdefault(s.chat_id, []).append(s.plain_text or "")
        ok = sum(1 for c in users if any(t.startswith("✅ Subscribed") for t in texts.get(c, [])))
        errors = sum(1 for c in users if any("Sorry" in t for t in texts.get(c, [])))
        missing = sum(1 for c in users if c not in texts)
        last = max((s.at for s in tg.sent), default=started)
        makespan = last - started
        flood = tg.limits.rejected_by_limit if tg.limits else Counter()
        physical = BURST_USERS / LIMIT_PER_S
    return {
        "users": BURST_USERS,
        "answers_ok": ok,
        "errors": errors,
        "no_answer": missing,
        "makespan_s": round(makespan, 2),
        "makespan_vs_limit": round(makespan / physical, 3),
        "flood_429": dict(flood),
    }


async def live_broadcast(tmp: Path) -> dict[str, Any]:
    chats = [400_000 + n for n in range(BROADCAST_CHATS)]
    async with TelegramStandin(strict_limits=True) as tg:
        settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp / 'live.db'}")
        settings.telegram = TelegramSettings(
            token=SecretStr(tg.token), api_url=tg.api_root, admins=[ADMIN]
        )
        settings.alerts.console = False
        runtime = Runtime(settings, poll=False)
        await runtime.start()
        try:
            for chat in chats:
                await runtime.store.upsert_subscription(
                    Target("telegram", str(chat)), "private", min_level=Level.LOW
                )
            tg.inject_message(ADMIN, "/test_alert", user_id=ADMIN)
            started = time.monotonic()
            while len({s.chat_id for s in tg.sent} & set(chats)) < len(chats):
                await asyncio.sleep(0.25)
                if time.monotonic() - started > 300:
                    break
            await asyncio.sleep(2.0)  # any duplicate would show up now
        finally:
            await runtime.stop()
        alerts = [s for s in tg.sent if s.chat_id in set(chats)]
        counts = Counter(s.chat_id for s in alerts)
        times = sorted(s.at for s in alerts)
        span = times[-1] - times[0] if len(times) > 1 else float("nan")
        rate = (len(times) - 1) / span if len(times) > 1 else 0.0
        flood = tg.limits.rejected_by_limit if tg.limits else Counter()
    return {
        "chats": BROADCAST_CHATS,
        "allowed_rate_per_s": LIMIT_PER_S,
        "achieved_rate_per_s": round(rate, 2),
        "share_of_allowed": round(rate / LIMIT_PER_S, 4),
        "flood_429": sum(flood.values()),
        "flood_429_by_limit": dict(flood),
        "lost": sum(1 for c in chats if counts[c] == 0),
        "duplicated": sum(1 for c in chats if counts[c] > 1),
    }


async def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        paced = await burst(Path(tmp), None, "paced")
        baseline = await burst(Path(tmp), AIORateLimiter(max_retries=1), "aio")
        live = await live_broadcast(Path(tmp))
    return {
        "bench": "burst",
        "strict_standin": "30/s rolling, 1/s per chat, 20/min per group",
        "command_burst": paced,
        "command_burst_baseline_aioratelimiter": baseline,
        "makespan_ratio_vs_baseline": round(paced["makespan_s"] / baseline["makespan_s"], 3),
        "live_broadcast": live,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
