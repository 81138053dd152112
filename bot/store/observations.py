"""Observations: idempotent upsert with corrections, and reads for the engine.

Saving the same value twice is a no-op; a different value for a known
``(series, date)`` is a provider's correction: it replaces the old value and is
reported, so the engine rescores from that date and the change can be logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import insert_ignoring
from bot.store.models import ObservationModel
from bot.store.records import Correction, UpsertResult
from signals.observation import Observation

_CHUNK = 5_000


async def upsert_observations(session: AsyncSession, obs: Sequence[Observation]) -> UpsertResult:
    """Insert new values, correct changed ones, count the rest; within the caller's transaction.

    Within ``obs`` the last value for a ``(series, date)`` wins.
    """
    latest: dict[tuple[str, dt.date], Observation] = {}
    for o in obs:
        latest[(o.series, o.date)] = o
    if not latest:
        return UpsertResult()
    existing = await _existing(session, latest.values())
    new_rows: list[dict[str, object]] = []
    corrections: list[Correction] = []
    unchanged = 0
    for key, o in latest.items():
        old = existing.get(key)
        if old is None:
            new_rows.append(_row(o))
        elif old == o.value:
            unchanged += 1
        else:
            corrections.append(Correction(o.series, o.date, old, o.value))
            await session.execute(
                update(ObservationModel)
                .where(ObservationModel.series == o.series, ObservationModel.date == o.date)
                .values(
                    value=o.value,
                    source=o.source,
                    fetched_at=o.fetched_at,
                    provisional=o.provisional,
                )
            )
    # ON CONFLICT DO NOTHING: another writer (a second replica, or a backfill racing a
    # poll) may insert the same row between our read and this insert; theirs stands.
    stmt = insert_ignoring(session, ObservationModel, ("series", "date"))
    for start in range(0, len(new_rows), _CHUNK):
        await session.execute(stmt, new_rows[start : start + _CHUNK])
    corrections.sort(key=lambda c: (c.date, c.series))
    return UpsertResult(inserted=len(new_rows), unchanged=unchanged, corrected=tuple(corrections))


async def has_news(session: AsyncSession, obs: Sequence[Observation]) -> bool:
    """Whether ``obs`` holds a value the store lacks or has differently (reads only)."""
    if not obs:
        return False
    existing = await _existing(session, obs)
    return any(existing.get((o.series, o.date)) != o.value for o in obs)


async def _existing(
    session: AsyncSession, obs: Iterable[Observation]
) -> dict[tuple[str, dt.date], float]:
    """Stored values for the keys in ``obs`` (one range query per series)."""
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for o in obs:
        lo, hi = spans.get(o.series, (o.date, o.date))
        spans[o.series] = (min(lo, o.date), max(hi, o.date))
    found: dict[tuple[str, dt.date], float] = {}
    for series, (lo, hi) in spans.items():
        result = await session.execute(
            select(ObservationModel.date, ObservationModel.value).where(
                ObservationModel.series == series,
                ObservationModel.date >= lo,
                ObservationModel.date <= hi,
            )
        )
        for day, value in result:
            found[(series, day)] = value
    return found


def _row(o: Observation) -> dict[str, object]:
    return {
        "series": o.series,
        "date": o.date,
        "value": o.value,
        "source": o.source,
        "fetched_at": o.fetched_at,
        "provisional": o.provisional,
    }


async def load_observations(
    session: AsyncSession,
    since: dt.date | None = None,
    series: Iterable[str] | None = None,
) -> list[Observation]:
    """Stored observations from ``since`` (inclusive), ordered by ``(date, series)``."""
    m = ObservationModel
    stmt = select(m.series, m.date, m.value, m.source, m.fetched_at, m.provisional).order_by(
        m.date, m.series
    )
    if since is not None:
        stmt = stmt.where(m.date >= since)
    if series is not None:
        names = sorted(set(series))
        if not names:
            return []
        stmt = stmt.where(m.series.in_(names))
    result = await session.execute(stmt)
    return [
        Observation(series=s, date=d, value=v, source=src, fetched_at=f, provisional=bool(p))
        for s, d, v, src, f, p in result
    ]


async def latest_observation_dates(session: AsyncSession) -> dict[str, dt.date]:
    """The newest stored market date of every series (what staleness is judged from)."""
    result = await session.execute(
        select(ObservationModel.series, func.max(ObservationModel.date)).group_by(
            ObservationModel.series
        )
    )
    return {series: day for series, day in result}  # noqa: C416 (Rows, not pairs)
