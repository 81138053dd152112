"""Careless paths get one line, never a traceback, and nothing is lost (issue 11).

``backtest --chart`` into a missing folder fails before scoring; ``demo``
refuses a database path under a file, a file that is not a SQLite database
(which it would otherwise delete), and a missing history folder — checked
before the old demo database is deleted; ``risk`` and ``run`` refuse a
database file that is not SQLite.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("CARRYWATCH_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.chdir(tmp_path)


def _one_error(result) -> str:  # type: ignore[no-untyped-def]
    """The one ``error:`` line of a usage failure (exit 2, no traceback)."""
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    return errors[0]


def test_chart_into_a_missing_folder_fails_before_scoring(
    history_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.cli.backtest

    def scored(*_args: object, **_kw: object) -> None:
        pytest.fail("the history was scored before --chart was checked")

    monkeypatch.setattr(bot.cli.backtest, "run_backtest", scored)
    result = runner.invoke(
        app,
        ["backtest", "--history-dir", str(history_dir), "--chart", str(tmp_path / "no" / "x.png")],
    )
    assert (
        f"--chart {tmp_path / 'no' / 'x.png'}: the folder {tmp_path / 'no'} does not exist"
        in _one_error(result)
    )


def test_chart_onto_a_folder(history_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["backtest", "--history-dir", str(history_dir), "--chart", str(tmp_path)]
    )
    assert "is a folder" in _one_error(result)


def test_demo_database_under_a_file(history_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = runner.invoke(
        app,
        ["demo", "--history-dir", str(history_dir), "--database", str(tmp_path / "afile" / "d.db")],
    )
    assert "afile is a file, not a folder" in _one_error(result)


def test_demo_never_deletes_a_file_that_is_not_a_database(
    history_dir: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    result = runner.invoke(
        app, ["demo", "--history-dir", str(history_dir), "--database", str(notes)]
    )
    assert "notes.txt is not a SQLite database (left untouched)" in _one_error(result)
    assert notes.read_text() == "my notes"


def test_demo_checks_the_history_dir_before_deleting_the_old_database(tmp_path: Path) -> None:
    old = tmp_path / "demo.db"
    with sqlite3.connect(old) as conn:
        conn.execute("create table kept (x)")
    result = runner.invoke(
        app, ["demo", "--history-dir", str(tmp_path / "missing"), "--database", str(old)]
    )
    assert f"--history-dir {tmp_path / 'missing'} does not exist" in _one_error(result)
    with sqlite3.connect(old) as conn:
        assert conn.execute("select name from sqlite_master").fetchall() == [("kept",)]


@pytest.mark.parametrize("command", [["risk"], ["run"], ["db", "upgrade"]])
def test_a_database_file_that_is_not_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    bogus = tmp_path / "cw.db"
    bogus.write_text("not a database")
    monkeypatch.setenv("CARRYWATCH_DATABASE_URL", f"sqlite+aiosqlite:///{bogus}")
    result = runner.invoke(app, command)
    assert (
        f"database_url (CARRYWATCH_DATABASE_URL): {bogus} is not a SQLite database"
        in _one_error(result)
    )
    assert bogus.read_text() == "not a database"
