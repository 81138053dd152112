"""``kill -9`` at every commit boundary of one replayed day loses no alert.

A real ``carrywatch replay`` subprocess kills itself with SIGKILL right after
its Nth committed writing transaction (``bot/store/faults.py``), for every
commit of 5 Aug 2024 (the day of the severe yen-squeeze); the same replay is
resumed on the same database from the day after its last snapshot, as an
operator would.
Afterwards the alerts table, the deliveries and what reached the console must
be what a clean run gives: every alert once, every delivery sent, and at most
the one send in flight when the process died (one console message holding that
day's alerts) printed twice: at-least-once, bounded to the sends in flight.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import os
import re
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import Store, make_engine
from bot.store.faults import KILL_ENV, TRACE_ENV

PG_ENV = "CARRYWATCH_TEST_PG_URL"
START, DAY, END = "2024-08-01", "2024-08-05", "2024-08-07"  # END: a day past the lease
CARRYWATCH = Path(sys.executable).with_name("carrywatch")
PRINTED = re.compile(r"\brule ([\w-]+)")  # each console alert names its rule

NewDatabase = Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class Run:
    returncode: int | None
    stdout: str
    stderr: str


async def replay(db_url: str, tmp: Path, history: Path, start: str = START, **fault: str) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARRYWATCH_FAULT_")}
    env.update(
        CARRYWATCH_DATABASE_URL=db_url,
        CARRYWATCH_CONFIG=str(tmp / "absent.toml"),
        CARRYWATCH_HISTORY_DIR=str(history),
        PYTHONUNBUFFERED="1",  # what was printed before the kill is on the pipe
        **fault,
    )
    proc = await asyncio.create_subprocess_exec(
        str(CARRYWATCH), "replay", "--database", db_url, "--start", start, "--end", END,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 300)
    return Run(proc.returncode, out.decode(), err.decode())


def printed(out: str) -> list[str]:
    return PRINTED.findall(out)


async def stored(db_url: str) -> tuple[list[tuple[str, str, str, str]], dict[str, int]]:
    async with Store(db_url, migrate=False) as store:
        alerts = await store.recent_alerts(1000)
        stats = await store.delivery_stats()
    rows = sorted((a.rule, a.kind.value, a.as_of.isoformat(), a.episode) for a in alerts)
    return rows, stats


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def new_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[NewDatabase]:
    """Makes fresh, empty databases of one backend (one per run-and-restart)."""
    made: list[str] = []
    admin_url = os.environ.get(PG_ENV, "")
    if request.param == "postgres" and not admin_url:
        pytest.skip(f"{PG_ENV} is not set; PostgreSQL variant not run")

    async def make() -> str:
        if request.param == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
        name = f"cw_crash_{uuid.uuid4().hex[:10]}"
        admin = make_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1)
        try:
            async with admin.connect() as conn:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
        except OSError as exc:
            pytest.fail(f"PostgreSQL at {PG_ENV}={admin_url} is unreachable: {exc}")
        finally:
            await admin.dispose()
        made.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    yield make
    if made:
        admin = make_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1)
        async with admin.connect() as conn:
            for name in made:
                await conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.mark.timeout(900)  # 11 subprocess runs of 2-4 s, two at a time; more when busy
async def test_a_kill_at_any_commit_of_the_day_loses_no_alert(
    new_database: NewDatabase, tmp_path: Path, history_dir: Path
) -> None:
    clean_db = await new_database()
    trace = tmp_path / "commits.trace"
    clean = await replay(clean_db, tmp_path, history_dir, **{TRACE_ENV: str(trace)})
    assert clean.returncode == 0, clean.stderr
    clean_printed = collections.Counter(printed(clean.stdout))
    assert clean_printed  # the window fires alerts
    clean_alerts, clean_stats = await stored(clean_db)
    on_day = sum(1 for _, _, as_of, _ in clean_alerts if as_of == DAY)
    assert on_day  # 5 Aug 2024 fires alerts from the real data
    assert clean_stats["sent"] == len(clean_alerts) and clean_stats["pending"] == 0

    commits = [line.split() for line in trace.read_text().splitlines()]
    day_commits = [int(n) for n, at in commits if at.startswith(DAY)]
    assert len(day_commits) >= 3  # at least: the evaluation, a claim, a recorded send
    two_at_a_time = asyncio.Semaphore(2)  # the machine has two cores

    async def kill_and_restart(n: int) -> tuple[int, str, Run, Run]:
        async with two_at_a_time:
            db = await new_database()
            killed = await replay(db, tmp_path, history_dir, **{KILL_ENV: str(n)})
            # the operator resumes the replay after the last day it stored
            async with Store(db, migrate=False) as store:
                last = await store.latest_snapshot()
            resume = (last.as_of + dt.timedelta(days=1)).isoformat() if last else START
            restarted = await replay(db, tmp_path, history_dir, resume)
            return n, db, killed, restarted

    for n, db, killed, restarted in await asyncio.gather(*map(kill_and_restart, day_commits)):
        assert killed.returncode == -9, f"commit {n}: not killed\n{killed.stderr}"
        assert restarted.returncode == 0, f"commit {n}: restart failed\n{restarted.stderr}"

        alerts, stats = await stored(db)
        assert alerts == clean_alerts, f"kill after commit {n}"
        assert stats["sent"] == clean_stats["sent"], f"kill after commit {n}: {stats}"
        assert stats["pending"] == stats["failed"] == stats["held"] == 0, stats

        seen = collections.Counter(printed(killed.stdout) + printed(restarted.stdout))
        assert set(seen) == set(clean_printed), f"kill after commit {n}"
        assert all(seen[r] >= clean_printed[r] for r in clean_printed), f"commit {n}: {seen}"
        # Only the one console message in flight (that day's alerts, sent together)
        # may have gone out before the kill and again after the restart.
        doubled = sum((seen - clean_printed).values())
        assert doubled <= on_day, f"kill after commit {n}: {seen} vs {clean_printed}"
