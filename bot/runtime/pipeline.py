"""One path for every observation, live or replayed:

    FetchResult ─▶ quality gate ─▶ cross-check ─▶ store ─▶ engine ─▶ policy ─▶ outbox

``ingest`` writes the poll's quality events, its new observations, the snapshot,
its alert events, the new rule states and each alert's deliveries in ONE
transaction, then wakes the dispatcher. A crash (``kill -9``) therefore leaves
either all of a poll or none of it; none means the next poll stores and scores
the same values again. Should a store written otherwise (an older version) hold
observations newer than its last snapshot, ``warm_up`` scores those dates first.
If a commit fails, the in-memory engine and policy may be ahead of the database,
so the next call rebuilds both from the store before it does anything else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts.events import AlertEvent
from bot.alerts.policy import AlertPolicy
from bot.dispatch.routing import plan
from bot.metrics import ALERTS, COMPONENT, EVALUATION_LATENCY, OBSERVATIONS, QUALITY_EVENTS, SCORE
from bot.quality.events import QualityEvent
from bot.quality.gate import QualityGate
from bot.render.event_text import headline
from bot.runtime.crosscheck import CrossCheck
from bot.sources.base import FetchResult
from bot.store import evaluations, meta, observations, subscriptions
from bot.store.records import PlannedDelivery, Subscription
from bot.store.rule_memory import memory_from_rows, memory_rows
from bot.store.store import Store
from signals.incremental import IncrementalEngine, OutOfOrderError
from signals.observation import Observation
from signals.snapshot import Snapshot

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
# Deliveries for an alert that is not everyone's (a personal rule's), or None.
Router = Callable[[AlertEvent, Sequence[Subscription], dt.datetime], list[PlannedDelivery] | None]
WARMUP_DAYS = 400  # > 250 observations of every series, with holidays


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    accepted: int
    quality_events: int
    snapshot: Snapshot | None
    alerts: tuple[AlertEvent, ...]


class Pipeline:
    def __init__(
        self,
        store: Store,
        engine: IncrementalEngine,
        policy: AlertPolicy,
        gate: QualityGate,
        clock: Clock,
        *,
        on_alerts: Callable[[], None] | None = None,
        crosscheck: CrossCheck | None = None,
        router: Router | None = None,
    ) -> None:
        self.store = store
        self.engine = engine
        self.policy = policy
        self.gate = gate
        self.clock = clock
        self.crosscheck = crosscheck or CrossCheck(gate)
        self._on_alerts = on_alerts
        self._router = router  # personal rules' owner-only routing (issue 13)
        self._last: dict[str, Observation] = {}
        self._lock = asyncio.Lock()
        self._history: pd.DataFrame | None = None
        self._desynced = False  # a commit failed: memory may be ahead of the store

    # -- start-up ----------------------------------------------------------------

    def warm(self, observations: Iterable[Observation]) -> int:
        """Fold known history into the engine (date order), so a restart remembers it."""
        n = 0
        for obs in sorted(observations, key=lambda o: (o.date, o.series)):
            try:
                self.engine.observe(obs.series, obs.date, obs.value)
            except OutOfOrderError:
                continue
            self._last[obs.series] = obs
            n += 1
        return n

    async def warm_up(self, history: pd.DataFrame | None, now: dt.datetime) -> int:
        """History-dir tail, then the store's own observations (newer and authoritative).

        Stored dates after the newest snapshot (observations whose evaluation never
        committed, left by an older version killed between the two) are scored here,
        one evaluation per date in order, so their alerts still fire.
        """
        self._history = history
        since = now.date() - dt.timedelta(days=WARMUP_DAYS)
        stored = await self.store.load_observations(since=since)
        stored_keys = {(o.series, o.date) for o in stored}
        merged: list[Observation] = list(stored)
        if history is not None:
            tail = history.loc[pd.Timestamp(since) : pd.Timestamp(now.date())]
            for series in tail.columns:
                column = tail[series].dropna()
                for ts, value in zip(
                    pd.DatetimeIndex(column.index), column.to_numpy(), strict=True
                ):
                    day = ts.date()
                    if (series, day) not in stored_keys:
                        merged.append(Observation(series, day, float(value), "history"))
        self.gate.learn(merged)  # the yields' learned jump and curve-shape limits
        pending = await self._unevaluated_days(stored)
        if not pending:
            return self.warm(merged)
        n = self.warm(o for o in merged if o.date < pending[0])
        for i, day in enumerate(pending):
            nxt = pending[i + 1] if i + 1 < len(pending) else None
            n += self.warm(o for o in merged if day <= o.date and (nxt is None or o.date < nxt))
            log.warning("scoring %s: its observations were stored without an evaluation", day)
            async with self.store.transaction() as session:
                await self._evaluate(session, now)
        return n

    async def _unevaluated_days(self, stored: Sequence[Observation]) -> list[dt.date]:
        scored = set(self.engine.config.scored_series)
        days = sorted({o.date for o in stored if o.series in scored})
        if not days:
            return []
        last = await self.store.latest_snapshot()
        if last is None:
            return [days[-1]]  # never evaluated: one evaluation, as the first poll would have
        return [d for d in days if d > last.as_of]

    # -- the live path -------------------------------------------------------------

    async def ingest(self, result: FetchResult) -> IngestOutcome:
        """Gate, store, score and alert on one poll. Serialised: the engine and the
        policy are one state machine, and evaluations must be stored in order."""
        async with self._lock:
            now = self.clock()
            if self._desynced:  # before the gate: it judges against what is known
                await self.resync(now)
            gated = self.gate.check(result, self._last)
            confirmed, cross_events = self.crosscheck.offer(gated.accepted, now)
            outcome = await self._commit(confirmed, [*gated.events, *cross_events], now)
            if not self.crosscheck.holds(result.source):  # held values are not stored yet
                result.stored()  # only now may the provider answer "not modified" about it
            return outcome

    async def flush(self) -> IngestOutcome:
        """Release held values whose second provider never answered."""
        async with self._lock:
            now = self.clock()
            if self._desynced:
                await self.resync(now)
            released, events = self.crosscheck.flush(now)
            return await self._commit(released, events, now)

    async def _commit(
        self, observed: Sequence[Observation], events: Sequence[QualityEvent], now: dt.datetime
    ) -> IngestOutcome:
        started = time.perf_counter()
        for event in events:
            QUALITY_EVENTS.labels(event.source, str(event.kind)).inc()
            log.warning("quality: %s %s %s", event.source, event.kind, event.detail)
        async with self.store.transaction() as session:  # reads only: anything new?
            news = await observations.has_news(session, observed)
        changed = 0
        if news:
            # Fold in before the write transaction, so SQLite's one write lock is not
            # held while a large batch (a backfill) is scored. From here memory runs
            # ahead of the store; if the commit fails the flag stays set and the next
            # call reloads both from the store.
            self._desynced = True
            changed = self.warm(observed)
        async with self.store.transaction() as session:
            for event in events:
                await meta.add_quality_event(session, event)
            if not changed:
                self._desynced = False  # nothing was folded in
                return IngestOutcome(0, len(events), None, ())
            upsert = await observations.upsert_observations(session, observed)
            snapshot, alerts = await self._evaluate(session, now)
        self._desynced = False  # committed: memory and store agree again
        if upsert.inserted:
            OBSERVATIONS.labels("all", "inserted").inc(upsert.inserted)
        EVALUATION_LATENCY.observe(time.perf_counter() - started)
        if alerts and self._on_alerts:
            self._on_alerts()
        return IngestOutcome(changed, len(events), snapshot, alerts)

    async def _evaluate(
        self, session: AsyncSession, now: dt.datetime
    ) -> tuple[Snapshot, tuple[AlertEvent, ...]]:
        """Score the engine's newest date and write the evaluation in ``session``."""
        as_of = max(d for s in self.engine.config.scored_series if (d := self.engine.last_date(s)))
        snapshot = self.engine.snapshot(as_of)
        result = self.policy.evaluate(snapshot, now)
        subs: list[Subscription] = (
            await subscriptions.active_subscriptions(session) if result.events else []
        )

        def route(alert: AlertEvent) -> list[PlannedDelivery]:
            own = self._router(alert, subs, now) if self._router else None
            return plan(alert, subs, now) if own is None else own

        rows = memory_rows(self.policy.rules, result.memory)
        await evaluations.save_evaluation(session, snapshot, now, result.events, rows, route)
        if snapshot.score is not None:
            SCORE.set(snapshot.score)
        for comp in snapshot.components:
            if comp.score is not None:
                COMPONENT.labels(comp.name).set(comp.score)
        for alert in result.events:
            ALERTS.labels(alert.kind.value, alert.level.label).inc()
            log.info("alert %s %s: %s", alert.kind.value, alert.rule, headline(alert))
        return snapshot, result.events

    async def resync(self, now: dt.datetime) -> None:
        """Rebuild the engine and the policy from the store after a failed commit."""
        log.warning("a commit failed: reloading the engine and rule states from the store")
        self.engine = IncrementalEngine(self.engine.config)
        self.policy.resume(memory_from_rows(await self.store.get_rule_states()))
        self._last = {}
        await self.warm_up(self._history, now)
        self._desynced = False
