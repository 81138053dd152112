"""The dispatcher against a real store: grouping, retries per chat, permanent failures,
migrations, quiet-hours holds, delayed marking, and nothing sent twice."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.dispatch.dispatcher import DispatchConfig, Dispatcher
from bot.dispatch.limits import Limiter, PlatformLimits
from bot.notify.base import Delivered, Permanent, RetryAfter, SendResult, Target
from bot.store.records import PlannedDelivery
from bot.store.store import Store
from signals.levels import Level

T0 = dt.datetime(2024, 8, 5, 12, tzinfo=dt.UTC)
A, B = Target("telegram", "100"), Target("telegram", "200")
FAST = {"telegram": PlatformLimits(per_second=10_000, chat_interval=0.0)}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


class Scripted:
    """A unit-test notifier: answers from a per-chat script, records what it got."""

    platform = "telegram"

    def __init__(self) -> None:
        self.script: dict[str, list[SendResult | Exception]] = {}
        self.got: list[tuple[Target, AlertMessage]] = []

    async def send(self, target: Target, message: AlertMessage) -> SendResult:
        self.got.append((target, message))
        plan = self.script.get(target.chat_id)
        if plan:
            result = plan.pop(0)
            if isinstance(result, Exception):
                raise result
            return result
        return Delivered(str(len(self.got)))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    clock = Clock()
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", clock=clock) as s:
        yield s


def alert(rule: str, level: Level = Level.HIGH, at: dt.datetime = T0) -> AlertEvent:
    return AlertEvent(
        rule,
        EventKind.FIRING,
        level,
        at.date(),
        at,
        episode=f"{rule}#1",
        note=f"{rule} crossed",
        description="cause",
    )


def dispatcher(store: Store, notifier: Scripted, clock: Clock, **cfg: object) -> Dispatcher:
    return Dispatcher(
        store, {"telegram": notifier}, config=DispatchConfig(**cfg),  # type: ignore[arg-type]
        limiter=Limiter(FAST, clock=lambda: clock.now.timestamp()), clock=clock,
    )  # fmt: skip


async def test_one_message_per_chat_and_never_twice(store: Store) -> None:
    for rule in ("yen-surge", "btc-drawdown"):
        await store.enqueue_alert(alert(rule), [A, B])
    notifier, clock = Scripted(), Clock()
    d = dispatcher(store, notifier, clock)
    assert await d.run_once() == 4
    assert sorted(t.chat_id for t, _ in notifier.got) == ["100", "200"]
    assert all(len(m.events) == 2 for _, m in notifier.got)
    clock.now += dt.timedelta(hours=1)
    assert await d.run_once() == 0
    assert (await store.delivery_stats()).get("sent") == 4


async def test_retry_after_delays_only_that_chat(store: Store) -> None:
    await store.enqueue_alert(alert("yen-surge"), [A, B])
    notifier, clock = Scripted(), Clock()
    notifier.script["100"] = [RetryAfter(30, "429 Too Many Requests")]
    d = dispatcher(store, notifier, clock)
    await d.run_once()
    assert [t.chat_id for t, _ in notifier.got] == ["100", "200"]
    clock.now += dt.timedelta(seconds=10)
    assert await d.run_once() == 0  # not before retry_after
    clock.now += dt.timedelta(minutes=5)
    assert await d.run_once() == 1
    assert [t.chat_id for t, _ in notifier.got].count("100") == 2
    assert (await store.delivery_stats()).get("sent") == 2


async def test_blocked_chat_is_deactivated_not_retried(store: Store) -> None:
    await store.upsert_subscription(A, "private")
    await store.enqueue_alert(alert("yen-surge"), [A])
    notifier, clock = Scripted(), Clock()
    notifier.script["100"] = [Permanent("Forbidden: bot was blocked by the user", deactivate=True)]
    d = dispatcher(store, notifier, clock)
    await d.run_once()
    sub = await store.get_subscription(A)
    assert sub is not None and not sub.active and "blocked" in (sub.broken_reason or "")
    clock.now += dt.timedelta(days=1)
    assert await d.run_once() == 0
    assert (await store.delivery_stats()).get("permanent") == 1


async def test_migrated_group_is_followed(store: Store) -> None:
    old, new = Target("telegram", "-100"), Target("telegram", "-1001234")
    await store.upsert_subscription(old, "group")
    await store.enqueue_alert(alert("yen-surge"), [old])
    notifier, clock = Scripted(), Clock()
    notifier.script["-100"] = [Permanent("group upgraded", migrate_to="-1001234")]
    d = dispatcher(store, notifier, clock)
    await d.run_once()
    await d.run_once()
    assert [t.chat_id for t, _ in notifier.got] == ["-100", "-1001234"]
    assert await store.get_subscription(new) is not None


async def test_gives_up_after_max_attempts_and_survives_notifier_bugs(store: Store) -> None:
    await store.enqueue_alert(alert("yen-surge"), [A])
    notifier, clock = Scripted(), Clock()
    notifier.script["100"] = [
        RuntimeError("boom"),
        RetryAfter(1, "timeout"),
        RetryAfter(1, "timeout"),
    ]
    d = dispatcher(store, notifier, clock, max_attempts=3)
    for _ in range(5):
        await d.run_once()
        clock.now += dt.timedelta(hours=1)
    assert len(notifier.got) == 3
    assert (await store.delivery_stats()).get("permanent") == 1


async def test_old_alert_goes_out_marked_delayed(store: Store) -> None:
    await store.enqueue_alert(alert("yen-surge", at=T0 - dt.timedelta(hours=3)), [A])
    notifier, clock = Scripted(), Clock()
    await dispatcher(store, notifier, clock).run_once()
    ((_, message),) = notifier.got
    assert message.delayed_by is not None and message.delayed_by >= dt.timedelta(hours=3)


async def test_quiet_hours_hold_then_one_summary(store: Store) -> None:
    wake = T0 + dt.timedelta(hours=8)
    for rule in ("yen-surge", "btc-drawdown", "jgb40y"):
        await store.enqueue_alert(alert(rule), [PlannedDelivery(A, status="held", not_before=wake)])
    notifier, clock = Scripted(), Clock()
    d = dispatcher(store, notifier, clock)
    assert await d.run_once() == 0
    clock.now = wake + dt.timedelta(seconds=1)
    assert await d.run_once() == 3
    ((_, summary),) = notifier.got
    assert {e.rule for e in summary.events} == {"yen-surge", "btc-drawdown", "jgb40y"}


async def test_run_claims_continuously_and_drains_on_stop(store: Store) -> None:
    """The long-running loop: more rows than one batch all go out, once each."""
    chats = [Target("telegram", str(1000 + i)) for i in range(25)]
    await store.enqueue_alert(alert("yen-surge"), chats)
    notifier, clock = Scripted(), Clock()
    d = dispatcher(store, notifier, clock, batch=4, concurrency=2)
    stop = asyncio.Event()
    task = asyncio.create_task(d.run(stop, poll_seconds=0.05))
    for _ in range(200):
        if len(notifier.got) >= len(chats):
            break
        await asyncio.sleep(0.02)
    stop.set()
    await task
    assert sorted(t.chat_id for t, _ in notifier.got) == sorted(c.chat_id for c in chats)
    assert (await store.delivery_stats()).get("sent") == len(chats)
