"""``carrywatch replay --intraday``: hour by hour, each console alert at its simulated time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

runner = CliRunner()
WHEN = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d) UTC\] .*?rule ([a-z0-9-]+)", re.M | re.S)


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "intraday.db"
    monkeypatch.setenv("CARRYWATCH_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(tmp_path / "none.toml"))
    return db


def test_intraday_alerts_carry_the_hour_they_went_out(history_dir: Path, isolated: Path) -> None:
    args = ["replay", "--intraday", "--history-dir", str(history_dir)]
    result = runner.invoke(app, [*args, "--start", "2024-08-03", "--end", "2024-08-05"])
    assert result.exit_code == 0, result.output
    stamps = WHEN.findall(result.stdout)
    assert stamps, result.stdout
    intraday = [(at, rule) for at, rule in stamps if not at.endswith(("22:00", "00:00"))]
    # BTC broke its 30-day drawdown rule during 4 Aug: told that hour, not at the close
    assert any(at.startswith("2024-08-04") and rule == "btc-drawdown" for at, rule in intraday)
    # 5 Aug: BTC crashing intraday while the yen squeeze is at its maximum is two
    # markets under heavy stress at once — the score-severe alert goes out on the
    # hourly BTC values, before the 06:00 UTC low and before JGB data for the day
    severe = [at for at, rule in stamps if rule == "score-severe" and at.startswith("2024-08-05")]
    assert severe, result.stdout
    assert min(severe) < "2024-08-05 06:00", severe


def test_intraday_without_hourly_data_in_range_is_one_clear_line(
    history_dir: Path, isolated: Path
) -> None:
    args = ["replay", "--intraday", "--history-dir", str(history_dir)]
    result = runner.invoke(app, [*args, "--start", "2023-08-01", "--end", "2023-08-09"])
    assert result.exit_code != 0
    assert "no hourly BTC between 2023-08-01 and 2023-08-09" in result.output
