"""Deliveries: the outbox fan-out, claimed by dispatchers under a lease.

A delivery is one alert to one chat. Dispatchers ``claim_due`` rows: the claim
sets ``claimed_by``/``claimed_until`` and counts the attempt in one statement
(``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING``), so on
PostgreSQL concurrent replicas never get the same row, and on SQLite the single
statement is atomic. A worker killed mid-send holds the row only until its lease
expires; then another claim picks it up (at-least-once: a send that succeeded
but was never recorded is sent again, a recorded one never is).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import replace
from typing import Literal

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts.attachments import BadChartSpec, ChartSpec
from bot.alerts.events import AlertEvent, EventKind, StoredAlert
from bot.notify.base import Target
from bot.store.db import insert_ignoring
from bot.store.models import DELIVERY_STATUSES, AlertModel, DeliveryModel
from bot.store.records import ClaimedDelivery, PlannedDelivery
from signals.levels import Level

log = logging.getLogger(__name__)
CLAIMABLE = ("pending", "failed")
_CONFLICT = ("alert_id", "platform", "chat_id", "thread_id")


def thread_key(thread_id: str | None) -> str:
    """``thread_id`` as stored: ``""`` means no thread (see ``models``)."""
    return thread_id or ""


def target_of(platform: str, chat_id: str, thread_id: str) -> Target:
    return Target(platform=platform, chat_id=chat_id, thread_id=thread_id or None)


async def episode_starts(
    session: AsyncSession, alerts: Iterable[AlertModel]
) -> dict[tuple[str, str], dt.datetime]:
    """When each resolved alert's episode first fired, so an all-clear can say how long
    the alert lasted."""
    keys = {(a.rule, a.episode) for a in alerts if a.kind == EventKind.RESOLVED.value}
    out: dict[tuple[str, str], dt.datetime] = {}
    for rule, episode in keys:
        first = await session.scalar(
            select(func.min(AlertModel.created_at)).where(
                AlertModel.rule == rule,
                AlertModel.episode == episode,
                AlertModel.kind.in_((EventKind.FIRING.value, EventKind.ESCALATED.value)),
            )
        )
        if first is not None:
            out[(rule, episode)] = first
    return out


def attachment_of(row: AlertModel) -> ChartSpec | None:
    """The row's chart spec (0008); one that cannot be read is logged and dropped,
    so the alert still goes out as text."""
    if not row.attachment:
        return None
    try:
        return ChartSpec.from_json(row.attachment)
    except BadChartSpec as exc:
        log.warning("alert %s: chart dropped, text only: %s", row.id, exc)
        return None


def stored_alert(row: AlertModel, started_at: dt.datetime | None = None) -> StoredAlert:
    """The row's event: its ``facts``, or (rows from before 0002) its columns;
    ``started_at`` (when a resolved episode first fired) is the store's to add."""
    if row.facts:
        event = replace(AlertEvent.from_json(row.facts), started_at=started_at)
        return StoredAlert(row.id, event, attachment_of(row))
    legacy = AlertEvent(
        rule=row.rule,
        kind=EventKind(row.kind),
        level=Level.parse(row.level),
        as_of=row.as_of,
        created_at=row.created_at,
        value=row.value,
        threshold=row.threshold,
        score=row.score,
        episode=row.episode,
        seq=row.seq,
        note=row.headline,
        description=row.cause,
        started_at=started_at,
    )
    return StoredAlert(row.id, legacy, attachment_of(row))


async def enqueue_deliveries(
    session: AsyncSession,
    alert_id: int,
    targets: Iterable[Target | PlannedDelivery],
    status: Literal["pending", "held"] = "pending",
) -> int:
    """Queue ``alert_id`` for each target; a target already queued is left alone.

    ``status`` applies to bare targets; a :class:`PlannedDelivery` carries its own.
    Returns how many rows were new.
    """
    if status not in ("pending", "held"):
        raise ValueError(f"new deliveries are pending or held, not {status!r}")
    added = 0
    for item in targets:
        plan = item if isinstance(item, PlannedDelivery) else PlannedDelivery(item, status)
        stmt = (
            insert_ignoring(session, DeliveryModel, _CONFLICT)
            .values(
                alert_id=alert_id,
                platform=plan.target.platform,
                chat_id=plan.target.chat_id,
                thread_id=thread_key(plan.target.thread_id),
                status=plan.status,
                attempts=0,
                next_attempt_at=plan.not_before,
            )
            .returning(DeliveryModel.id)
        )
        if (await session.execute(stmt)).first() is not None:
            added += 1
    return added


