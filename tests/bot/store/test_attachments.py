"""Outbox rows carry a chart spec (0008), on SQLite and PostgreSQL: stored as written,
handed back with the claimed delivery; a row without one has none, and a spec that
cannot be read is dropped (logged) without losing the alert."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import update

from bot.alerts.attachments import DIGEST_SCORE, ChartSpec
from bot.notify.base import Target
from bot.store import Store
from bot.store.models import AlertModel

from .conftest import T0, make_alert

LEASE = dt.timedelta(seconds=30)
CHAT = Target("telegram", "5001")
SPEC = ChartSpec(DIGEST_SCORE, dt.date(2024, 7, 29), dt.date(2024, 8, 4), "Asia/Tokyo", T0)


async def test_spec_travels_with_the_claimed_delivery(store: Store) -> None:
    with_chart = await store.enqueue_alert(make_alert(rule="a"), [CHAT], attachment=SPEC)
    plain = await store.enqueue_alert(make_alert(rule="b"), [CHAT])
    claimed = {c.alert.id: c.alert for c in await store.claim_due(T0, 10, "w1", LEASE)}
    assert claimed[with_chart or -1].attachment == SPEC
    assert claimed[plain or -1].attachment is None


async def test_unreadable_spec_is_dropped_not_the_alert(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    alert_id = await store.enqueue_alert(make_alert(), [CHAT], attachment=SPEC)
    async with store.transaction() as s:
        await s.execute(
            update(AlertModel)
            .where(AlertModel.id == alert_id)
            .values(attachment={**SPEC.to_json(), "kind": "pie"})
        )
    with caplog.at_level(logging.WARNING, logger="bot.store.outbox"):
        [claimed] = await store.claim_due(T0, 10, "w1", LEASE)
    assert claimed.alert.id == alert_id and claimed.alert.attachment is None
    assert "chart dropped, text only: unknown chart kind 'pie'" in caplog.text
