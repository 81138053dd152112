"""``carrywatch rules test`` as a user runs it: the JSON contract, the summary, errors.

The JSON is checked against the real panel independently: every fire date is
a day the indicator met the threshold, 2 Aug 2024 is among them, and the
preview module is never the source of the expected values here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from bot.cli.main import app
from bot.history.loader import load_history_panel

runner = CliRunner()


def test_json_contract_and_real_fire_dates(history_dir: Path, tmp_path: Path) -> None:
    chart = tmp_path / "rule.png"
    result = runner.invoke(
        app,
        [
            "rules",
            "test",
            "usdjpy.chg_1d_pct <= -2",
            "--history-dir",
            str(history_dir),
            "--json",
            "--chart",
            str(chart),
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"expr", "fires", "fires_per_year_since_2010", "longest_quiet_days"}
    assert payload["expr"] == "usdjpy.chg_1d_pct <= -2"
    fx = load_history_panel(history_dir)["usdjpy"].dropna()
    change = (fx / fx.shift(1) - 1) * 100
    for fire in payload["fires"]:
        day = pd.Timestamp(fire["date"])
        assert change.loc[day] <= -2 and abs(change.loc[day] - fire["value"]) < 1e-9
    assert "2024-08-02" in {f["date"] for f in payload["fires"]}
    assert isinstance(payload["longest_quiet_days"], int) and payload["longest_quiet_days"] > 365
    assert 0 < payload["fires_per_year_since_2010"] < 10
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_names_the_rule_and_largest(history_dir: Path) -> None:
    result = runner.invoke(
        app, ["rules", "test", "btc.drawdown_30d <= -20 for 2d", "--history-dir", str(history_dir)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("BTC drop from 30-day high ≤ -20 for 2d")
    assert "Longest quiet spell:" in result.stdout and "Largest: fired" in result.stdout


def test_bad_expression_is_one_line_exit_2(history_dir: Path) -> None:
    result = runner.invoke(
        app, ["rules", "test", "jgb.40 >= 3.8", "--history-dir", str(history_dir)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unknown series 'jgb.40' — did you mean jgb.40y?"
    hostile = runner.invoke(app, ["rules", "test", "(" * 5000, "--history-dir", str(history_dir)])
    assert hostile.exit_code == 2 and len(hostile.stderr.strip().splitlines()) == 1


def test_module_imports_no_heavy_library() -> None:
    """The command module loads with typer only: pandas/matplotlib wait for the command."""
    code = (
        "import sys, bot.cli.rules_cmd; "
        "print(','.join(m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
