"""``Store``: the one object the rest of carrywatch holds to reach the database.

It owns the engine (``start()``/``stop()`` or ``async with``) and runs each call
in its own transaction; the functions it delegates to take an ``AsyncSession``
and never commit, so ``transaction()`` can compose several into one. Nothing
returned is an ORM object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.alerts.attachments import ChartSpec
from bot.alerts.events import AlertEvent, EventKind
from bot.lifecycle import Lifecycle
from bot.notify.base import Target
from bot.store import evaluations, meta, observations, outbox, subscriptions
from bot.store.db import (
    DatabaseUnreachableError,
    DbTimeouts,
    make_engine,
    session_factory,
    unreachable,
    unreachable_error,
    upgrade,
)
from bot.store.evaluations import Fanout
from bot.store.faults import CommitFaults
from bot.store.records import (
    ClaimedDelivery,
    PlannedDelivery,
    QualityEvent,
    QualityEventLike,
    RuleStateRow,
    SavedEvaluation,
    StoredSnapshot,
    Subscription,
    SubscriptionKind,
    UpsertResult,
)
from signals.levels import Level
from signals.observation import Observation
from signals.snapshot import Snapshot

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StoreNotStartedError(RuntimeError):
    """A ``Store`` method was called before ``start()`` or after ``stop()``."""


class Store(Lifecycle):
    """carrywatch's database: SQLite embedded, PostgreSQL when shared by replicas.

    ``target`` is a database URL (the store creates and disposes the engine) or an
    engine the caller owns. ``migrate`` runs the Alembic migrations on ``start()``.
    ``clock`` stamps bookkeeping times (``updated_at``); times that decide
    behaviour (``now`` in ``claim_due``) are always passed in.
    """

    def __init__(
        self,
        target: str | AsyncEngine,
        *,
        migrate: bool = True,
        clock: Clock = utc_now,
        timeouts: DbTimeouts | None = None,
    ) -> None:
        self._target = target
        self._timeouts = timeouts or DbTimeouts()
        self._migrate = migrate
        self._clock = clock
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._faults = CommitFaults(clock)

    # -- lifecycle -----------------------------------------------------------

    async def start(self) -> None:
        if self._engine is not None:
            return
        if isinstance(self._target, str):
            engine = make_engine(self._target, self._timeouts)
        else:
            engine = self._target
        migrated = not self._migrate
        try:
            if self._migrate:
                await upgrade(engine, timeouts=self._timeouts)
            else:
                async with engine.connect():
                    pass  # fail here, clearly, rather than at the first query
            migrated = True
        except DatabaseUnreachableError:
            raise
        except Exception as error:
            if not unreachable(error):
                raise
            url = engine.url.render_as_string(hide_password=False)
            raise unreachable_error(url, error, self._timeouts) from None
        finally:
            if not migrated and isinstance(self._target, str):
                await engine.dispose()
        self._engine = engine
        self._sessions = session_factory(engine)

    async def stop(self) -> None:
        engine, self._engine, self._sessions = self._engine, None, None
        if engine is not None and isinstance(self._target, str):
            await engine.dispose()

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise StoreNotStartedError("call Store.start() first")
        return self._engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._sessions is None:
            raise StoreNotStartedError("call Store.start() first")
        async with self._sessions() as session, session.begin():
            if self._faults.active:
                self._faults.watch(session.sync_session)
            yield session
        if self._faults.active:
            self._faults.committed(session.sync_session)

    # -- observations ----------------------------------------------------------

    async def upsert_observations(self, obs: Sequence[Observation]) -> UpsertResult:
        async with self.transaction() as s:
            return await observations.upsert_observations(s, obs)

    async def load_observations(
        self, since: dt.date | None = None, series: Iterable[str] | None = None
    ) -> list[Observation]:
        async with self.transaction() as s:
            return await observations.load_observations(s, since, series)

    async def latest_observation_dates(self) -> dict[str, dt.date]:
        async with self.transaction() as s:
            return await observations.latest_observation_dates(s)

    # -- evaluations, snapshots, alerts ----------------------------------------

    async def save_evaluation(
        self,
        snapshot: Snapshot,
        computed_at: dt.datetime,
        events: Sequence[AlertEvent] = (),
        rule_states: Sequence[RuleStateRow] = (),
        deliveries_for: Fanout | None = None,
    ) -> SavedEvaluation:
        async with self.transaction() as s:
            return await evaluations.save_evaluation(
                s, snapshot, computed_at, events, rule_states, deliveries_for
            )

    async def enqueue_alert(
        self,
        event: AlertEvent,
        targets: Iterable[Target | PlannedDelivery],
        attachment: ChartSpec | None = None,
    ) -> int | None:
        async with self.transaction() as s:
            return await evaluations.enqueue_alert(s, event, targets, attachment=attachment)

    async def latest_snapshot(self) -> StoredSnapshot | None:
        async with self.transaction() as s:
            return await evaluations.latest_snapshot(s)

    async def snapshots_between(
        self, start: dt.date, end: dt.date, latest_per_day: bool = True
    ) -> list[StoredSnapshot]:
        async with self.transaction() as s:
            return await evaluations.snapshots_between(s, start, end, latest_per_day)

    async def recent_alerts(
        self,
        n: int,
        target: Target | None = None,
        *,
        exclude: Collection[EventKind] = (),
        sent_only: bool = False,
    ) -> list[AlertEvent]:
        async with self.transaction() as s:
            return await evaluations.recent_alerts(
                s, n, target, exclude=exclude, sent_only=sent_only
            )

    async def get_rule_states(self) -> dict[str, RuleStateRow]:
        async with self.transaction() as s:
            return await evaluations.get_rule_states(s)

    async def was_notified(self, rule: str, episode: str, kind: EventKind) -> bool:
        async with self.transaction() as s:
            return await evaluations.was_notified(s, rule, episode, kind)

    # -- deliveries ------------------------------------------------------------

    async def enqueue_deliveries(
        self,
        alert_id: int,
        targets: Iterable[Target | PlannedDelivery],
        status: Literal["pending", "held"] = "pending",
    ) -> int:
        async with self.transaction() as s:
            return await outbox.enqueue_deliveries(s, alert_id, targets, status)

    async def claim_due(
        self, now: dt.datetime, limit: int, worker_id: str, lease: dt.timedelta
    ) -> list[ClaimedDelivery]:
        async with self.transaction() as s:
            return await outbox.claim_due(s, now, limit, worker_id, lease)

    async def mark_sent(
        self,
        delivery_id: int,
        message_id: str | None,
        at: dt.datetime,
        worker_id: str | None = None,
    ) -> bool:
        async with self.transaction() as s:
            return await outbox.mark_sent(s, delivery_id, message_id, at, worker_id)

    async def mark_retry(self, delivery_id: int, next_at: dt.datetime, error: str) -> bool:
        async with self.transaction() as s:
            return await outbox.mark_retry(s, delivery_id, next_at, error)

    async def mark_permanent(self, delivery_id: int, error: str) -> bool:
        async with self.transaction() as s:
            return await outbox.mark_permanent(s, delivery_id, error)

    async def release_held(self, platform: str, chat_id: str, now: dt.datetime) -> int:
        async with self.transaction() as s:
            return await outbox.release_held(s, platform, chat_id, now)

    async def release_due_held(self, now: dt.datetime) -> int:
        async with self.transaction() as s:
            return await outbox.release_due_held(s, now)

    async def pending_count(self) -> int:
        async with self.transaction() as s:
            return await outbox.pending_count(s)

    async def delivery_stats(self) -> dict[str, int]:
        async with self.transaction() as s:
            return await outbox.delivery_stats(s)

    # -- subscriptions ---------------------------------------------------------

    async def upsert_subscription(
        self,
        target: Target,
        kind: SubscriptionKind,
        *,
        guild_id: str | None = None,
        min_level: Level | None = None,
        tz: str | None = None,
    ) -> Subscription:
        async with self.transaction() as s:
            return await subscriptions.upsert_subscription(
                s, target, kind, self._clock(), guild_id=guild_id, min_level=min_level, tz=tz
            )

    async def get_subscription(self, target: Target) -> Subscription | None:
        async with self.transaction() as s:
            return await subscriptions.get_subscription(s, target)

    async def update_subscription(self, target: Target, **changes: Any) -> Subscription | None:
        async with self.transaction() as s:
            return await subscriptions.update_subscription(s, target, self._clock(), **changes)

    async def deactivate(self, platform: str, chat_id: str, reason: str) -> int:
        async with self.transaction() as s:
            return await subscriptions.deactivate(s, platform, chat_id, reason, self._clock())

    async def migrate_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        async with self.transaction() as s:
            return await subscriptions.migrate_chat(
                s, platform, old_chat_id, new_chat_id, self._clock()
            )

    async def active_subscriptions(self, platform: str | None = None) -> list[Subscription]:
        async with self.transaction() as s:
            return await subscriptions.active_subscriptions(s, platform)

    async def count_subscriptions(self) -> dict[str, int]:
        async with self.transaction() as s:
            return await subscriptions.count_subscriptions(s)

    # -- quality events and meta -----------------------------------------------

    async def add_quality_event(self, event: QualityEventLike) -> None:
        async with self.transaction() as s:
            await meta.add_quality_event(s, event)

    async def recent_quality_events(self, n: int) -> list[QualityEvent]:
        async with self.transaction() as s:
            return await meta.recent_quality_events(s, n)

    async def meta_get(self, key: str) -> str | None:
        async with self.transaction() as s:
            return await meta.meta_get(s, key)

    async def meta_set(self, key: str, value: str) -> None:
        async with self.transaction() as s:
            await meta.meta_set(s, key, value, self._clock())
