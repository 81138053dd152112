"""A database error in the middle of an evaluation loses no alert.

The real SQLite refuses the snapshot insert (a trigger raising, as a full disk or
a constraint would) after the engine and the alert policy already moved on in
memory. Nothing of that poll is stored; the next poll with the same values must
find the pipeline rebuilt from the store and fire the alert the failed one would
have (5 Aug 2024, the day of the severe yen-squeeze), once.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.runtime.replay import day_observations, replay_days, replay_instant
from bot.sources.base import FetchResult
from tests.bot.runtime.conftest import make_runtime

DAY = dt.date(2024, 8, 5)


async def clean_alerts(panel: pd.DataFrame, tmp: Path) -> set[tuple[str, str]]:
    """What an undisturbed run fires on DAY (rule, kind): the expectation."""
    runtime, clock, _ = make_runtime(tmp / "clean.db", panel, dt.date(2024, 8, 1))
    await runtime.start()
    try:
        summary = await replay_days(runtime, clock, panel, dt.date(2024, 8, 1), DAY)
    finally:
        await runtime.stop()
    fired = {(rule, kind) for day, rule, kind, _ in summary.alerts if day == DAY}
    assert fired  # 5 Aug 2024 fires alerts from the real data
    return fired


async def test_an_evaluation_that_failed_to_commit_fires_on_the_next_poll(
    panel: pd.DataFrame, tmp_path: Path
) -> None:
    expected = await clean_alerts(panel, tmp_path)
    runtime, clock, out = make_runtime(tmp_path / "fail.db", panel, dt.date(2024, 8, 1))
    await runtime.start()
    try:
        await replay_days(runtime, clock, panel, dt.date(2024, 8, 1), dt.date(2024, 8, 4))
        async with runtime.store.transaction() as s:
            await s.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON snapshots "
                    "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
                )
            )
        told_before = len(out.getvalue())  # 2 Aug's score-severe went out already
        clock.now = replay_instant(DAY)
        poll = FetchResult(
            "replay", clock.now, day_observations(panel, pd.Timestamp(DAY), clock.now)
        )
        with pytest.raises(DBAPIError, match="disk I/O error"):
            await runtime.pipeline.ingest(poll)
        assert DAY not in {o.date for o in await runtime.store.load_observations(since=DAY)}

        async with runtime.store.transaction() as s:
            await s.execute(text("DROP TRIGGER refuse"))
        outcome = await runtime.pipeline.ingest(poll)  # the provider sends the same values again
        assert {(a.rule, a.kind.value) for a in outcome.alerts} == expected
        while await runtime.dispatcher.run_once():
            pass
        again = await runtime.pipeline.ingest(poll)
        assert again.alerts == ()  # stored now: a third poll is a no-op
    finally:
        await runtime.stop()
    for rule, _ in expected:
        assert len(re.findall(rf"rule {rule}\b", out.getvalue()[told_before:])) == 1, rule


async def test_a_restart_scores_stored_dates_that_have_no_evaluation(
    panel: pd.DataFrame, tmp_path: Path
) -> None:
    """A store left by a version that committed observations before their evaluation
    (killed in between): the restart scores those dates and the alert still fires."""
    expected = await clean_alerts(panel, tmp_path)
    db = tmp_path / "left.db"
    runtime, clock, _ = make_runtime(db, panel, dt.date(2024, 8, 1))
    await runtime.start()
    try:
        await replay_days(runtime, clock, panel, dt.date(2024, 8, 1), dt.date(2024, 8, 4))
        at = replay_instant(DAY)
        await runtime.store.upsert_observations(day_observations(panel, pd.Timestamp(DAY), at))
    finally:
        await runtime.stop()  # as if killed: Aug 5 stored, never evaluated

    # restarted at the hour the killed poll ran (a clock back at 1 Aug would put
    # 3 Aug's resolution of score-severe in the future and hold its re-fire)
    restarted, clock, out = make_runtime(db, panel, DAY + dt.timedelta(days=1))
    await restarted.start()
    try:
        latest = await restarted.store.latest_snapshot()
        assert latest is not None and latest.as_of == DAY
        alerts = await restarted.store.recent_alerts(50)
        assert {(a.rule, a.kind.value) for a in alerts if a.as_of == DAY} == expected
        while await restarted.dispatcher.run_once():
            pass
    finally:
        await restarted.stop()
    for rule, _ in expected:
        assert re.search(rf"rule {rule}\b", out.getvalue()), rule
