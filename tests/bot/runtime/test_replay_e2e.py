"""Real history through the live pipeline: the alerts the backtest predicts, in order,
and a crash in the middle neither loses nor repeats one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from bot.rules.load import load_rules
from bot.runtime.replay import day_observations, replay_days
from bot.sources.base import FetchResult
from bot.store.store import Store
from signals.backtest import run_backtest
from tests.bot.runtime.conftest import make_runtime

START, END = dt.date(2024, 7, 15), dt.date(2024, 8, 30)


def _sent(runtime) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    assert runtime.console is not None
    return [
        (e.as_of.isoformat(), e.rule, e.kind.value) for m in runtime.console.sent for e in m.events
    ]


async def _replay(db: Path, panel: pd.DataFrame, rules: Path, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    runtime, clock, _ = make_runtime(db, panel, start, rules)
    await runtime.start()
    try:
        summary = await replay_days(runtime, clock, panel, start, end)
        return summary, _sent(runtime)
    finally:
        await runtime.stop()


async def test_replay_fires_what_the_backtest_predicts(
    panel: pd.DataFrame, flat_rules: Path, tmp_path: Path
) -> None:
    """The live path (gate, store, engine, policy, outbox, console) agrees with the backtest."""
    expected = run_backtest(panel, load_rules(flat_rules), start=START, end=END)
    want = [(a.date.isoformat(), a.rule, a.state) for a in expected.alerts]
    assert ("2024-08-02", "yen-surge", "firing") in want  # the unwind is in the window

    summary, sent = await _replay(tmp_path / "a.db", panel, flat_rules, START, END)
    got = [(d.isoformat(), rule, kind) for d, rule, kind, _ in summary.alerts]
    assert got == want
    assert sorted(sent) == sorted(want)  # every event reached the console, once


async def test_a_crash_mid_replay_loses_and_repeats_nothing(
    panel: pd.DataFrame, flat_rules: Path, tmp_path: Path
) -> None:
    _, straight = await _replay(tmp_path / "straight.db", panel, flat_rules, START, END)
    db = tmp_path / "crash.db"

    first, clock, _ = make_runtime(db, panel, START, flat_rules)
    await first.start()
    await replay_days(first, clock, panel, START, dt.date(2024, 8, 2))
    # The next day's alerts reach the outbox, then a dispatcher claims them and dies
    # before recording anything (kill -9 mid-send): the rows stay leased.
    day = dt.date(2024, 8, 5)
    clock.now = clock.now.replace(year=day.year, month=day.month, day=day.day)
    obs = day_observations(panel.loc[str(day) : str(day)], pd.Timestamp(day), clock.now)
    outcome = await first.pipeline.ingest(FetchResult("replay", clock.now, obs))
    assert outcome.alerts, "the crash must happen with alerts in flight"
    # a lease longer than the dispatcher's max_age: delivered after it ends, marked delayed
    leased = await first.store.claim_due(clock.now, 100, "dead-worker", dt.timedelta(hours=2))
    assert leased
    before_crash = _sent(first)
    await first.stop()

    second, clock2, _ = make_runtime(db, panel, dt.date(2024, 8, 6), flat_rules)
    await second.start()
    await replay_days(second, clock2, panel, day, END)  # the crashed day again: a no-op
    after = _sent(second)
    assert second.console is not None
    late = [m for m in second.console.sent if any(e.as_of == day for e in m.events)]
    assert late and all(m.delayed_by is not None for m in late)  # sent, but marked delayed
    await second.stop()

    combined = before_crash + after
    assert sorted(combined) == sorted(straight)
    assert len(combined) == len(set(combined))
    stats = await _stats(db)
    assert stats.get("pending", 0) == 0 and stats.get("failed", 0) == 0


async def _stats(db: Path) -> dict[str, int]:
    async with Store(f"sqlite+aiosqlite:///{db}") as store:
        return await store.delivery_stats()
