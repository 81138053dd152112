"""``carrywatch backtest`` as a user runs it: JSON contract, table, chart and errors."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

runner = CliRunner()


def test_json_matches_the_cli_contract(history_dir: Path) -> None:
    result = runner.invoke(
        app,
        [
            "backtest",
            "--history-dir",
            str(history_dir),
            "--start",
            "2024-07-25",
            "--end",
            "2024-08-09",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    days = payload["days"]
    assert days[0]["date"] == "2024-07-25" and days[-1]["date"] == "2024-08-09"
    for day in days:
        assert set(day) == {"date", "score", "level", "components"}
        assert day["level"] in {"low", "elevated", "high", "severe"}
        assert 0 <= day["score"] <= 100
        assert {"score", "weight", "stale", "reason"} <= set(day["components"]["yen_squeeze"])
    by_date = {d["date"]: d for d in days}
    assert by_date["2024-08-05"]["level"] in {"high", "severe"}
    alerts = payload["alerts"]
    assert all(set(a) >= {"date", "rule", "state", "level"} for a in alerts)
    assert any(
        a["rule"] == "yen-squeeze" and a["state"] == "firing" and a["date"] == "2024-08-02"
        for a in alerts
    )


def test_table_and_chart(history_dir: Path, tmp_path: Path) -> None:
    chart = tmp_path / "score.png"
    result = runner.invoke(
        app,
        [
            "backtest",
            "--history-dir",
            str(history_dir),
            "--start",
            "2022-12-01",
            "--end",
            "2022-12-31",
            "--chart",
            str(chart),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2022-12-20" in result.stdout and "jgb10y-jump" in result.stdout
    assert "level elevated → high" in result.stdout or "level low → high" in result.stdout
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_dir_comes_from_the_environment(history_dir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CARRYWATCH_HISTORY_DIR", str(history_dir))
    result = runner.invoke(
        app, ["backtest", "--start", "2024-08-01", "--end", "2024-08-02", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["days"]) == 2


def test_errors_are_one_clear_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CARRYWATCH_HISTORY_DIR", raising=False)
    missing = runner.invoke(app, ["backtest"])
    assert missing.exit_code == 2 and "--history-dir" in missing.stderr
    bad_date = runner.invoke(
        app, ["backtest", "--history-dir", str(tmp_path), "--start", "2024-02-30"]
    )
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.stderr
    empty = runner.invoke(app, ["backtest", "--history-dir", str(tmp_path)])
    assert empty.exit_code == 2 and "history download" in empty.stderr
    assert "Traceback" not in empty.output


def test_the_collector_is_paused_for_the_run_and_back_after(
    history_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.cli.backtest as command

    seen: list[bool] = []
    real = command.run_backtest

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(command, "run_backtest", spy)
    assert gc.isenabled()
    ok = runner.invoke(
        app, ["backtest", "--history-dir", str(history_dir), "--start", "2024-07-01"]
    )
    assert ok.exit_code == 0 and seen == [False]
    assert gc.isenabled()
    bad = runner.invoke(
        app, ["backtest", "--history-dir", str(history_dir), "--start", "2999-01-01"]
    )
    assert bad.exit_code != 0 and gc.isenabled()  # back on after a failed run too
