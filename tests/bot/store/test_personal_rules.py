"""Personal-rule storage on SQLite and PostgreSQL: per owner, unique names, a hard limit.

Pins down that owners never see each other's rules (chat vs topic vs server),
a name is unique per owner only, the limit holds even for adds racing from
two connections, and removing frees a slot.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.notify.base import Target
from bot.store import Store
from bot.store.personal_rules import PersonalRules, RuleLimitError, RuleNameTakenError

from .conftest import T0, EngineMaker

CHAT = Target("telegram", "5001")
TOPIC = Target("telegram", "5001", "7")
GUILD = Target("discord", "guild:99")


async def test_owners_are_separate_and_names_unique(store: Store) -> None:
    rules = PersonalRules(store, limit=3)
    await rules.add(CHAT, "jgb", "jgb.40y >= 3.8", "u1", T0)
    await rules.add(TOPIC, "jgb", "jgb.40y >= 3.9", "u1", T0)
    await rules.add(GUILD, "jgb", "score >= 60", "u2", T0)
    with pytest.raises(RuleNameTakenError):
        await rules.add(CHAT, "jgb", "score >= 1", "u1", T0)
    assert [r.expr for r in await rules.owned(CHAT)] == ["jgb.40y >= 3.8"]
    assert [r.expr for r in await rules.owned(TOPIC)] == ["jgb.40y >= 3.9"]
    assert [(r.owner, r.created_by) for r in await rules.owned(GUILD)] == [(GUILD, "u2")]
    assert len(await rules.everything()) == 3


async def test_limit_and_remove(store: Store) -> None:
    rules = PersonalRules(store, limit=2)
    await rules.add(CHAT, "a", "score >= 60", "u", T0)
    await rules.add(CHAT, "b", "score >= 70", "u", T0)
    with pytest.raises(RuleLimitError) as err:
        await rules.add(CHAT, "c", "score >= 80", "u", T0)
    assert err.value.limit == 2
    await rules.add(TOPIC, "c", "score >= 80", "u", T0)  # another owner has its own slots
    assert await rules.remove(CHAT, "a") is True
    assert await rules.remove(CHAT, "a") is False
    await rules.add(CHAT, "c", "score >= 80", "u", T0)
    assert [r.name for r in await rules.owned(CHAT)] == ["b", "c"]


async def test_racing_adds_never_pass_the_limit(engine_maker: EngineMaker) -> None:
    """Ten adds at once from two stores (two processes' worth) leave exactly the limit."""
    async with Store(engine_maker()) as one, Store(engine_maker(), migrate=False) as two:
        a, b = PersonalRules(one, limit=4), PersonalRules(two, limit=4)

        async def add(i: int) -> bool:
            try:
                await (a if i % 2 else b).add(CHAT, f"r{i}", "score >= 60", "u", T0)
            except (RuleLimitError, RuleNameTakenError):
                return False
            except Exception as exc:  # SQLite "database is locked" under the race counts as refused
                if "locked" in str(exc):
                    return False
                raise
            return True

        results = await asyncio.gather(*(add(i) for i in range(10)))
        assert len(await a.owned(CHAT)) <= 4
        assert sum(results) == len(await a.owned(CHAT))
