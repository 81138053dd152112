"""Start-up stays light: ``carrywatch --help`` imports none of the heavy libraries.

Every command starts by importing ``bot.cli.main``; pandas, the chat clients,
SQLAlchemy, Alembic, matplotlib and aiohttp are imported only inside the
commands that use them (issue 8 §5). Run in a fresh interpreter, since this
test process has imported all of them already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import COMMANDS, app

ROOT = Path(__file__).resolve().parents[3]
HEAVY = (
    "pandas",
    "numpy",
    "telegram",
    "discord",
    "sqlalchemy",
    "alembic",
    "matplotlib",
    "aiohttp",
    "pydantic",
    "rich",
)

PROBE = """
import json, sys
{action}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def _modules_after(action: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(action=action)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_imports_no_heavy_library() -> None:
    loaded = _modules_after("import bot.cli.main")
    assert "typer" in loaded  # the probe does see what was imported
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_top_level_help_imports_no_command_module() -> None:
    action = (
        "from bot.cli.main import app\n"
        "import typer.main\n"
        "try:\n"
        "    typer.main.get_command(app).main(['--help'], prog_name='carrywatch')\n"
        "except SystemExit:\n"
        "    pass"
    )
    loaded = _modules_after(action)
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_help_lists_every_command_with_its_summary() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name, spec in COMMANDS.items():
        assert f"{name} " in result.stdout and spec.summary[:40] in result.stdout


def test_each_lazy_command_loads_and_has_its_own_help() -> None:
    for name in COMMANDS:
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert f"carrywatch {name}" in result.stdout


def test_a_misspelt_command_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["bactest"])
    assert result.exit_code == 2
    assert "Did you mean 'backtest'?" in result.output


def test_backtest_loads_no_chat_database_or_chart_library() -> None:
    """``backtest --json`` needs pandas and numpy; matplotlib only with ``--chart``; no
    market calendar (``holidays``: the history gate never asks for one)."""
    loaded = _modules_after("import bot.cli.backtest")
    assert "pandas" in loaded
    unused = set(HEAVY) - {"pandas", "numpy", "rich"} | {"holidays"}
    assert "pydantic" in unused and "matplotlib" in unused
    assert loaded.isdisjoint(unused), sorted(loaded & unused)


def test_risk_loads_no_chat_library() -> None:
    loaded = _modules_after("import bot.cli.run_cmd")
    assert "sqlalchemy" in loaded  # it reads the database
    assert loaded.isdisjoint({"telegram", "discord", "matplotlib"}), sorted(
        loaded & {"telegram", "discord", "matplotlib"}
    )


def test_the_console_script_path_imports_no_heavy_library() -> None:
    """``main()`` (what the ``carrywatch`` script runs) installs the redacting exit hooks
    before any command: those hooks must not pull in the settings model (pydantic)."""
    action = (
        "sys.argv = ['carrywatch', '--help']\n"
        "from bot.cli.main import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass"
    )
    loaded = _modules_after(action)
    assert "bot" in loaded  # the hooks' module was imported
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
