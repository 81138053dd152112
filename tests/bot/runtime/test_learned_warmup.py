"""The live gate learns its yield limits from the history it warms up with."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from bot.runtime.app import Runtime
from bot.runtime.replay import SimClock
from bot.settings import Settings

NOW = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)


async def test_warm_up_teaches_the_gate_each_tenors_limits(
    panel: pd.DataFrame, tmp_path: Path
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'warm.db'}")
    runtime = Runtime(
        settings, clock=SimClock(NOW), console_stream=io.StringIO(), poll=False, history=panel
    )
    await runtime.start()
    try:
        learned = runtime.gate.learned
        one, forty = learned.jump_limit("jgb.1y"), learned.jump_limit("jgb.40y")
        assert one is not None and forty is not None
        assert one < 1.0  # tighter than the fixed 100 bp
        assert one < forty  # and per tenor: the 40-year moves more
        assert learned.kink_limit("jgb.10y") is not None
    finally:
        await runtime.stop()
