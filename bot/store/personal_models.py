"""Tables of issue 13: personal rules and weekly-digest preferences (migration 0006).

Both are keyed by an owner: ``(platform, owner_id, thread_id)`` — a Telegram
chat (and forum topic), a Discord DM channel, or a Discord server written
``guild:<id>`` (its alerts go to the server's alert channel). ``thread_id`` is
``""`` for "no topic", as in ``subscriptions``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class PersonalRuleModel(Base):
    __tablename__ = "personal_rules"
    __table_args__ = (UniqueConstraint("platform", "owner_id", "thread_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[str] = mapped_column(String(80))
    thread_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(32))
    expr: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]


class DigestModel(Base):
    __tablename__ = "digest_settings"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("hour BETWEEN 0 AND 23", name="hour"),
    )

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    thread_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday, in the owner's zone
    hour: Mapped[int] = mapped_column(Integer)
    tz: Mapped[str] = mapped_column(String(64))
    last_sent_for: Mapped[str | None] = mapped_column(String(16))  # local date of the last one
    updated_at: Mapped[dt.datetime]
