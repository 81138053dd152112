"""The tables, as SQLAlchemy 2 typed declarative models.

These classes never leave ``bot/store``: the repository functions turn rows into
frozen dataclasses or the contract types (``Observation``, ``AlertEvent``,
``Target``). The migration in ``migrations/versions`` must produce exactly this
schema; ``tests/bot/store/test_migrations.py`` compares the two on both dialects.

``thread_id`` columns hold ``""`` for "no thread": NULLs are distinct in a unique
constraint on SQLite and PostgreSQL alike, so a nullable column would let the same
chat subscribe twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.store.columns import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DELIVERY_STATUSES = ("pending", "held", "sent", "failed", "permanent")
RULE_STATES = ("inactive", "pending", "firing", "recovering")
SUBSCRIPTION_KINDS = ("channel", "private", "group", "guild")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ObservationModel(Base):
    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("series", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(64))
    date: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[dt.datetime | None]
    provisional: Mapped[bool] = mapped_column(default=False, server_default="0")  # 0002


class SnapshotModel(Base):
    __tablename__ = "snapshots"
    __table_args__ = (Index(None, "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    computed_at: Mapped[dt.datetime]
    score: Mapped[float | None] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]]


class AlertModel(Base):
    """The outbox: one row per alert event, written with its snapshot."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("rule", "episode", "kind", "seq", name="uq_alerts_dedup"),
        Index(None, "evaluation_id"),
        Index(None, "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id", ondelete="SET NULL"))
    evaluation_id: Mapped[str] = mapped_column(String(36))
    rule: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    headline: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime]
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    episode: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # AlertEvent.to_json(), 0002
    attachment: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # ChartSpec.to_json(), 0008


class DeliveryModel(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "platform", "chat_id", "thread_id"),
        CheckConstraint(_in("status", DELIVERY_STATUSES), name="status"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "platform", "chat_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[dt.datetime | None]


class SubscriptionModel(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "thread_id"),
        CheckConstraint(_in("kind", SUBSCRIPTION_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str] = mapped_column(String(64))
    guild_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    min_level: Mapped[str] = mapped_column(String(16))
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    tz: Mapped[str] = mapped_column(String(64))
    muted_rules: Mapped[list[str]] = mapped_column(JSON)
    mute_until: Mapped[dt.datetime | None]
    active: Mapped[bool]
    broken_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    ping_role: Mapped[str | None] = mapped_column(String(32))  # Discord role on severe


class QualityEventModel(Base):
    __tablename__ = "quality_events"
    __table_args__ = (Index(None, "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime]
    source: Mapped[str] = mapped_column(String(64))
    series: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date | None] = mapped_column(Date)  # the market date concerned, if any


class RuleStateModel(Base):
    __tablename__ = "rule_states"
    __table_args__ = (CheckConstraint(_in("state", RULE_STATES), name="state"),)

    rule: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    since: Mapped[dt.datetime | None]
    active_since: Mapped[dt.datetime | None]
    last_value: Mapped[float | None] = mapped_column(Float)
    level: Mapped[str | None] = mapped_column(String(16))
    episode: Mapped[str | None] = mapped_column(String(64))
    last_fired_at: Mapped[dt.datetime | None]
    last_notified_at: Mapped[dt.datetime | None]
    payload: Mapped[dict[str, Any]]


class NotificationLogModel(Base):
    __tablename__ = "notification_log"

    rule: Mapped[str] = mapped_column(String(128), primary_key=True)
    episode: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    notified_at: Mapped[dt.datetime]


class MetaModel(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]
