"""Subscriptions: which chats get alerts, and each chat's preferences.

A chat is ``(platform, chat_id, thread_id)``; ``thread_id`` None (stored ``""``)
is the chat itself. Unsubscribing or a chat that blocked the bot deactivates the
row rather than deleting it, so preferences survive a later ``/subscribe``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notify.base import Target
from bot.store.models import SubscriptionModel
from bot.store.outbox import retarget_deliveries, target_of, thread_key
from bot.store.records import Subscription, SubscriptionKind
from signals.levels import Level

UPDATABLE = frozenset(
    {
        "kind",
        "guild_id",
        "min_level",
        "quiet_start",
        "quiet_end",
        "tz",
        "muted_rules",
        "mute_until",
        "active",
        "broken_reason",
        "ping_role",
    }
)


def _time_text(value: dt.time | str | None) -> str | None:
    if value is None:
        return None
    t = value if isinstance(value, dt.time) else dt.time.fromisoformat(value)
    return t.strftime("%H:%M")


def _check_tz(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}; use an IANA name like Asia/Tokyo") from exc
    return name


def _column_value(field: str, value: Any) -> Any:
    """A preference as stored; raises ValueError for an impossible one."""
    if field == "min_level":
        return (value if isinstance(value, Level) else Level.parse(str(value))).label
    if field in ("quiet_start", "quiet_end"):
        return _time_text(value)
    if field == "tz":
        return _check_tz(str(value))
    if field == "muted_rules":
        return sorted({str(rule) for rule in value})
    if field == "kind" and value not in ("channel", "private", "group", "guild"):
        raise ValueError(f"unknown subscription kind {value!r}")
    if field == "mute_until" and value is not None and value.tzinfo is None:
        raise ValueError("mute_until must be an aware datetime")
    return value


def to_subscription(r: SubscriptionModel) -> Subscription:
    return Subscription(
        id=r.id,
        target=target_of(r.platform, r.chat_id, r.thread_id),
        kind=r.kind,  # type: ignore[arg-type]  # the CHECK constraint keeps it a kind
        guild_id=r.guild_id,
        min_level=Level.parse(r.min_level),
        quiet_start=dt.time.fromisoformat(r.quiet_start) if r.quiet_start else None,
        quiet_end=dt.time.fromisoformat(r.quiet_end) if r.quiet_end else None,
        tz=r.tz,
        muted_rules=tuple(r.muted_rules),
        mute_until=r.mute_until,
        active=r.active,
        broken_reason=r.broken_reason,
        created_at=r.created_at,
        updated_at=r.updated_at,
        ping_role=r.ping_role,
    )


def _where(target: Target) -> tuple[Any, ...]:
    m = SubscriptionModel
    return (
        m.platform == target.platform,
        m.chat_id == target.chat_id,
        m.thread_id == thread_key(target.thread_id),
    )


async def get_subscription(session: AsyncSession, target: Target) -> Subscription | None:
    row = await session.scalar(select(SubscriptionModel).where(*_where(target)))
    return to_subscription(row) if row is not None else None


async def upsert_subscription(
    session: AsyncSession,
    target: Target,
    kind: SubscriptionKind,
    now: dt.datetime,
    *,
    guild_id: str | None = None,
    min_level: Level | None = None,
    tz: str | None = None,
) -> Subscription:
    """Subscribe ``target``, or reactivate it keeping its stored preferences.

    ``min_level``/``tz`` given here override; left None they default to
    ``elevated``/``UTC`` for a new chat and stay as they were for a known one.
    """
    row = await session.scalar(select(SubscriptionModel).where(*_where(target)))
    if row is None:
        row = SubscriptionModel(
            platform=target.platform,
            chat_id=target.chat_id,
            thread_id=thread_key(target.thread_id),
            guild_id=guild_id,
            kind=_column_value("kind", kind),
            min_level=_column_value("min_level", min_level or Level.ELEVATED),
            quiet_start=None,
            quiet_end=None,
            tz=_check_tz(tz or "UTC"),
            muted_rules=[],
            mute_until=None,
            active=True,
            broken_reason=None,
            ping_role=None,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
    else:
        row.kind = _column_value("kind", kind)
        row.guild_id = guild_id if guild_id is not None else row.guild_id
        if min_level is not None:
            row.min_level = min_level.label
        if tz is not None:
            row.tz = _check_tz(tz)
        row.active = True
        row.broken_reason = None
        row.updated_at = now
    await session.flush()
    await session.refresh(row)  # return what was stored (UTC), not what was given
    return to_subscription(row)


async def update_subscription(
    session: AsyncSession, target: Target, now: dt.datetime, **changes: Any
) -> Subscription | None:
    """Change preferences of a known chat (names in ``UPDATABLE``); None if unknown."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
    row = await session.scalar(select(SubscriptionModel).where(*_where(target)))
    if row is None:
        return None
    for name, value in changes.items():
        setattr(row, name, _column_value(name, value))
    row.updated_at = now
    await session.flush()
    await session.refresh(row)  # return what was stored (UTC), not what was given
    return to_subscription(row)


async def deactivate(
    session: AsyncSession, platform: str, chat_id: str, reason: str, now: dt.datetime
) -> int:
    """Stop alerts to every topic of a chat (unsubscribed, blocked, deleted): rows changed."""
    m = SubscriptionModel
    result = await session.execute(
        update(m)
        .where(m.platform == platform, m.chat_id == chat_id, m.active.is_(True))
        .values(active=False, broken_reason=reason, updated_at=now)
        .returning(m.id)
    )
    return len(result.all())


async def migrate_chat(
    session: AsyncSession, platform: str, old_chat_id: str, new_chat_id: str, now: dt.datetime
) -> int:
    """A chat changed id (Telegram group → supergroup): move its subscriptions and unsent
    deliveries. Where the new id is already subscribed, that row wins and the old one
    is deactivated. Returns the subscriptions moved."""
    m = SubscriptionModel
    moved = 0
    rows = await session.scalars(select(m).where(m.platform == platform, m.chat_id == old_chat_id))
    for row in rows.all():
        clash = await session.scalar(
            select(m.id).where(
                m.platform == platform, m.chat_id == new_chat_id, m.thread_id == row.thread_id
            )
        )
        if clash is None:
            row.chat_id = new_chat_id
            moved += 1
        else:
            row.active = False
            row.broken_reason = f"migrated to {new_chat_id}"
        row.updated_at = now
    await session.flush()
    await retarget_deliveries(session, platform, old_chat_id, new_chat_id)
    return moved


async def active_subscriptions(
    session: AsyncSession, platform: str | None = None
) -> list[Subscription]:
    m = SubscriptionModel
    stmt = select(m).where(m.active.is_(True)).order_by(m.platform, m.chat_id, m.thread_id)
    if platform is not None:
        stmt = stmt.where(m.platform == platform)
    return [to_subscription(r) for r in await session.scalars(stmt)]


async def count_subscriptions(session: AsyncSession) -> dict[str, int]:
    """Active subscriptions per platform."""
    m = SubscriptionModel
    result = await session.execute(
        select(m.platform, func.count()).where(m.active.is_(True)).group_by(m.platform)
    )
    return {platform: int(n) for platform, n in result}
