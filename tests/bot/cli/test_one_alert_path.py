"""Issue 8 §4: ``backtest --json`` and a replay tell the same story.

The alerts ``carrywatch backtest --json`` reports for Jul–Aug 2024 equal, by
(rule, kind, market date), the alerts a replay of the same days stores in its
outbox — packaged rules, with inhibition, escalation and cooldowns.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.history.loader import load_history_panel
from bot.runtime.replay import replay_days
from bot.store.store import Store
from tests.bot.runtime.conftest import make_runtime

START, END = dt.date(2024, 7, 1), dt.date(2024, 8, 31)


@pytest.fixture
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("CARRYWATCH_ALERTS__REPEAT_INTERVAL", raising=False)


async def _stored(db: Path) -> list[tuple[str, str, str]]:
    async with Store(f"sqlite+aiosqlite:///{db}") as store:
        events = await store.recent_alerts(10_000)
    return sorted((e.rule, e.kind.value, e.as_of.isoformat()) for e in events)


async def test_backtest_json_alerts_equal_what_a_replay_stores(
    history_dir: Path, tmp_path: Path, no_config: None
) -> None:
    panel = load_history_panel(history_dir)
    args = ["backtest", "--history-dir", str(history_dir), "--json"]
    result = CliRunner().invoke(app, [*args, "--start", str(START), "--end", str(END)])
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.stdout)["alerts"]
    told = sorted((a["rule"], a["state"], a["date"]) for a in alerts)
    assert {a["kind"] for a in alerts} >= {"firing", "escalated"}
    assert all(a["indicator"] and a["operator"] in ("<=", ">=") for a in alerts)

    db = tmp_path / "replay.db"
    runtime, clock, _ = make_runtime(db, panel, START)
    await runtime.start()
    try:
        await replay_days(runtime, clock, panel, START, END)
    finally:
        await runtime.stop()
    assert told == await _stored(db)
