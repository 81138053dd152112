"""A resolved alert, as claimed for delivery, knows when its episode first fired, so
the all-clear can say how long the alert lasted (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import EventKind
from bot.notify.base import Target
from bot.store import Store

from .conftest import T0, make_alert

CHAT = Target("telegram", "1")


async def test_claimed_resolved_alert_carries_its_episode_start(store: Store) -> None:
    fired = make_alert(created_at=T0)
    eased = make_alert(kind=EventKind.RESOLVED, created_at=T0 + dt.timedelta(days=3, hours=2))
    other = make_alert(episode="usdjpy_crash:other", created_at=T0 - dt.timedelta(days=9))
    for alert in (other, fired, eased):
        await store.enqueue_alert(alert, [CHAT])
    claimed = await store.claim_due(T0 + dt.timedelta(days=4), 10, "w", dt.timedelta(minutes=1))
    by_kind = {(c.alert.kind, c.alert.episode): c.alert for c in claimed}
    resolved = by_kind[(EventKind.RESOLVED, fired.episode)]
    assert resolved.started_at == T0  # its own episode's firing, not the older episode's
    assert by_kind[(EventKind.FIRING, fired.episode)].started_at is None
