"""One evaluation — snapshot, outbox alerts, their deliveries, rule states and the
notification log — written in one transaction, and the reads that follow from it.

All or nothing is what makes a restart safe: after ``kill -9`` either the alert
policy's new state *and* its alerts are stored, or neither is and the same
evaluation runs again; the dedup key ``(rule, episode, kind, seq)`` turns a
repeated alert into a no-op instead of a second message.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts.attachments import ChartSpec
from bot.alerts.events import AlertEvent, EventKind
from bot.notify.base import Target
from bot.render import event_text
from bot.store.columns import json_safe
from bot.store.db import insert_ignoring, insert_updating
from bot.store.models import (
    AlertModel,
    DeliveryModel,
    NotificationLogModel,
    RuleStateModel,
    SnapshotModel,
)
from bot.store.outbox import enqueue_deliveries, stored_alert, thread_key
from bot.store.records import (
    PlannedDelivery,
    RuleStateRow,
    SavedEvaluation,
    StoredSnapshot,
)
from signals.levels import Level
from signals.snapshot import Snapshot

Fanout = (
    Callable[[AlertEvent], Iterable[Target | PlannedDelivery]] | Sequence[Target | PlannedDelivery]
)
"""Where each new alert goes: a function of the alert, or the same targets for all."""

NO_DATA = "no data"  # snapshots.level when no component had data (score NULL)
_DEDUP = ("rule", "episode", "kind", "seq")
_RULE_COLUMNS = (
    "state",
    "since",
    "active_since",
    "last_value",
    "level",
    "episode",
    "last_fired_at",
    "last_notified_at",
    "payload",
)


async def save_evaluation(
    session: AsyncSession,
    snapshot: Snapshot,
    computed_at: dt.datetime,
    events: Sequence[AlertEvent] = (),
    rule_states: Sequence[RuleStateRow] = (),
    deliveries_for: Fanout | None = None,
    evaluation_id: str | None = None,
) -> SavedEvaluation:
    """Write one evaluation inside the caller's transaction (``Store`` opens one).

    An event whose dedup key is already stored is skipped and reported in
    ``duplicates``; everything else is written, or nothing if anything raises.
    """
    evaluation_id = evaluation_id or uuid.uuid4().hex
    snapshot_id = await _insert_snapshot(session, snapshot, computed_at)
    alert_ids: list[int] = []
    duplicates: list[AlertEvent] = []
    for event in events:
        alert_id = await _insert_alert(session, event, snapshot_id, evaluation_id)
        if alert_id is None:
            duplicates.append(event)
            continue
        alert_ids.append(alert_id)
        await _log_notified(session, event, computed_at)
        if deliveries_for is not None:
            targets = deliveries_for(event) if callable(deliveries_for) else deliveries_for
            await enqueue_deliveries(session, alert_id, targets)
    for state in rule_states:
        await _upsert_rule_state(session, state)
    return SavedEvaluation(
        snapshot_id=snapshot_id,
        evaluation_id=evaluation_id,
        alert_ids=tuple(alert_ids),
        duplicates=tuple(duplicates),
    )


async def enqueue_alert(
    session: AsyncSession,
    event: AlertEvent,
    targets: Iterable[Target | PlannedDelivery],
    evaluation_id: str | None = None,
    attachment: ChartSpec | None = None,
) -> int | None:
    """Put one alert without a snapshot (test alert, broadcast, digest) in the outbox,
    with the chart it carries (``attachment``, drawn at send time), if any.

    Returns its id, or None when the dedup key is already stored.
    """
    alert_id = await _insert_alert(
        session, event, None, evaluation_id or uuid.uuid4().hex, attachment
    )
    if alert_id is not None:
        await _log_notified(session, event, event.created_at)
        await enqueue_deliveries(session, alert_id, targets)
    return alert_id


async def _insert_snapshot(session: AsyncSession, snapshot: Snapshot, at: dt.datetime) -> int:
    stmt = (
        insert(SnapshotModel)
        .values(
            as_of=snapshot.as_of,
            computed_at=at,
            score=snapshot.score,
            level=snapshot.level.label if snapshot.level is not None else NO_DATA,
            payload=json_safe(snapshot.to_json()),
        )
        .returning(SnapshotModel.id)
    )
    return int((await session.execute(stmt)).scalar_one())


async def _insert_alert(
    session: AsyncSession,
    event: AlertEvent,
    snapshot_id: int | None,
    evaluation_id: str,
    attachment: ChartSpec | None = None,
) -> int | None:
    stmt = (
        insert_ignoring(session, AlertModel, _DEDUP)
        .values(
            snapshot_id=snapshot_id,
            evaluation_id=evaluation_id,
            rule=event.rule,
            kind=event.kind.value,
            level=event.level.label,
            headline=event_text.headline(event),
            cause=event_text.cause(event),
            as_of=event.as_of,
            created_at=event.created_at,
            value=event.value,
            threshold=event.threshold,
            unit=event_text.unit(event),
            score=event.score,
            episode=event.episode,
            seq=event.seq,
            facts=json_safe(event.to_json()),
            attachment=attachment.to_json() if attachment is not None else None,
        )
        .returning(AlertModel.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def _log_notified(session: AsyncSession, event: AlertEvent, at: dt.datetime) -> None:
    await session.execute(
        insert_updating(
            session, NotificationLogModel, ("rule", "episode", "kind"), ("notified_at",)
        ).values(rule=event.rule, episode=event.episode, kind=event.kind.value, notified_at=at)
    )


async def _upsert_rule_state(session: AsyncSession, row: RuleStateRow) -> None:
    await session.execute(
        insert_updating(session, RuleStateModel, ("rule",), _RULE_COLUMNS).values(
            rule=row.rule,
            state=row.state,
            since=row.since,
            active_since=row.active_since,
            last_value=row.last_value,
            level=row.level.label if row.level is not None else None,
            episode=row.episode,
            last_fired_at=row.last_fired_at,
            last_notified_at=row.last_notified_at,
            payload=json_safe(row.payload),
        )
    )


async def get_rule_states(session: AsyncSession) -> dict[str, RuleStateRow]:
    """Every rule's stored state, by rule name."""
    rows = await session.scalars(select(RuleStateModel).order_by(RuleStateModel.rule))
    return {
        r.rule: RuleStateRow(
            rule=r.rule,
            state=r.state,  # type: ignore[arg-type]  # the CHECK constraint keeps it a RuleState
            since=r.since,
            active_since=r.active_since,
            last_value=r.last_value,
            level=Level.parse(r.level) if r.level else None,
            episode=r.episode,
            last_fired_at=r.last_fired_at,
            last_notified_at=r.last_notified_at,
            payload=dict(r.payload),
        )
        for r in rows
    }


