"""A runtime wired for replay: real store on a temp SQLite file, console notifier to a buffer."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from bot.history.loader import load_history_panel
from bot.runtime.app import Runtime
from bot.runtime.replay import SimClock, replay_instant
from bot.settings import Settings

# No families: every rule transition becomes exactly one event, so the replay can be
# compared one-to-one with the backtest's rule walk.
FLAT_RULES = """
[[rules]]
name = "score-elevated"
when = "score >= 25"
clear = 20
level = "elevated"

[[rules]]
name = "score-high"
when = "score >= 50"
clear = 42
level = "high"

[[rules]]
name = "yen-surge"
when = "usdjpy.chg_5d_pct <= -3"
clear = -1.5
level = "high"

[[rules]]
name = "btc-drawdown"
when = "btc.drawdown_30d <= -15"
clear = -10
level = "elevated"
"""


@pytest.fixture(scope="session")
def panel(history_dir: Path) -> pd.DataFrame:
    return load_history_panel(history_dir)


@pytest.fixture
def flat_rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(FLAT_RULES)
    return path


def replay_settings(db: Path, rules: Path | None = None) -> Settings:
    s = Settings(database_url=f"sqlite+aiosqlite:///{db}", rules_file=rules)
    s.alerts.console = True
    return s


def make_runtime(
    db: Path, panel: pd.DataFrame, start: dt.date, rules: Path | None = None
) -> tuple[Runtime, SimClock, io.StringIO]:
    clock = SimClock(replay_instant(start - dt.timedelta(days=1)))
    out = io.StringIO()
    history = panel.loc[: pd.Timestamp(start) - pd.Timedelta(days=1)]
    runtime = Runtime(
        replay_settings(db, rules), clock=clock, console_stream=out, poll=False, history=history
    )
    return runtime, clock, out
