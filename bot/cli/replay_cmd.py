"""``carrywatch replay`` and ``carrywatch demo``: real history through the live pipeline."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from bot.cli.common import fail, parse_day, resolve_history_dir, sqlite_problem
from bot.cli.run_cmd import settings_or_exit
from bot.history.loader import HistoryDirError, load_history_panel
from bot.logs import configure_logging, settings_secrets
from bot.render.plain import render_risk
from bot.runtime.app import Runtime
from bot.runtime.replay import ReplaySummary, SimClock, replay_days, replay_instant
from bot.settings import Settings
from signals.loaders.errors import HistoryFormatError
from signals.rules import RuleConfigError

DEMO_START, DEMO_END = dt.date(2024, 7, 1), dt.date(2024, 9, 30)


async def replay_history(
    settings: Settings, panel: pd.DataFrame, start: dt.date, end: dt.date, speed: float | None
) -> tuple[ReplaySummary, str]:
    """Warm up on the history before ``start``, then replay ``[start, end]`` day by day."""
    clock = SimClock(replay_instant(start - dt.timedelta(days=1)))
    settings.alerts.console = True
    runtime = Runtime(
        settings,
        clock=clock,
        poll=False,
        history=panel.loc[: pd.Timestamp(start) - pd.Timedelta(days=1)],
    )
    await runtime.start()
    try:
        per_day = 86400.0 / speed if speed else 0.0
        summary = await replay_days(runtime, clock, panel, start, end, seconds_per_day=per_day)
        risk = render_risk(await runtime.service.risk())
    finally:
        await runtime.stop()
    return summary, risk


def _run(
    settings: Settings, history_dir: Path, start: dt.date, end: dt.date, speed: float | None
) -> None:
    try:
        panel = load_history_panel(history_dir)
    except (HistoryDirError, HistoryFormatError) as exc:
        fail(str(exc))
    if panel.loc[pd.Timestamp(start) : pd.Timestamp(end)].empty:
        fail(f"no history between {start} and {end} in {history_dir}")
    try:
        summary, risk = asyncio.run(replay_history(settings, panel, start, end, speed))
    except RuleConfigError as exc:
        fail(str(exc))
    typer.echo("── where it ended ──")
    typer.echo(risk)
    fired = sum(1 for a in summary.alerts if a[2] in ("firing", "escalated"))
    typer.echo(
        f"\nreplayed {summary.days} market days {start} → {end}: "
        f"{len(summary.alerts)} alert events ({fired} firing)."
    )


def replay(
    start: Annotated[str, typer.Option(help="First day to replay, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option(help="Last day to replay, YYYY-MM-DD.")],
    history_dir: Annotated[
        Path | None, typer.Option("--history-dir", help="History folder.")
    ] = None,
    speed: Annotated[
        float | None,
        typer.Option(
            help="Market seconds per real second (86400 = a day a second); default: flat out."
        ),
    ] = None,
) -> None:
    """Push real history through the whole live pipeline, from quality gate to notifiers."""
    settings = settings_or_exit()
    configure_logging("WARNING", settings_secrets(settings))
    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    assert first is not None and last is not None
    if first > last:
        fail(f"--start {first} is after --end {last}")
    if speed is not None and speed <= 0:
        fail("--speed must be positive")
    _run(settings, resolve_history_dir(history_dir), first, last, speed)


def demo(
    history_dir: Annotated[
        Path | None, typer.Option("--history-dir", help="History folder.")
    ] = None,
    database: Annotated[Path, typer.Option(help="SQLite file for the demo (recreated).")] = Path(
        "demo-out/carrywatch-demo.db"
    ),
) -> None:
    """Replay the Jul–Sep 2024 yen carry unwind into a fresh SQLite database, alerts printed."""
    directory = resolve_history_dir(history_dir)
    # Everything that can be wrong is checked before the old demo database is deleted.
    if not directory.is_dir():
        fail(f"--history-dir {directory} does not exist (or is not a folder)")
    if (problem := sqlite_problem(database)) is not None:
        fail(f"--database {problem}")
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--database {database}: cannot create its folder: {exc.strerror}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = settings_or_exit()
    settings.database_url = f"sqlite+aiosqlite:///{database}"
    configure_logging("WARNING", settings_secrets(settings))
    typer.echo(
        f"carrywatch demo: replaying {DEMO_START} → {DEMO_END} from {directory} into {database}\n"
    )
    _run(settings, directory, DEMO_START, DEMO_END, None)
    typer.echo(
        f"\nThe database is at {database}; try:\n"
        f"  CARRYWATCH_DATABASE_URL=sqlite+aiosqlite:///{database} carrywatch risk"
    )
