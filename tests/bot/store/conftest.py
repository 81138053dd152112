"""Store fixtures, each test run on SQLite (a temp file) and on PostgreSQL.

The PostgreSQL variant runs when ``CARRYWATCH_TEST_PG_URL`` is set (``make test``
sets it) and fails, not skips, when that server does not answer. Every test gets
its own schema (``search_path``), dropped afterwards, so parallel runs never see
each other's rows.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.alerts.events import AlertEvent, EventKind
from bot.store import Store, make_engine
from signals.levels import Level
from signals.snapshot import ComponentScore, Snapshot

PG_ENV = "CARRYWATCH_TEST_PG_URL"
T0 = dt.datetime(2024, 8, 5, 6, 0, tzinfo=dt.UTC)

EngineMaker = Callable[[], AsyncEngine]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine_maker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[EngineMaker]:
    """Makes engines onto one fresh, empty database (several = several processes)."""
    made: list[AsyncEngine] = []
    options: dict[str, Any] = {}
    admin: AsyncEngine | None = None
    schema = f"cw_test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('store') / 'carrywatch.db'}"
    else:
        url = os.environ.get(PG_ENV, "")
        if not url:
            pytest.skip(f"{PG_ENV} is not set; PostgreSQL variant not run")
        admin = make_engine(url, pool_size=1)
        try:
            async with admin.begin() as conn:
                await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        except OSError as exc:
            await admin.dispose()
            pytest.fail(f"PostgreSQL at {PG_ENV}={url} is unreachable: {exc}")
        options["connect_args"] = {"server_settings": {"search_path": schema}}

    def make() -> AsyncEngine:
        made.append(make_engine(url, **options))
        return made[-1]

    try:
        yield make
    finally:
        for engine in made:
            await engine.dispose()
        if admin is not None:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()


@pytest.fixture
async def engine(engine_maker: EngineMaker) -> AsyncEngine:
    return engine_maker()


@pytest.fixture
async def store(engine: AsyncEngine) -> AsyncIterator[Store]:
    async with Store(engine, clock=lambda: T0) as started:
        yield started


def make_snapshot(as_of: dt.date = dt.date(2024, 8, 5), score: float | None = 81.5) -> Snapshot:
    comp = ComponentScore(
        name="usdjpy",
        label="USD/JPY",
        score=score,
        weight=1.0,
        base_weight=0.3,
        available=True,
        stale=False,
        values={"chg_5d_pct": -7.4, "z": float("nan")},  # NaN must not break PG json
        data_date=as_of,
        reason="USD/JPY fell 7.4% in 5 days",
    )
    return Snapshot(
        as_of=as_of,
        score=score,
        level=Level.SEVERE,
        components=(comp,),
        indicators={"score": score or 0.0},
    )


def make_alert(
    rule: str = "usdjpy_crash",
    kind: EventKind = EventKind.FIRING,
    episode: str = "usdjpy_crash:2024-08-05",
    seq: int = 0,
    created_at: dt.datetime = T0,
) -> AlertEvent:
    return AlertEvent(
        rule=rule,
        kind=kind,
        level=Level.SEVERE,
        indicator="usdjpy.chg_5d_pct",
        operator="<=",
        description="The yen strengthened fast as carry trades unwound.",
        as_of=dt.date(2024, 8, 5),
        created_at=created_at,
        value=-7.4,
        threshold=-3.0,
        score=81.5,
        episode=episode,
        seq=seq,
    )
