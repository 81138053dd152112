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
from bot.runtime.intraday import HourlyHistoryError, load_hourly_btc, replay_intraday
from bot.runtime.replay import ReplaySummary, SimClock, replay_days, replay_instant
from bot.settings import Settings
from signals.levels import Level
from signals.loaders.errors import HistoryFormatError
from signals.rules import RuleConfigError

DEMO_START, DEMO_END = dt.date(2024, 7, 1), dt.date(2024, 9, 30)


class LaterDataError(Exception):
    """The replay database already holds a snapshot on or after ``--start``."""


def database_url(database: str) -> str:
    """A SQLAlchemy URL as given, or a SQLite URL for a plain path."""
    return database if "://" in database else f"sqlite+aiosqlite:///{database}"


async def replay_history(
    settings: Settings,
    panel: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    speed: float | None,
    hourly: pd.Series | None = None,
) -> tuple[ReplaySummary, str]:
    """Warm up on the history before ``start``, then replay ``[start, end]`` day by day
    (with ``hourly`` BTC: poll by poll, the hours as the day's provisional value)."""
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
        if hourly is not None:
            summary = await replay_intraday(runtime, clock, panel, hourly, start, end)
        else:
            summary = await replay_days(runtime, clock, panel, start, end, seconds_per_day=per_day)
        risk = render_risk(await runtime.service.risk())
        stats = await runtime.store.delivery_stats()
        summary.deliveries = {k: stats[k] for k in ("sent", "permanent", "held")}
        summary.deliveries["owed"] = stats["pending"] + stats["failed"]
    finally:
        await runtime.stop()
    return summary, risk


def _run(
    settings: Settings,
    history_dir: Path,
    start: dt.date,
    end: dt.date,
    speed: float | None,
    intraday: bool = False,
) -> ReplaySummary:
    hourly = None
    try:
        panel = load_history_panel(history_dir)
        if intraday:
            hourly = load_hourly_btc(history_dir)
    except (HistoryDirError, HistoryFormatError, HourlyHistoryError) as exc:
        fail(str(exc))
    if panel.loc[pd.Timestamp(start) : pd.Timestamp(end)].empty:
        fail(f"no history between {start} and {end} in {history_dir}")
    if hourly is not None:
        first, last = (
            pd.Timestamp(start, tz="UTC"),
            pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1),
        )
        if hourly.loc[first:last].empty:
            fail(f"no hourly BTC between {start} and {end} in {history_dir / 'btc'}")
    try:
        summary, risk = asyncio.run(replay_history(settings, panel, start, end, speed, hourly))
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
    return summary


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
    intraday: Annotated[
        bool,
        typer.Option(
            "--intraday",
            help="Replay the hourly BTC file hour by hour as the day's provisional value.",
        ),
    ] = False,
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
    if speed is not None and intraday:
        fail("--speed is for the daily replay; --intraday runs flat out")
    directory = resolve_history_dir(history_dir)
    if database is not None:
        settings.database_url = database_url(database)
        _run(settings, directory, first, last, speed, intraday)
        return
    with tempfile.TemporaryDirectory(prefix="carrywatch-replay-") as tmp:
        settings.database_url = database_url(str(Path(tmp) / "replay.db"))
        _run(settings, directory, first, last, speed, intraday)


def severe_story(summary: ReplaySummary, hourly: pd.Series, day: dt.date | None = None) -> str:
    """When the first ``severe`` alert went out (on ``day``, if given), and the
    last BTC hourly close before it."""
    severe = [e for e in summary.events if e.level is Level.SEVERE and e.kind.value != "resolved"]
    if day is not None:
        severe = [e for e in severe if e.created_at.date() == day]
    if not severe:
        return "no severe alert went out in the replay" + (f" on {day}." if day else ".")
    first = min(severe, key=lambda e: e.created_at)
    at = pd.Timestamp(first.created_at)
    known = hourly.loc[:at]
    btc = f"BTC {known.iloc[-1]:,.0f} USDT (hourly close)" if len(known) else "no hourly BTC"
    return (
        f"first severe alert: {first.rule} ({first.kind.value}) at "
        f"{first.created_at:%Y-%m-%d %H:%M} UTC, market date {first.as_of}; then {btc}."
    )


def demo(
    history_dir: Annotated[
        Path | None, typer.Option("--history-dir", help="History folder.")
    ] = None,
    database: Annotated[Path, typer.Option(help="SQLite file for the demo (recreated).")] = Path(
        "demo-out/carrywatch-demo.db"
    ),
) -> None:
    """Replay the Jul–Sep 2024 yen carry unwind into a fresh SQLite database, alerts printed.

    August runs hour by hour on the real hourly BTC file (``--intraday``), so the
    5 Aug 2024 crash reaches the score as it happens; the demo ends by saying
    when the first ``severe`` alert went out and what BTC was then.
    """
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
    summary = _run(settings, directory, DEMO_START, DEMO_END, None, intraday=True)
    typer.echo("\n── the showpiece: 5 Aug 2024 ──")
    hourly = load_hourly_btc(directory)
    typer.echo(severe_story(summary, hourly))
    typer.echo("on the day: " + severe_story(summary, hourly, dt.date(2024, 8, 5)))
    typer.echo(
        f"\nThe database is at {database}; try:\n"
        f"  CARRYWATCH_DATABASE_URL=sqlite+aiosqlite:///{database} carrywatch risk"
    )
