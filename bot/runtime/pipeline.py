"""One path for every observation, live or replayed:

    FetchResult ─▶ quality gate ─▶ cross-check ─▶ store ─▶ engine ─▶ policy ─▶ outbox

``ingest`` ends with the snapshot, its alert events, the new rule states and
each alert's deliveries written in ONE transaction, then wakes the dispatcher.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from bot.alerts.policy import AlertPolicy
from bot.dispatch.routing import plan
from bot.metrics import ALERTS, COMPONENT, EVALUATION_LATENCY, OBSERVATIONS, QUALITY_EVENTS, SCORE
from bot.quality.events import QualityEvent
from bot.quality.gate import QualityGate
from bot.runtime.crosscheck import CrossCheck
from bot.sources.base import FetchResult
from bot.store.records import NewAlert, PlannedDelivery, Subscription
from bot.store.store import Store
from signals.incremental import IncrementalEngine, OutOfOrderError
from signals.observation import Observation
from signals.snapshot import Snapshot

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
# Deliveries for an alert that is not everyone's (a personal rule's), or None.
Router = Callable[[NewAlert, Sequence[Subscription], dt.datetime], list[PlannedDelivery] | None]
WARMUP_DAYS = 400  # > 250 observations of every series, with holidays


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    accepted: int
    quality_events: int
    snapshot: Snapshot | None
    alerts: tuple[NewAlert, ...]


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
        """History-dir tail, then the store's own observations (newer and authoritative)."""
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
        return self.warm(merged)

    # -- the live path -------------------------------------------------------------

    async def ingest(self, result: FetchResult) -> IngestOutcome:
        """Gate, store, score and alert on one poll. Serialised: the engine and the
        policy are one state machine, and evaluations must be stored in order."""
        async with self._lock:
            now = self.clock()
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
            released, events = self.crosscheck.flush(now)
            return await self._commit(released, events, now)

    async def _commit(
        self, observations: Sequence[Observation], events: Sequence[QualityEvent], now: dt.datetime
    ) -> IngestOutcome:
        started = time.perf_counter()
        for event in events:
            QUALITY_EVENTS.labels(event.source, str(event.kind)).inc()
            log.warning("quality: %s %s %s", event.source, event.kind, event.detail)
            await self.store.add_quality_event(event)
        if not observations:
            return IngestOutcome(0, len(events), None, ())
        upsert = await self.store.upsert_observations(observations)
        OBSERVATIONS.labels("all", "inserted").inc(upsert.inserted)
        if not upsert.changed:
            return IngestOutcome(0, len(events), None, ())
        changed = self.warm(observations)
        if not changed:
            return IngestOutcome(0, len(events), None, ())
        as_of = max(d for s in self.engine.config.scored_series if (d := self.engine.last_date(s)))
        snapshot = self.engine.snapshot(as_of)
        result = self.policy.evaluate(snapshot, now)
        subs = await self.store.active_subscriptions() if result.events else []

        def route(alert: NewAlert) -> list[PlannedDelivery]:
            own = self._router(alert, subs, now) if self._router else None
            return plan(alert, subs, now) if own is None else own

        await self.store.save_evaluation(snapshot, now, result.events, result.rule_states, route)
        if snapshot.score is not None:
            SCORE.set(snapshot.score)
        for comp in snapshot.components:
            if comp.score is not None:
                COMPONENT.labels(comp.name).set(comp.score)
        for alert in result.events:
            ALERTS.labels(alert.kind.value, alert.level.label).inc()
            log.info("alert %s %s: %s", alert.kind.value, alert.rule, alert.headline)
        EVALUATION_LATENCY.observe(time.perf_counter() - started)
        if result.events and self._on_alerts:
            self._on_alerts()
        return IngestOutcome(changed, len(events), snapshot, result.events)
