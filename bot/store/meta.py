"""Small bookkeeping: data-quality events and the key/value ``meta`` table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import insert_updating
from bot.store.models import MetaModel, QualityEventModel
from bot.store.records import QualityEvent, QualityEventLike


async def add_quality_event(session: AsyncSession, event: QualityEventLike) -> None:
    await session.execute(
        insert(QualityEventModel).values(
            at=event.at,
            source=event.source,
            series=event.series,
            kind=str(event.kind),
            detail=event.detail,
            date=event.date,
        )
    )


async def recent_quality_events(session: AsyncSession, n: int) -> list[QualityEvent]:
    """The ``n`` newest data-quality events, newest first."""
    q = QualityEventModel
    rows = await session.scalars(select(q).order_by(q.at.desc(), q.id.desc()).limit(n))
    return [
        QualityEvent(
            at=r.at, source=r.source, series=r.series, kind=r.kind, detail=r.detail, date=r.date
        )
        for r in rows
    ]


async def meta_get(session: AsyncSession, key: str) -> str | None:
    value: str | None = await session.scalar(select(MetaModel.value).where(MetaModel.key == key))
    return value


async def meta_set(session: AsyncSession, key: str, value: str, at: dt.datetime) -> None:
    await session.execute(
        insert_updating(session, MetaModel, ("key",), ("value", "updated_at")).values(
            key=key, value=value, updated_at=at
        )
    )
