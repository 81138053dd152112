"""Deliveries: a sent row is never claimed again, an expired lease is claimed again
(a dispatcher killed with -9), and concurrent claimers never share a row."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notify.base import Target
from bot.store import PlannedDelivery, Store
from bot.store.db import session_factory
from bot.store.outbox import claim_due

from .conftest import T0, EngineMaker, make_alert, make_snapshot

LEASE = dt.timedelta(seconds=30)
CHATS = [Target("telegram", str(n)) for n in range(6)]


async def seed(store: Store, targets: list[Target] = CHATS, alerts: int = 1) -> list[int]:
    events = [make_alert(rule=f"r{n}", episode=f"e{n}") for n in range(alerts)]
    saved = await store.save_evaluation(make_snapshot(), T0, events, deliveries_for=targets)
    return list(saved.alert_ids)


async def test_claim_then_sent_is_never_claimed_again(store: Store) -> None:
    await seed(store, CHATS[:2])
    claimed = await store.claim_due(T0, 10, "w1", LEASE)
    assert [c.target for c in claimed] == CHATS[:2]
    assert all(c.attempts == 1 for c in claimed)
    assert claimed[0].alert.event.rule == "r0"
    assert claimed[0].claimed_until == T0 + LEASE
    assert claimed[0].evaluation_id == claimed[1].evaluation_id

    assert await store.claim_due(T0 + dt.timedelta(seconds=5), 10, "w2", LEASE) == []
    for c in claimed:
        assert await store.mark_sent(c.delivery_id, f"m{c.delivery_id}", T0)
    assert await store.claim_due(T0 + dt.timedelta(days=1), 10, "w2", LEASE) == []
    # A late failure report from a slow worker cannot undo a recorded send.
    assert not await store.mark_retry(claimed[0].delivery_id, T0, "late")
    assert (await store.delivery_stats())["sent"] == 2
    assert await store.pending_count() == 0


async def test_expired_lease_is_claimed_again_after_kill(engine_maker: EngineMaker) -> None:
    """Worker A claims and dies without a word; after the lease another process gets it."""
    async with Store(engine_maker()) as a:
        await seed(a, CHATS[:1])
        (lost,) = await a.claim_due(T0, 10, "worker-a", LEASE)
    async with Store(engine_maker()) as b:  # a new process after kill -9
        assert await b.claim_due(T0 + LEASE - dt.timedelta(seconds=1), 10, "worker-b", LEASE) == []
        (again,) = await b.claim_due(T0 + LEASE, 10, "worker-b", LEASE)
        assert again.delivery_id == lost.delivery_id
        assert again.attempts == 2
        assert (await b.delivery_stats())["claimed"] == 1


async def test_mark_sent_with_a_lost_lease_leaves_the_row_to_its_new_owner(
    engine_maker: EngineMaker,
) -> None:
    """A slow worker whose lease ran out and was re-claimed cannot record the send:
    the new owner's send and record stand (at most the one in-flight send doubles)."""
    async with Store(engine_maker()) as a, Store(engine_maker()) as b:
        await seed(a, CHATS[:1])
        (slow,) = await a.claim_due(T0, 10, "worker-a", LEASE)
        (again,) = await b.claim_due(T0 + LEASE, 10, "worker-b", LEASE)
        assert again.delivery_id == slow.delivery_id
        assert not await a.mark_sent(slow.delivery_id, "late-a", T0 + LEASE, "worker-a")
        stats = await a.delivery_stats()
        assert stats["sent"] == 0 and stats["claimed"] == 1  # still b's, still owed
        assert await b.mark_sent(again.delivery_id, "b", T0 + LEASE, "worker-b")
        assert not await a.mark_sent(slow.delivery_id, "late-a", T0 + LEASE, "worker-a")
        assert (await b.delivery_stats())["sent"] == 1


