"""Telegram adapter benchmark; prints ONE JSON line.

1. ``/risk`` latency, update injected -> reply recorded by the stand-in, through
   the real PTB Application (the shared pacer for replies) and a real SQLite
   Store: p50/p99 one question at a time and with 200 chats asking at once
   (a new chat each round: one chat's replies are paced 1/s by design).
2. Broadcast to 5,000 private chats through the real dispatcher and
   TelegramNotifier with the shared SendPacer, the STRICT stand-in enforcing
   Telegram's limits at ``time_scale`` (allowed rate = 30/s / time_scale) and
   answering 429 to some chats: achieved rate as a share of the allowed rate,
   the stand-in's flood 429s, lost and duplicated messages. The share is taken
   from the first stand-in arrival to the last arrival of a chat that was never
   refused: the window in which a send was possible (after it only chats held
   by their ``retry_after`` are left); the first-to-last-arrival share is
   printed too.
3. Baseline: the same kind of broadcast at real scale (600 chats, 30/s) sent
   through PTB's AIORateLimiter (which pauses *every* send after one 429)
   versus per-chat scheduling; the ratio of their achieved rates.

Run: ``.venv/bin/python bench/bench_telegram.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr
from telegram import Bot
from telegram.error import RetryAfter as PTBRetryAfter
from telegram.ext import AIORateLimiter, ExtBot

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.commands.service import CommandService
from bot.dispatch.dispatcher import DispatchConfig, Dispatcher
from bot.dispatch.limits import Limiter, PlatformLimits
from bot.dispatch.pacing import SendPacer
from bot.notify.base import RetryAfter, SendResult, Target
from bot.settings import TelegramSettings
from bot.store import Store
from bot.telegram import TelegramAdapter, TelegramNotifier
from signals.levels import Level
from signals.snapshot import ComponentScore, Snapshot
from tests.standins.telegram_api import TelegramStandin
from tests.standins.telegram_limits import LimitConfig

BROADCAST_CHATS = int(os.environ.get("BENCH_BROADCAST_CHATS", "5000"))
ONLY_BROADCAST = os.environ.get("BENCH_ONLY_BROADCAST") == "1"  # part 2 alone
TIME_SCALE = float(os.environ.get("BENCH_TIME_SCALE", "0.6"))  # 0.6: 50 msg/s allowed; 1: real
INJECTED_429 = 100
BASELINE_CHATS = 600
BASELINE_429 = 5


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def settings_for(tg: TelegramStandin) -> TelegramSettings:
    return TelegramSettings(token=SecretStr(tg.token), api_url=tg.api_root)


def snapshot() -> Snapshot:
    comp = ComponentScore(
        "yen", "Yen strength", 81.5, 1.0, 0.3, True, False,
        {"usdjpy": 142.3, "usdjpy.chg_5d_pct": -7.4}, dt.date(2024, 8, 5), "USD/JPY fell 7.4%",
    )  # fmt: skip
    return Snapshot(dt.date(2024, 8, 5), 81.5, Level.SEVERE, (comp,))


async def risk_latency(
    store: Store, chats: int, rounds: int, limiter: AIORateLimiter | None = None
) -> list[float]:
    latencies: list[float] = []
    async with TelegramStandin() as tg:
        service = CommandService(store, version="bench")
        adapter = TelegramAdapter(settings_for(tg), service, rate_limiter=limiter)
        await adapter.start()
        try:
            for r in range(rounds):
                before = len(tg.sent)
                asked: dict[int, float] = {}
                for n in range(chats):
                    # a new chat each round: replies to one chat are paced 1/s (Telegram's
                    # per-chat limit), which would measure the pacing, not the latency
                    chat = 10_000 + r * chats + n
                    asked[chat] = time.monotonic()
                    tg.inject_message(chat, "/risk", user_id=chat)
                await tg.wait_for_sent(before + chats, timeout=120)
                latencies += [s.at - asked[s.chat_id] for s in tg.sent[before:]]
        finally:
            await adapter.stop()
    return latencies


async def risk_latency_paced(
    store: Store, chats: int, per_second: float, requests: int
) -> list[float]:
    """200 chats asking /risk at a sustained total rate under Telegram's 30 msg/s
    (Poisson arrivals): the latency a user sees when the bot is busy but not
    flooded. A simultaneous burst from every chat is bounded by the cap instead."""
    latencies: list[float] = []
    rng = random.Random(3)
    async with TelegramStandin() as tg:
        service = CommandService(store, version="bench")
        adapter = TelegramAdapter(settings_for(tg), service)
        await adapter.start()
        try:
            asked: dict[int, float] = {}
            for _ in range(requests):
                chat = 20_000 + rng.randrange(chats)
                while chat in asked:  # one question per chat in flight
                    chat = 20_000 + rng.randrange(chats)
                asked[chat] = time.monotonic()
                tg.inject_message(chat, "/risk", user_id=chat)
                await asyncio.sleep(rng.expovariate(per_second))
                for sent in tg.sent[len(latencies) :]:
                    latencies.append(sent.at - asked.pop(sent.chat_id))
            await tg.wait_for_sent(requests, timeout=120)
            for sent in tg.sent[len(latencies) :]:
                latencies.append(sent.at - asked.pop(sent.chat_id))
        finally:
            await adapter.stop()
    return latencies


class ScaledNotifier:
    """Telegram says retry_after in Telegram seconds; at time_scale that is fewer real ones."""

    def __init__(self, inner: TelegramNotifier, scale: float) -> None:
        self._inner, self._scale = inner, scale
        self.pacer = inner.pacer  # the dispatcher defers to the notifier's shared pacing

    @property
    def platform(self) -> str:
        return self._inner.platform

    async def send(self, target: Target, message: AlertMessage) -> SendResult:
        result = await self._inner.send(target, message)
        if isinstance(result, RetryAfter):
            return RetryAfter(result.seconds * self._scale, result.reason)
        return result


async def broadcast(store: Store) -> dict[str, Any]:
    limits = LimitConfig.strict_mode(TIME_SCALE)
    allowed = limits.global_per_second / TIME_SCALE
    chats = [100_000 + n for n in range(BROADCAST_CHATS)]
    now = dt.datetime.now(dt.UTC)
    alert = AlertEvent(
        "bench", EventKind.BROADCAST, Level.LOW, now.date(), now, episode=now.isoformat(),
        note="Benchmark broadcast", description="bench",
    )  # fmt: skip
    await store.enqueue_alert(alert, [Target("telegram", str(c)) for c in chats])
    async with TelegramStandin(limits=limits) as tg:
        for chat in random.Random(7).sample(chats, INJECTED_429):
            tg.fail_next(chat, 429, retry_after=5)
        pacing = PlatformLimits(per_second=allowed, chat_interval=TIME_SCALE, group_per_minute=20)
        pacer = SendPacer(pacing, window=TIME_SCALE, group_window=60.0 * TIME_SCALE)
        async with TelegramNotifier.from_settings(
            settings_for(tg), pool_size=128, pacer=pacer, retry_scale=TIME_SCALE
        ) as notifier:
            dispatcher = Dispatcher(
                store,
                {"telegram": ScaledNotifier(notifier, TIME_SCALE)},  # type: ignore[dict-item]
                # a claim no bigger than ~5 s of sending: rows that would wait past the
                # dispatcher's max_inline_wait are requeued, and their slots wasted
                config=DispatchConfig(batch=int(allowed * 5), concurrency=128),
            )
            stop = asyncio.Event()
            runner = asyncio.create_task(dispatcher.run(stop, poll_seconds=0.02))
            started = time.monotonic()
            try:
                await tg.wait_for_sent(BROADCAST_CHATS, timeout=600)
            finally:
                stop.set()
                await runner
            elapsed = time.monotonic() - started
        counts = Counter(s.chat_id for s in tg.sent)
        flood = tg.limits.rejected if tg.limits else 0
        by_limit = dict(tg.limits.rejected_by_limit) if tg.limits else {}
        span = tg.sent[-1].at - tg.sent[0].at
        # the window in which sends were possible: first stand-in arrival to the last
        # arrival of a chat that was never refused; after it only chats still held by
        # their retry_after remain, and nothing may be sent to them (not the pacer's loss)
        refused = {r.chat_id for r in tg.rejected}
        busy_end = max(s.at for s in tg.sent if s.chat_id not in refused)
        busy = sum(1 for s in tg.sent if s.at <= busy_end)
        busy_span = busy_end - tg.sent[0].at
    return {
        "chats": BROADCAST_CHATS,
        "time_scale": TIME_SCALE,
        "allowed_rate_per_s": allowed,
        "achieved_rate_per_s": round((busy - 1) / busy_span, 1),
        "share_of_allowed": round((busy - 1) / busy_span / allowed, 4),
        "share_window": "first arrival to last arrival of a never-refused chat",
        "share_of_allowed_first_to_last_arrival": round((BROADCAST_CHATS - 1) / span / allowed, 4),
        "held_tail_seconds": round(tg.sent[-1].at - busy_end, 2),
        "wall_seconds": round(elapsed, 2),
        "injected_429": INJECTED_429,
        "flood_429_from_standin": flood,
        "flood_429_by_limit": by_limit,
        "lost": sum(1 for c in chats if counts[c] == 0),
        "duplicated": sum(1 for c in chats if counts[c] > 1),
    }


async def baseline_aioratelimiter() -> dict[str, Any]:
    """PTB's limiter: a 429 pauses everything for retry_after; per-chat: only that chat."""
    chats = [200_000 + n for n in range(BASELINE_CHATS)]
    faulty = random.Random(11).sample(chats[: BASELINE_CHATS // 2], BASELINE_429)
    text = "Benchmark broadcast"

    async with TelegramStandin(limits=LimitConfig()) as tg:
        for chat in faulty:
            tg.fail_next(chat, 429, retry_after=1)
        bot: ExtBot[None] = ExtBot(
            tg.token, base_url=tg.base_url, rate_limiter=AIORateLimiter(max_retries=5)
        )
        async with bot:
            started = time.monotonic()

            async def one(chat: int) -> None:
                with contextlib.suppress(PTBRetryAfter):  # gave up after max_retries
                    await bot.send_message(chat, text)

            await asyncio.gather(*(one(c) for c in chats))
            aio_seconds = time.monotonic() - started
        aio_delivered = len({s.chat_id for s in tg.sent})
        aio_flood = tg.limits.rejected - BASELINE_429 if tg.limits else 0

    async with TelegramStandin(limits=LimitConfig()) as tg:
        for chat in faulty:
            tg.fail_next(chat, 429, retry_after=1)
        plain = Bot(tg.token, base_url=tg.base_url)
        async with plain:
            limiter = Limiter()
            retry: list[int] = []
            started = time.monotonic()

            async def paced(chat: int) -> None:
                target = Target("telegram", str(chat))
                while True:
                    await asyncio.sleep(limiter.reserve(target)[0])
                    try:
                        await plain.send_message(chat, text)
                        return
                    except PTBRetryAfter as exc:
                        retry.append(chat)
                        limiter.penalise(target, exc.retry_after.total_seconds())  # type: ignore[union-attr]

            await asyncio.gather(*(paced(c) for c in chats))
            chat_seconds = time.monotonic() - started
        chat_delivered = len({s.chat_id for s in tg.sent})
    aio_rate, chat_rate = aio_delivered / aio_seconds, chat_delivered / chat_seconds
    return {
        "chats": BASELINE_CHATS,
        "injected_429": BASELINE_429,
        "aioratelimiter_rate_per_s": round(aio_rate, 2),
        "aioratelimiter_delivered": aio_delivered,
        "aioratelimiter_flood_429": aio_flood,
        "per_chat_rate_per_s": round(chat_rate, 2),
        "per_chat_delivered": chat_delivered,
        "baseline_ratio": round(aio_rate / chat_rate, 4),
    }


async def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        async with Store(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}") as store:
            await store.save_evaluation(snapshot(), dt.datetime.now(dt.UTC))
            if ONLY_BROADCAST:
                return {"bench": "telegram", "broadcast": await broadcast(store)}
            one = await risk_latency(store, 1, 100)
            many = await risk_latency(store, 200, 5)
            uncapped = await risk_latency(
                store, 200, 5, AIORateLimiter(overall_max_rate=0, max_retries=1)
            )
            paced = await risk_latency_paced(store, 200, 20.0, 600)
            result: dict[str, Any] = {
                "bench": "telegram",
                "risk_latency_ms": {
                    "1_chat": {"p50": pct(one, 0.5), "p99": pct(one, 0.99), "n": len(one)},
                    "200_chats": {"p50": pct(many, 0.5), "p99": pct(many, 0.99), "n": len(many)},
                    "200_chats_no_overall_cap": {
                        "p50": pct(uncapped, 0.5),
                        "p99": pct(uncapped, 0.99),
                        "n": len(uncapped),
                    },
                    "200_chats_sustained_20_per_s": {
                        "p50": pct(paced, 0.5),
                        "p99": pct(paced, 0.99),
                        "n": len(paced),
                    },
                    "target_p99_ms_at_200": 50,
                },
                "broadcast": await broadcast(store),
            }
    result["aioratelimiter_vs_per_chat"] = await baseline_aioratelimiter()
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