async def was_notified(session: AsyncSession, rule: str, episode: str, kind: EventKind) -> bool:
    """Whether an event ``(rule, episode, kind)`` ever went to the outbox."""
    found = await session.scalar(
        select(NotificationLogModel.notified_at).where(
            NotificationLogModel.rule == rule,
            NotificationLogModel.episode == episode,
            NotificationLogModel.kind == EventKind(kind).value,
        )
    )
    return found is not None


def _stored(r: SnapshotModel) -> StoredSnapshot:
    return StoredSnapshot(
        id=r.id,
        as_of=r.as_of,
        computed_at=r.computed_at,
        score=r.score,
        level=Level.parse(r.level) if r.level != NO_DATA else None,
        payload=dict(r.payload),
    )


async def latest_snapshot(session: AsyncSession) -> StoredSnapshot | None:
    """The newest snapshot: latest market date, then latest computation."""
    row = await session.scalar(
        select(SnapshotModel)
        .order_by(
            SnapshotModel.as_of.desc(), SnapshotModel.computed_at.desc(), SnapshotModel.id.desc()
        )
        .limit(1)
    )
    return _stored(row) if row is not None else None


async def snapshots_between(
    session: AsyncSession, start: dt.date, end: dt.date, latest_per_day: bool = True
) -> list[StoredSnapshot]:
    """Snapshots with ``start <= as_of <= end`` in date order.

    By default only the last one computed for each date (what a chart wants);
    ``latest_per_day=False`` returns every recomputation.
    """
    s = SnapshotModel
    stmt = select(s).where(s.as_of >= start, s.as_of <= end)
    if latest_per_day:
        last = select(func.max(s.id)).where(s.as_of >= start, s.as_of <= end).group_by(s.as_of)
        stmt = stmt.where(s.id.in_(last.scalar_subquery()))
    rows = await session.scalars(stmt.order_by(s.as_of, s.computed_at, s.id))
    return [_stored(r) for r in rows]


async def recent_alerts(
    session: AsyncSession,
    n: int,
    target: Target | None = None,
    *,
    exclude: Collection[EventKind] = (),
    sent_only: bool = False,
) -> list[AlertEvent]:
    """The ``n`` newest alerts, newest first; with ``target``, only those queued to that
    chat (and topic, when ``target.thread_id`` is set) — ``sent_only``: only those it
    received. ``exclude`` leaves out kinds (test alerts, broadcasts) before counting."""
    stmt = select(AlertModel)
    if exclude:
        stmt = stmt.where(AlertModel.kind.not_in([EventKind(k).value for k in exclude]))
    if target is not None:
        d = DeliveryModel
        chat = select(d.alert_id).where(d.platform == target.platform, d.chat_id == target.chat_id)
        if target.thread_id is not None:
            chat = chat.where(d.thread_id == thread_key(target.thread_id))
        if sent_only:
            chat = chat.where(d.status == "sent")
        stmt = stmt.where(AlertModel.id.in_(chat))
    rows = await session.scalars(
        stmt.order_by(AlertModel.created_at.desc(), AlertModel.id.desc()).limit(n)
    )
    return [stored_alert(r).event for r in rows]