async def test_mark_sent_after_an_expired_but_untaken_lease_still_records(store: Store) -> None:
    """A lease that ran out with nobody else claiming is still the sender's to record,
    so the row is not sent a second time."""
    await seed(store, CHATS[:1])
    (c,) = await store.claim_due(T0, 10, "worker-a", LEASE)
    assert await store.mark_sent(c.delivery_id, "m", T0 + 2 * LEASE, "worker-a")
    assert await store.claim_due(T0 + 3 * LEASE, 10, "worker-b", LEASE) == []


async def test_retry_waits_and_permanent_stops(store: Store) -> None:
    await seed(store, CHATS[:2])
    one, two = await store.claim_due(T0, 10, "w", LEASE)
    later = T0 + dt.timedelta(minutes=2)
    assert await store.mark_retry(one.delivery_id, later, "429 retry_after=120")
    assert await store.mark_permanent(two.delivery_id, "403 bot was blocked")
    assert await store.claim_due(T0 + dt.timedelta(minutes=1), 10, "w", LEASE) == []
    (retried,) = await store.claim_due(later, 10, "w", LEASE)
    assert retried.delivery_id == one.delivery_id
    assert retried.attempts == 2
    stats = await store.delivery_stats()
    assert stats["failed"] == 1
    assert stats["permanent"] == 1


async def test_held_deliveries_wait_for_release(store: Store) -> None:
    quiet_end = T0 + dt.timedelta(hours=6)
    (alert_id,) = await seed(store, [])
    await store.enqueue_deliveries(alert_id, [CHATS[0]], status="held")
    await store.enqueue_deliveries(alert_id, [PlannedDelivery(CHATS[1], "held", quiet_end)])
    assert await store.claim_due(T0 + dt.timedelta(days=1), 10, "w", LEASE) == []
    assert await store.pending_count() == 2
    assert await store.release_held("telegram", "0", T0) == 1
    assert await store.release_due_held(T0) == 0
    assert await store.release_due_held(quiet_end) == 1
    claimed = await store.claim_due(quiet_end, 10, "w", LEASE)
    assert sorted(c.target.chat_id for c in claimed) == ["0", "1"]


async def test_enqueue_is_idempotent(store: Store) -> None:
    (alert_id,) = await seed(store, [])
    assert await store.enqueue_deliveries(alert_id, CHATS[:3]) == 3
    assert await store.enqueue_deliveries(alert_id, CHATS[:4]) == 1
    assert await store.enqueue_deliveries(alert_id, [Target("discord", "1", "thread")]) == 1
    assert await store.pending_count() == 5


async def test_many_concurrent_claimers_share_nothing(store: Store) -> None:
    """Each delivery goes to exactly one of several racing claimers (both dialects)."""
    await seed(store, CHATS, alerts=5)

    async def claimer(name: str) -> list[int]:
        got: list[int] = []
        while batch := await store.claim_due(T0, 3, name, LEASE):
            got.extend(c.delivery_id for c in batch)
        return got

    results = await asyncio.gather(*(claimer(f"w{n}") for n in range(4)))
    ids = [i for r in results for i in r]
    assert len(ids) == len(set(ids)) == 30


async def test_pg_skip_locked_claimers_never_block_or_share(store: Store) -> None:
    """Two open transactions claim at once: the second skips the rows the first
    holds locked instead of waiting or taking them too."""
    if store.dialect != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite claims in one atomic statement")
    await seed(store, CHATS)
    sessions = session_factory(store.engine)
    async with sessions() as s1, sessions() as s2:
        tx1: AsyncSession = s1
        await tx1.begin()
        first = await claim_due(tx1, T0, 4, "a", LEASE)  # locked, not yet committed
        await s2.begin()
        second = await asyncio.wait_for(claim_due(s2, T0, 4, "b", LEASE), timeout=5)
        await tx1.commit()
        await s2.commit()
    a = {c.delivery_id for c in first}
    b = {c.delivery_id for c in second}
    assert len(a) == 4
    assert len(b) == 2
    assert not a & b
    assert await store.claim_due(T0, 10, "c", LEASE) == []
