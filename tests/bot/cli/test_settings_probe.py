"""``backtest`` skips the settings model only when nothing could set what it reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.settings import AlertSettings
from bot.settings_probe import REPEAT_INTERVAL_DEFAULT, section_given

ROOT = Path(__file__).resolve().parents[3]


def test_the_default_is_the_models_own() -> None:
    assert AlertSettings().repeat_interval == REPEAT_INTERVAL_DEFAULT


@pytest.mark.parametrize(
    "name",
    [
        "CARRYWATCH_ALERTS__REPEAT_INTERVAL",
        "carrywatch_alerts__repeat_interval",
        "CARRYWATCH_ALERTS",
    ],
)
def test_any_spelling_pydantic_reads_counts_as_given(name: str, tmp_path: Path) -> None:
    env = {"CARRYWATCH_CONFIG": str(tmp_path / "absent.toml"), name: "12h"}
    assert section_given("alerts", env)
    assert not section_given("dispatch", env)


def test_the_config_file_counts_when_it_has_the_table_or_does_not_parse(tmp_path: Path) -> None:
    config = tmp_path / "carrywatch.toml"
    env = {"CARRYWATCH_CONFIG": str(config), "CARRYWATCH_ALERTSX": "1"}
    assert not section_given("alerts", env)  # absent file, unrelated variable
    config.write_text('log_level = "DEBUG"\n[dispatch]\n', encoding="utf-8")
    assert not section_given("alerts", env)
    config.write_text('[alerts]\nrepeat_interval = "12h"\n', encoding="utf-8")
    assert section_given("alerts", env)
    config.write_text("[alerts\n", encoding="utf-8")
    assert section_given("alerts", env)  # broken: the model reports it


PROBE = """
import json, sys
from bot.cli.main import main
sys.argv = ["carrywatch", "backtest", "--json", "--start", "2024-07-01", "--end", "2024-07-05"]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "pydantic": "pydantic" in sys.modules}), file=sys.stderr)
"""


def _backtest(history_dir: Path, config: Path, **env: str) -> dict[str, object]:
    base = {k: v for k, v in os.environ.items() if not k.upper().startswith("CARRYWATCH_")}
    run_env = {**base, "CARRYWATCH_HISTORY_DIR": str(history_dir), "CARRYWATCH_CONFIG": str(config)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**run_env, **env},
        timeout=120,
    )
    out: dict[str, object] = json.loads(proc.stderr.strip().splitlines()[-1])
    out["stderr"] = proc.stderr
    return out


def test_backtest_without_alert_settings_loads_no_settings_model(
    history_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "carrywatch.toml"
    config.write_text('log_level = "DEBUG"\n', encoding="utf-8")
    run = _backtest(history_dir, config)
    assert (run["code"], run["pydantic"]) == (0, False)


def test_a_given_repeat_interval_is_still_validated(history_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "carrywatch.toml"
    config.write_text('[alerts]\nrepeat_interval = "soon"\n', encoding="utf-8")
    from_file = _backtest(history_dir, config)
    assert (from_file["code"], from_file["pydantic"]) == (2, True)
    assert "alerts.repeat_interval" in str(from_file["stderr"])
    from_env = _backtest(
        history_dir, tmp_path / "absent.toml", CARRYWATCH_ALERTS__REPEAT_INTERVAL="soon"
    )
    assert from_env["code"] == 2 and "repeat_interval" in str(from_env["stderr"])


def test_a_repeat_interval_from_the_file_changes_the_backtest(
    history_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The value is used, not only checked: reminders appear while rules keep firing."""
    args = ["backtest", "--json", "--history-dir", str(history_dir),
            "--start", "2024-07-25", "--end", "2024-08-20"]  # fmt: skip
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(tmp_path / "absent.toml"))
    plain = CliRunner().invoke(app, args)
    config = tmp_path / "carrywatch.toml"
    config.write_text('[alerts]\nrepeat_interval = "1d"\n', encoding="utf-8")
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(config))
    reminded = CliRunner().invoke(app, args)
    assert plain.exit_code == reminded.exit_code == 0, plain.output + reminded.output
    kinds = [[a["kind"] for a in json.loads(r.stdout)["alerts"]] for r in (plain, reminded)]
    assert "repeat" not in kinds[0]
    assert kinds[1].count("repeat") > 0
