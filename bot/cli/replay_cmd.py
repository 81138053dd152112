"""``carrywatch replay`` and ``carrywatch demo``: real history through the live pipeline."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
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


class LaterDataError(Exception):
    """The replay database already holds a snapshot on or after ``--start``."""


def database_url(database: str) -> str:
    """A SQLAlchemy URL as given, or a SQLite URL for a plain path."""
    return database if "://" in database else f"sqlite+aiosqlite:///{database}"


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
        dispatch_loop=False,
    )
    await runtime.start()
    try:
        latest = await runtime.store.latest_snapshot()
        if latest is not None and latest.as_of >= start:
            raise LaterDataError(
                f"the replay database already holds data up to {latest.as_of}, on or after "
                f"--start {start}; replay into a fresh one (leave out --database)"
            )
        per_day = 86400.0 / speed if speed else 0.0
        summary = await replay_days(runtime, clock, panel, start, end, seconds_per_day=per_day)
        risk = render_risk(await runtime.service.risk())
        stats = await runtime.store.delivery_stats()
        summary.deliveries = {k: stats[k] for k in ("sent", "permanent", "held")}
        summary.deliveries["owed"] = stats["pending"] + stats["failed"]
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
    except (RuleConfigError, LaterDataError) as exc:
        fail(str(exc))
    typer.echo("── where it ended ──")
    typer.echo(risk)
    fired = sum(1 for a in summary.alerts if a[2] in ("firing", "escalated"))
    typer.echo(
        f"\nreplayed {summary.days} market days {start} → {end}: "
        f"{len(summary.alerts)} alert events ({fired} firing)."
    )
    d = summary.deliveries
    typer.echo(
        f"deliveries: {d.get('sent', 0)} sent, {d.get('permanent', 0)} refused for good, "
        f"{d.get('held', 0)} held for quiet hours, {d.get('owed', 0)} owed to a platform "
        "not enabled here."
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
    database: Annotated[
        str | None,
        typer.Option(
            help="Database to replay into (path or URL); default: a fresh temporary one, "
            "never the bot's own database."
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
    directory = resolve_history_dir(history_dir)
    if database is not None:
        settings.database_url = database_url(database)
        _run(settings, directory, first, last, speed)
        return
    with tempfile.TemporaryDirectory(prefix="carrywatch-replay-") as tmp:
        settings.database_url = database_url(str(Path(tmp) / "replay.db"))
        _run(settings, directory, first, last, speed)


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
