"""Personal rules: each chat's or server's own thresholds, at most N per owner.

An owner is a :class:`~bot.notify.base.Target` (see ``personal_models`` for the
Discord server form). Adding counts and inserts in one
transaction holding a per-owner advisory lock on PostgreSQL (its default READ
COMMITTED would let two concurrent ``/rule add`` both see 19 rules); on SQLite
the insert comes first and takes the single write lock, and the count after it
decides. The unique constraint catches a duplicate name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notify.base import Target
from bot.store.outbox import target_of, thread_key
from bot.store.personal_models import PersonalRuleModel
from bot.store.store import Store

DEFAULT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class PersonalRuleRow:
    id: int
    owner: Target
    name: str
    expr: str
    created_by: str
    created_at: dt.datetime


class RuleLimitError(Exception):
    """The owner already holds its maximum number of rules."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"this chat already has {limit} rules, the most it can hold")
        self.limit = limit


class RuleNameTakenError(Exception):
    """The owner already has a rule of that name."""


def _row(m: PersonalRuleModel) -> PersonalRuleRow:
    return PersonalRuleRow(
        m.id,
        target_of(m.platform, m.owner_id, m.thread_id),
        m.name,
        m.expr,
        m.created_by,
        m.created_at,
    )


def _owned(owner: Target) -> tuple[ColumnElement[bool], ...]:
    return (
        PersonalRuleModel.platform == owner.platform,
        PersonalRuleModel.owner_id == owner.chat_id,
        PersonalRuleModel.thread_id == thread_key(owner.thread_id),
    )


async def count_rules(session: AsyncSession, owner: Target) -> int:
    stmt = select(func.count()).select_from(PersonalRuleModel).where(*_owned(owner))
    return int((await session.execute(stmt)).scalar_one())


async def list_rules(session: AsyncSession, owner: Target) -> list[PersonalRuleRow]:
    stmt = select(PersonalRuleModel).where(*_owned(owner)).order_by(PersonalRuleModel.id)
    return [_row(m) for m in (await session.execute(stmt)).scalars()]


async def all_rules(session: AsyncSession) -> list[PersonalRuleRow]:
    stmt = select(PersonalRuleModel).order_by(PersonalRuleModel.id)
    return [_row(m) for m in (await session.execute(stmt)).scalars()]


async def _lock_owner(session: AsyncSession, owner: Target) -> None:
    """Serialise adds for one owner until commit (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name == "postgresql":
        key = f"personal_rules:{owner.platform}:{owner.chat_id}:{owner.thread_id or ''}"
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))


class PersonalRules:
    """The store operations behind ``/rule``; each call is one transaction."""

    def __init__(self, store: Store, limit: int = DEFAULT_LIMIT) -> None:
        self._store = store
        self.limit = limit

    async def add(
        self, owner: Target, name: str, expr: str, created_by: str, now: dt.datetime
    ) -> PersonalRuleRow:
        """Store a rule; RuleLimitError at the limit, RuleNameTakenError for a used name."""
        try:
            async with self._store.transaction() as s:
                await _lock_owner(s, owner)
                if await count_rules(s, owner) >= self.limit:
                    raise RuleLimitError(self.limit)
                model = PersonalRuleModel(
                    platform=owner.platform,
                    owner_id=owner.chat_id,
                    thread_id=thread_key(owner.thread_id),
                    name=name,
                    expr=expr,
                    created_by=created_by,
                    created_at=now,
                )
                s.add(model)
                await s.flush()  # SQLite: this insert takes the one write lock ...
                if await count_rules(s, owner) > self.limit:  # ... so this count is exact
                    raise RuleLimitError(self.limit)
                return _row(model)
        except IntegrityError:
            raise RuleNameTakenError(name) from None

    async def remove(self, owner: Target, name: str) -> bool:
        async with self._store.transaction() as s:
            stmt = delete(PersonalRuleModel).where(*_owned(owner), PersonalRuleModel.name == name)
            result = await s.execute(stmt)
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def owned(self, owner: Target) -> list[PersonalRuleRow]:
        async with self._store.transaction() as s:
            return await list_rules(s, owner)

    async def everything(self) -> list[PersonalRuleRow]:
        """Every owner's rules, for the evaluator."""
        async with self._store.transaction() as s:
            return await all_rules(s)
