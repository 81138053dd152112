"""save_evaluation writes snapshot, outbox, deliveries, rule states and the
notification log all or nothing; the dedup key stores an alert once."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from bot.alerts.events import AlertEvent, EventKind
from bot.notify.base import Target
from bot.render import event_text
from bot.store import PlannedDelivery, RuleStateRow, Store
from bot.store.models import (
    AlertModel,
    Base,
    DeliveryModel,
    NotificationLogModel,
    RuleStateModel,
    SnapshotModel,
)
from signals.levels import Level

from .conftest import T0, make_alert, make_snapshot

TG = Target("telegram", "-1001", None)
DC = Target("discord", "42", "7")


def firing_state(rule: str = "usdjpy_crash") -> RuleStateRow:
    return RuleStateRow(
        rule=rule,
        state="firing",
        since=T0,
        active_since=T0 - dt.timedelta(hours=1),
        last_value=-7.4,
        level=Level.SEVERE,
        episode=f"{rule}:2024-08-05",
        last_fired_at=T0,
        last_notified_at=T0,
        payload={"breaches": 3, "peak": -7.4},
    )


async def row_counts(store: Store) -> dict[str, int]:
    counts = {}
    async with store.transaction() as s:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = int(await s.scalar(select(func.count()).select_from(table)) or 0)
    return counts


async def test_save_evaluation_writes_everything(store: Store) -> None:
    events = [make_alert(), make_alert(rule="jgb40_high", episode="jgb40_high:1")]
    saved = await store.save_evaluation(
        make_snapshot(),
        T0,
        events,
        [firing_state()],
        deliveries_for=[TG, PlannedDelivery(DC, "held", T0 + dt.timedelta(hours=8))],
    )
    assert len(saved.alert_ids) == 2
    assert saved.duplicates == ()
    counts = await row_counts(store)
    assert counts["snapshots"] == 1
    assert counts["alerts"] == 2
    assert counts["deliveries"] == 4
    assert counts["notification_log"] == 2
    assert await store.delivery_stats() == {
        "pending": 2,
        "held": 2,
        "sent": 0,
        "failed": 0,
        "permanent": 0,
        "claimed": 0,
    }
    assert await store.was_notified("usdjpy_crash", "usdjpy_crash:2024-08-05", EventKind.FIRING)
    assert not await store.was_notified("usdjpy_crash", "other", EventKind.FIRING)

    latest = await store.latest_snapshot()
    assert latest is not None
    assert latest.id == saved.snapshot_id
    assert latest.level is Level.SEVERE
    assert latest.computed_at == T0
    assert latest.payload["components"]["usdjpy"]["value"] == {"chg_5d_pct": -7.4, "z": None}

    states = await store.get_rule_states()
    assert states == {"usdjpy_crash": firing_state()}

    alerts = await store.recent_alerts(10)
    assert {a.rule for a in alerts} == {"usdjpy_crash", "jgb40_high"}
    assert alerts[0].kind is EventKind.FIRING
    assert alerts[0].created_at == T0


async def test_failure_midway_writes_nothing(store: Store) -> None:
    """An error after the snapshot and the first alert were written rolls all back."""
    calls = 0

    def explode_on_second(alert: AlertEvent) -> list[Target]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("killed midway")
        return [TG]

    events = [make_alert(), make_alert(rule="jgb40_high", episode="e2")]
    with pytest.raises(RuntimeError, match="killed midway"):
        await store.save_evaluation(
            make_snapshot(), T0, events, [firing_state()], deliveries_for=explode_on_second
        )
    assert calls == 2
    assert set((await row_counts(store)).values()) == {0}
    assert await store.latest_snapshot() is None


async def test_duplicate_event_is_refused(store: Store) -> None:
    """The same (rule, episode, kind, seq) again is stored once; another seq is new."""
    first = await store.save_evaluation(make_snapshot(), T0, [make_alert()], deliveries_for=[TG])
    later = T0 + dt.timedelta(minutes=5)
    second = await store.save_evaluation(
        make_snapshot(),
        later,
        [make_alert(created_at=later), make_alert(kind=EventKind.REPEAT, seq=1)],
        deliveries_for=[TG],
    )
    assert len(first.alert_ids) == 1
    assert len(second.alert_ids) == 1
    assert [d.kind for d in second.duplicates] == [EventKind.FIRING]
    assert (await row_counts(store))["alerts"] == 2
    assert await store.pending_count() == 2

    # The database itself refuses a plain duplicate insert.
    dup = make_alert()
    with pytest.raises(IntegrityError):
        async with store.transaction() as s:
            await s.execute(
                insert(AlertModel).values(
                    evaluation_id="x",
                    **{
                        k: getattr(dup, k)
                        for k in ("rule", "as_of", "created_at", "episode", "seq")
                    },
                    kind=dup.kind.value,
                    level=dup.level.label,
                    headline=event_text.headline(dup),
                    cause=event_text.cause(dup),
                    unit=event_text.unit(dup),
                )
            )


async def test_rule_states_are_updated_in_place(store: Store) -> None:
    await store.save_evaluation(make_snapshot(), T0, rule_states=[firing_state()])
    resolved = dataclasses.replace(firing_state(), state="inactive", level=None, payload={})
    await store.save_evaluation(make_snapshot(), T0 + dt.timedelta(hours=1), rule_states=[resolved])
    assert await store.get_rule_states() == {"usdjpy_crash": resolved}
    async with store.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(RuleStateModel)) == 1


async def test_snapshot_history_one_per_day(store: Store) -> None:
    for day in (1, 2, 3):
        for hour in (1, 2):
            at = dt.datetime(2024, 8, day, hour, tzinfo=dt.UTC)
            await store.save_evaluation(make_snapshot(dt.date(2024, 8, day), 10.0 * day + hour), at)
    daily = await store.snapshots_between(dt.date(2024, 8, 2), dt.date(2024, 8, 3))
    assert [(s.as_of.day, s.score) for s in daily] == [(2, 22.0), (3, 32.0)]
    every = await store.snapshots_between(
        dt.date(2024, 8, 1), dt.date(2024, 8, 3), latest_per_day=False
    )
    assert len(every) == 6
    latest = await store.latest_snapshot()
    assert latest is not None
    assert (latest.as_of.day, latest.score) == (3, 32.0)


async def test_recent_alerts_for_one_chat(store: Store) -> None:
    await store.save_evaluation(make_snapshot(), T0, [make_alert()], deliveries_for=[TG])
    later = T0 + dt.timedelta(hours=1)
    await store.save_evaluation(
        make_snapshot(),
        later,
        [make_alert(rule="jgb40_high", episode="e2", created_at=later)],
        deliveries_for=[TG, DC],
    )
    assert [a.rule for a in await store.recent_alerts(5)] == ["jgb40_high", "usdjpy_crash"]
    assert [a.rule for a in await store.recent_alerts(1)] == ["jgb40_high"]
    assert [a.rule for a in await store.recent_alerts(5, DC)] == ["jgb40_high"]
    assert [a.rule for a in await store.recent_alerts(5, Target("discord", "42"))] == ["jgb40_high"]
    assert await store.recent_alerts(5, Target("telegram", "nobody")) == []


async def test_enqueue_alert_without_snapshot(store: Store) -> None:
    """Admin test alerts and broadcasts go through the same outbox."""
    test_alert = make_alert(rule="test", kind=EventKind.TEST, episode="t-1")
    alert_id = await store.enqueue_alert(test_alert, [TG])
    assert alert_id is not None
    assert await store.enqueue_alert(test_alert, [TG]) is None
    async with store.transaction() as s:
        row = await s.get(AlertModel, alert_id)
        assert row is not None
        assert row.snapshot_id is None
        assert await s.scalar(select(func.count()).select_from(DeliveryModel)) == 1
        assert await s.scalar(select(func.count()).select_from(SnapshotModel)) == 0
        assert await s.scalar(select(func.count()).select_from(NotificationLogModel)) == 1
