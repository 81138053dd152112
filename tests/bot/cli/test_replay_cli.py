"""``carrywatch replay`` and ``carrywatch demo`` as a user runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

runner = CliRunner()


@pytest.fixture
def isolated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "replay.db"
    monkeypatch.setenv("CARRYWATCH_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(tmp_path / "none.toml"))
    return db


def test_replay_prints_the_alerts_of_the_window(history_dir: Path, isolated_db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "replay",
            "--history-dir",
            str(history_dir),
            "--start",
            "2024-08-01",
            "--end",
            "2024-08-09",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    # 5 Aug 2024, from the real data, in the console's words
    assert "Severe alert: The yen jumped 5.6 % against the dollar in five days" in out
    assert "Mon 5 Aug" in out
    days = int(re.search(r"replayed (\d+) market days", out).group(1))  # type: ignore[union-attr]
    assert days == 9  # every calendar day: BTC trades at weekends
    assert not isolated_db.exists()  # a fresh database of its own, never the bot's


def replay_args(history_dir: Path, *extra: str) -> list[str]:
    return [
        "replay", "--history-dir", str(history_dir),
        "--start", "2024-07-29", "--end", "2024-08-09", *extra,
    ]  # fmt: skip


def test_same_replay_twice_prints_the_same(history_dir: Path, isolated_db: Path) -> None:
    """Same command, same output, line for line: alerts, order, and no ⚠ delayed."""
    first = runner.invoke(app, replay_args(history_dir))
    second = runner.invoke(app, replay_args(history_dir))
    assert first.exit_code == second.exit_code == 0, first.output
    assert re.search(r"^\S+ (Elevated|High|Severe) alert: ", first.stdout, re.M)
    assert "delayed" not in first.stdout.lower()
    assert first.stdout == second.stdout


def test_replay_into_a_database_with_later_data_refuses(
    history_dir: Path, isolated_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "kept.db"
    filled = runner.invoke(app, replay_args(history_dir, "--database", str(db)))
    assert filled.exit_code == 0, filled.output
    again = runner.invoke(app, replay_args(history_dir, "--database", str(db)))
    assert again.exit_code == 2
    assert "already holds data up to 2024-08-09" in again.stderr
    assert "Traceback" not in again.output and len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2024-08-09", "--end", "2024-08-01"], "is after --end"),
        (
            ["--start", "2024-08-01", "--end", "2024-08-09", "--speed", "0"],
            "--speed must be positive",
        ),
        (["--start", "1930-01-01", "--end", "1930-02-01"], "no history between"),
        (["--start", "2024-8-1", "--end", "2024-08-09"], "YYYY-MM-DD"),
    ],
)
def test_replay_usage_errors(
    history_dir: Path, isolated_db: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["replay", "--history-dir", str(history_dir), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
