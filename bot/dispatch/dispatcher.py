"""Outbox -> notifiers: claim due deliveries, group them per chat, send, record.

At-least-once with no resend of anything recorded as sent: a delivery is
leased while it is being sent; if the process dies, the lease expires and
another worker (or the restarted one) claims it again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.alerts.attachments import Attachment, ChartRenderer
from bot.alerts.events import AlertMessage
from bot.digest.chart import DigestCharts
from bot.dispatch.limits import Limiter
from bot.dispatch.routing import chats_by_platform, held_window, with_languages
from bot.metrics import DELIVERIES, DELIVERY_LATENCY
from bot.notify.base import Delivered, Notifier, RetryAfter, SendResult, Target
from bot.store.chat_settings import ChatSettings
from bot.store.records import ClaimedDelivery
from bot.store.store import Store

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class DispatchConfig:
    batch: int = 64
    concurrency: int = 32
    lease: dt.timedelta = dt.timedelta(seconds=120)
    max_attempts: int = 12
    max_age: dt.timedelta = dt.timedelta(hours=1)  # older: sent marked as delayed
    max_inline_wait: float = 15.0  # wait longer than this for a slot: requeue instead
    unknown_platform_retry: dt.timedelta = dt.timedelta(minutes=5)


def backoff(attempts: int, floor: float) -> float:
    """Jittered exponential backoff (seconds), never below what the platform asked."""
    return max(floor, min(300.0, 2.0 ** min(attempts, 8)) * random.uniform(0.5, 1.0))


class Dispatcher:
    def __init__(
        self,
        store: Store,
        notifiers: Mapping[str, Notifier],
        *,
        config: DispatchConfig | None = None,
        limiter: Limiter | None = None,
        clock: Clock = _utcnow,
        worker_id: str | None = None,
        charts: ChartRenderer | None = None,
    ) -> None:
        self._store = store
        #: draws the charts outbox rows carry (the digest's), at send time, per reader
        self._charts = charts if charts is not None else DigestCharts(store)
        self._notifiers = dict(notifiers)
        self._cfg = config or DispatchConfig()
        self._limiter = limiter or Limiter(clock=lambda: self._clock().timestamp())
        self._clock = clock
        for platform, notifier in notifiers.items():
            self._delegate(platform, notifier)
        self._worker = worker_id or f"dispatch-{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._busy = 0  # deliveries of this dispatcher being sent right now
        self._sem = asyncio.Semaphore(self._cfg.concurrency)
        self._chats = ChatSettings(store)

    def add_notifier(self, notifier: Notifier) -> None:
        """Register ``notifier``; one that carries a shared ``pacer`` paces its own sends."""
        self._notifiers[notifier.platform] = notifier
        self._delegate(notifier.platform, notifier)

    def _delegate(self, platform: str, notifier: Notifier) -> None:
        pacer = getattr(notifier, "pacer", None)
        if pacer is not None:
            self._limiter.delegate(platform, pacer)

    @property
    def busy(self) -> int:
        """Chats this dispatcher is sending to right now (its leased rows are live)."""
        return self._busy

    @property
    def platforms(self) -> frozenset[str]:
        """Platforms this dispatcher can send to (a notifier is registered)."""
        return frozenset(self._notifiers)

    def wake(self) -> None:
        """New alerts are in the outbox: look now instead of at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, poll_seconds: float = 1.0) -> None:
        """Deliver until ``stop`` is set; survives store errors (logged, retried).

        Continuous rather than batch by batch: new rows are claimed as soon as
        fewer than ``batch`` rows are in flight, so the pacing schedule never
        idles while a batch's last, slowest chats finish.
        """
        in_flight: set[asyncio.Task[None]] = set()
        rows_in_flight: dict[asyncio.Task[None], int] = {}
        try:
            while not stop.is_set():
                self._wake.clear()  # before the claim: a wake-up during it is not lost
                room = self._cfg.batch - sum(rows_in_flight.values())
                if room > 0:
                    try:
                        for task, n in self._spawn(await self._claim(room)):
                            in_flight.add(task)
                            rows_in_flight[task] = n
                    except Exception:  # a broken DB connection must not kill delivery
                        log.exception("dispatch claim failed; retrying")
                # wait for a wake-up (new alerts), a finished send (room to claim) or the poll
                waiters: set[asyncio.Future[Any]] = {
                    asyncio.ensure_future(self._wake.wait()),
                    asyncio.ensure_future(stop.wait()),
                    *in_flight,
                }
                await asyncio.wait(
                    waiters, timeout=poll_seconds, return_when=asyncio.FIRST_COMPLETED
                )
                for w in waiters - set(in_flight):
                    w.cancel()
                for task in [t for t in in_flight if t.done()]:
                    in_flight.discard(task)
                    rows_in_flight.pop(task, None)
                    if not task.cancelled() and task.exception() is not None:
                        log.error(
                            "delivery failed: %r (its rows retry when the lease ends)",
                            task.exception(),
                        )
        finally:
            if in_flight:  # let sends already under way finish and be recorded
                await asyncio.gather(*in_flight, return_exceptions=True)

    async def _claim(self, limit: int) -> list[ClaimedDelivery]:
        now = self._clock()
        await self._store.release_due_held(now)
        claimed = await self._store.claim_due(now, limit, self._worker, self._cfg.lease)
        return await self._languages(claimed)

    async def _languages(self, claimed: list[ClaimedDelivery]) -> list[ClaimedDelivery]:
        """Each target with its chat's chosen language: one lookup per platform per batch.
        A failed lookup sends in the notifier's fallback language rather than hold the
        leased rows until their lease ends."""
        try:
            found = {
                platform: await self._chats.languages(platform, chats)
                for platform, chats in chats_by_platform(claimed).items()
            }
        except Exception:
            log.warning("chat languages not readable; sending in the fallback", exc_info=True)
            return claimed
        return with_languages(claimed, found)

    def _spawn(self, claimed: Sequence[ClaimedDelivery]) -> list[tuple[asyncio.Task[None], int]]:
        groups: dict[Target, list[ClaimedDelivery]] = defaultdict(list)
        for c in claimed:
            groups[c.target].append(c)
        return [
            (asyncio.create_task(self._deliver(target, rows)), len(rows))
            for target, rows in groups.items()
        ]

    async def run_once(self) -> int:
        """One pass: release due quiet-hours holds, claim, send, wait. Returns rows handled."""
        claimed = await self._claim(self._cfg.batch)
        tasks = self._spawn(claimed)
        await asyncio.gather(*(t for t, _ in tasks))
        return len(claimed)

    async def _deliver(self, target: Target, rows: Sequence[ClaimedDelivery]) -> None:
        self._busy += 1
        try:
            await self._deliver_rows(target, rows)
        finally:
            self._busy -= 1

    async def _deliver_rows(self, target: Target, rows: Sequence[ClaimedDelivery]) -> None:
        ids = [r.delivery_id for r in rows]
        notifier = self._notifiers.get(target.platform)
        if notifier is None:
            later = self._clock() + self._cfg.unknown_platform_retry
            await self._settle_retry(ids, later, f"no {target.platform} notifier enabled")
            return
        wait, booked = self._limiter.reserve(target, self._cfg.max_inline_wait)
        if not booked:
            await self._settle_retry(ids, self._clock() + dt.timedelta(seconds=wait), "rate limit")
            return
        sub = await self._store.get_subscription(target)
        ready_at = self._clock().timestamp() + wait  # the slot the limiter reserved
        async with self._sem:
            remaining = ready_at - self._clock().timestamp()  # time queued for the semaphore counts
            if remaining > 0:
                await asyncio.sleep(remaining)
            now = self._clock()
            oldest = min(r.alert.event.created_at for r in rows)
            held = held_window(sub, (r.alert.event for r in rows))
            due = held[2] if held else oldest  # held alerts are late only past quiet hours
            delayed = now - due if now - due > self._cfg.max_age else None
            ordered = sorted(rows, key=lambda r: (r.alert.event.level, r.alert.id), reverse=True)
            events = tuple(r.alert.event for r in ordered)
            message = AlertMessage(
                events,
                delayed_by=delayed,
                tz=sub.tz if sub else None,
                held_for_quiet_hours=(held[0], held[1]) if held else None,
                ping_role=sub.ping_role if sub else None,
                attachment=self._attachment(rows),
            )
            try:
                result: SendResult = await notifier.send(target, message)
            except Exception as exc:  # a notifier bug must not lose the alert
                log.exception("notifier %s raised", target.platform)
                result = RetryAfter(
                    backoff(max(r.attempts for r in rows), 5.0), f"notifier error: {exc!r}"
                )
        await self._record(target, rows, result, oldest)

    def _attachment(self, rows: Sequence[ClaimedDelivery]) -> Attachment | None:
        """The chart of the newest row that carries one (a message sends one image)."""
        specs = [(r.alert.id, r.alert.attachment) for r in rows if r.alert.attachment]
        if not specs:
            return None
        return Attachment(max(specs, key=lambda s: s[0])[1], self._charts)

    async def _record(
        self,
        target: Target,
        rows: Sequence[ClaimedDelivery],
        result: SendResult,
        oldest: dt.datetime,
    ) -> None:
        ids = [r.delivery_id for r in rows]
        now = self._clock()
        DELIVERIES.labels(target.platform, type(result).__name__.lower()).inc(len(ids))
        if isinstance(result, Delivered):
            DELIVERY_LATENCY.labels(target.platform).observe((now - oldest).total_seconds())
            for i in ids:
                if not await self._store.mark_sent(i, result.message_id, now, self._worker):
                    log.warning(
                        "delivery %d: lease lost mid-send; another worker re-claimed it "
                        "(the chat may get it twice)",
                        i,
                    )
            return
        if isinstance(result, RetryAfter):
            self._limiter.penalise(target, result.seconds)
            attempts = max(r.attempts for r in rows)
            if attempts >= self._cfg.max_attempts:
                for i in ids:
                    await self._store.mark_permanent(
                        i, f"gave up after {attempts} attempts: {result.reason}"
                    )
                return
            delay = backoff(attempts, result.seconds)
            await self._settle_retry(ids, now + dt.timedelta(seconds=delay), result.reason)
            return
        if result.migrate_to:
            log.info("%s chat %s moved to %s", target.platform, target.chat_id, result.migrate_to)
            await self._store.migrate_chat(target.platform, target.chat_id, result.migrate_to)
            await self._settle_retry(ids, now, "chat migrated")
            return
        for i in ids:
            await self._store.mark_permanent(i, result.reason)
        if result.deactivate:
            log.warning(
                "%s chat %s unreachable: %s", target.platform, target.chat_id, result.reason
            )
            await self._store.update_subscription(
                target, broken_reason=result.reason[:200], active=False
            )

    async def _settle_retry(self, ids: Sequence[int], at: dt.datetime, reason: str) -> None:
        for i in ids:
            await self._store.mark_retry(i, at, reason)