async def claim_due(
    session: AsyncSession, now: dt.datetime, limit: int, worker_id: str, lease: dt.timedelta
) -> list[ClaimedDelivery]:
    """Lease up to ``limit`` due deliveries to ``worker_id`` until ``now + lease``.

    Due: pending or failed, ``next_attempt_at`` reached, and not leased (or the
    lease expired). The caller commits to make the lease visible to others.
    """
    d = DeliveryModel
    until = now + lease
    due = (
        select(d.id)
        .where(
            d.status.in_(CLAIMABLE),
            or_(d.next_attempt_at.is_(None), d.next_attempt_at <= now),
            or_(d.claimed_until.is_(None), d.claimed_until <= now),
        )
        .order_by(d.alert_id, d.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = await session.execute(
        update(d)
        .where(d.id.in_(due.scalar_subquery()))
        .values(claimed_by=worker_id, claimed_until=until, attempts=d.attempts + 1)
        .returning(d.id)
        .execution_options(synchronize_session=False)
    )
    ids = [row[0] for row in claimed]
    if not ids:
        return []
    rows = (
        await session.execute(
            select(d, AlertModel)
            .join(AlertModel, AlertModel.id == d.alert_id)
            .where(d.id.in_(ids))
            .order_by(d.alert_id, d.id)
        )
    ).all()
    starts = await episode_starts(session, [al for _, al in rows])
    return [
        ClaimedDelivery(
            delivery_id=dl.id,
            alert=stored_alert(
                al, starts.get((al.rule, al.episode)) if al.kind == "resolved" else None
            ),
            target=target_of(dl.platform, dl.chat_id, dl.thread_id),
            attempts=dl.attempts,
            evaluation_id=al.evaluation_id,
            claimed_until=until,
        )
        for dl, al in rows
    ]


_UNCLAIM = {"claimed_by": None, "claimed_until": None}


async def mark_sent(
    session: AsyncSession,
    delivery_id: int,
    message_id: str | None,
    at: dt.datetime,
    worker_id: str | None = None,
) -> bool:
    """Record a delivery as sent; it is never claimed again.

    With ``worker_id``, only while that worker still holds the claim: once another
    worker has re-claimed the row (our lease ran out mid-send), its send and its
    record stand and this returns False, as it does for an unknown or already
    sent row. A lease that ran out with nobody else claiming is still ours.
    """
    d = DeliveryModel
    where = [d.id == delivery_id, d.status != "sent"]
    if worker_id is not None:
        where.append(d.claimed_by == worker_id)
    result = await session.execute(
        update(d)
        .where(*where)
        .values(status="sent", message_id=message_id, sent_at=at, last_error=None, **_UNCLAIM)
        .returning(d.id)
    )
    return result.first() is not None


async def mark_retry(
    session: AsyncSession, delivery_id: int, next_at: dt.datetime, error: str
) -> bool:
    """A transient failure: retry at ``next_at``. A row already sent stays sent."""
    return await _settle(
        session, delivery_id, status="failed", next_attempt_at=next_at, last_error=error
    )


async def mark_permanent(session: AsyncSession, delivery_id: int, error: str) -> bool:
    """Give up on a delivery. A row already sent stays sent."""
    return await _settle(session, delivery_id, status="permanent", last_error=error)


async def _settle(session: AsyncSession, delivery_id: int, **values: object) -> bool:
    result = await session.execute(
        update(DeliveryModel)
        .where(DeliveryModel.id == delivery_id, DeliveryModel.status != "sent")
        .values(**values, **_UNCLAIM)
        .returning(DeliveryModel.id)
    )
    return result.first() is not None


async def release_held(session: AsyncSession, platform: str, chat_id: str, now: dt.datetime) -> int:
    """Quiet hours ended (or the chat asked): make its held deliveries due now."""
    d = DeliveryModel
    result = await session.execute(
        update(d)
        .where(d.status == "held", d.platform == platform, d.chat_id == chat_id)
        .values(status="pending", next_attempt_at=now)
        .returning(d.id)
    )
    return len(result.all())


async def release_due_held(session: AsyncSession, now: dt.datetime) -> int:
    """Release every held delivery whose ``next_attempt_at`` (quiet-hours end) has come."""
    d = DeliveryModel
    result = await session.execute(
        update(d)
        .where(d.status == "held", d.next_attempt_at.is_not(None), d.next_attempt_at <= now)
        .values(status="pending")
        .returning(d.id)
    )
    return len(result.all())


async def retarget_deliveries(
    session: AsyncSession, platform: str, old_chat_id: str, new_chat_id: str
) -> int:
    """Point unsent deliveries of a migrated chat at its new id (see ``migrate_chat``)."""
    d = DeliveryModel
    moved = 0
    rows = await session.scalars(
        select(d).where(
            d.platform == platform,
            d.chat_id == old_chat_id,
            d.status.in_(("pending", "held", "failed")),
        )
    )
    for row in rows.all():
        clash = await session.scalar(
            select(d.id).where(
                d.alert_id == row.alert_id,
                d.platform == platform,
                d.chat_id == new_chat_id,
                d.thread_id == row.thread_id,
            )
        )
        if clash is None:
            row.chat_id = new_chat_id
            moved += 1
        else:
            row.status = "permanent"
            row.last_error = f"chat migrated to {new_chat_id}, already queued there"
    await session.flush()
    return moved


async def pending_count(session: AsyncSession) -> int:
    """Deliveries still owed: pending, failed (awaiting retry) or held."""
    count = await session.scalar(
        select(func.count())
        .select_from(DeliveryModel)
        .where(DeliveryModel.status.in_(("pending", "failed", "held")))
    )
    return int(count or 0)


async def delivery_stats(session: AsyncSession) -> dict[str, int]:
    """Deliveries per status (every status present, zero included) plus ``claimed``."""
    stats = dict.fromkeys(DELIVERY_STATUSES, 0)
    result = await session.execute(
        select(DeliveryModel.status, func.count()).group_by(DeliveryModel.status)
    )
    for status, count in result:
        stats[status] = int(count)
    claimed = await session.scalar(
        select(func.count())
        .select_from(DeliveryModel)
        .where(and_(DeliveryModel.claimed_by.is_not(None), DeliveryModel.status.in_(CLAIMABLE)))
    )
    stats["claimed"] = int(claimed or 0)
    return stats
