"""Shared CLI helpers: history-dir resolution and clean, secret-free error exits."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["fail", "settings_or_exit", "sqlite_problem", "warn"]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def warn(message: str) -> None:
    typer.secho(f"warning: {message}", err=True, fg=typer.colors.YELLOW)


def settings_or_exit(*, strict: bool = False) -> Settings:
    """The settings, or exit 2 with one line per invalid setting (never a secret).

    A ``CARRYWATCH_*`` variable that no setting reads is an error when
    ``strict`` (``config check``) and a warning otherwise: ``run`` still starts.
    """
    from bot.settings import SettingsError, load_settings, unknown_environment

    unknown = unknown_environment()
    if strict and unknown:
        fail("\nerror: ".join(unknown))
    for line in unknown:
        warn(f"{line} (ignored)")
    try:
        return load_settings()
    except SettingsError as exc:
        fail("\nerror: ".join(exc.problems))


def resolve_history_dir(option: Path | None) -> Path:
    """``--history-dir``, else ``CARRYWATCH_HISTORY_DIR``; a clear error if neither."""
    if option is not None:
        return option
    env = os.environ.get("CARRYWATCH_HISTORY_DIR")
    if env:
        return Path(env)
    fail(
        "no history directory: pass --history-dir DIR or set CARRYWATCH_HISTORY_DIR "
        "(`carrywatch history download --dir DIR` fetches one)"
    )


def parse_day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} expects a date as YYYY-MM-DD, got {value!r}")


def sqlite_problem(path: Path) -> str | None:
    """See :func:`bot.settings_check.sqlite_problem` (imported here on use: pydantic)."""
    from bot.settings_check import sqlite_problem as problem

    return problem(path)


def output_file_problem(path: Path, option: str) -> str | None:
    """Why a file cannot be written at ``path`` (checked before the work that produces it)."""
    parent = path.parent
    if not parent.exists():
        return f"{option} {path}: the folder {parent} does not exist"
    if not parent.is_dir():
        return f"{option} {path}: {parent} is not a folder"
    if path.is_dir():
        return f"{option} {path} is a folder"
    if not os.access(parent, os.W_OK):
        return f"{option} {path}: the folder {parent} is not writable"
    return None


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite+aiosqlite:///path`` URL (None for other databases)."""
    prefix = "sqlite+aiosqlite:///"
    if not url.startswith(prefix) or ":memory:" in url:
        return None
    return Path(url.removeprefix(prefix).split("?", 1)[0])
