"""``carrywatch backtest``: score real history and list what the rules would have sent."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from bot.alerts.backtest import backtest_alerts
from bot.alerts.events import AlertEvent
from bot.cli.backtest_days import encode_days
from bot.cli.common import fail, output_file_problem, parse_day, resolve_history_dir
from bot.cli.json_out import write_json
from bot.history.loader import HistoryDirError, load_checked_history
from bot.quality.history import event_json, event_line
from bot.rules.load import load_rules
from bot.settings_probe import REPEAT_INTERVAL_DEFAULT, section_given
from signals.backtest import BacktestResult, run_backtest
from signals.durations import parse_duration
from signals.explain_columns import day_columns
from signals.levels import Level
from signals.loaders.errors import HistoryFormatError
from signals.rules import RuleConfigError


def _label(level: Level | None) -> str:
    return level.label if level is not None else "no data"


def _print_table(result: BacktestResult, alerts: tuple[AlertEvent, ...]) -> None:
    h = result.history
    typer.echo(f"{'date':<11} {'event':<34} {'score':>6}  level")
    previous: Level | None = None
    events: dict[int, list[str]] = {}
    for i in result.days:
        level = h.level(i)
        if i > result.first and level != previous:
            events.setdefault(i, []).append(f"level {_label(previous)} → {_label(level)}")
        previous = level
    for a in alerts:
        i = int(h.dates.searchsorted(pd.Timestamp(a.as_of).to_datetime64()))
        events.setdefault(i, []).append(f"{a.kind.value:<9} {a.rule} [{a.level.label}]")
    for i in sorted(events):
        score = h.score[i]
        for text in events[i]:
            shown = f"{score:6.1f}" if not math.isnan(score) else "     -"
            typer.echo(f"{h.date(i).isoformat():<11} {text:<34} {shown}  {_label(h.level(i))}")
    typer.echo(
        f"\n{len(result.days)} days, {len(alerts)} alert events "
        f"({sum(a.kind.value in ('firing', 'escalated') for a in alerts)} firing)."
    )


def alert_json(event: AlertEvent) -> dict[str, Any]:
    """The CLI contract's date, rule, state and level, then every fact of the event."""
    facts = event.to_json()
    return {"date": facts.pop("as_of"), "state": event.kind.value, **facts}


def _repeat_interval() -> dt.timedelta | None:
    """The live policy's repeat interval, so the backtest reminds when the bot would.

    Through the settings model only when something may set it (bot/settings_probe.py).
    """
    if not section_given("alerts"):
        return parse_duration(REPEAT_INTERVAL_DEFAULT) or None
    from bot.cli.common import settings_or_exit  # not run_cmd: that imports the store

    return parse_duration(settings_or_exit().alerts.repeat_interval) or None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for one run (reference counting still frees).

    A full-history run makes about a million short-lived objects (day texts,
    columns, events) and no cycles worth finding; the collector's passes over
    them cost ~10 % of ``backtest --json``.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@collector_paused()
def backtest(
    history_dir: Annotated[
        Path | None,
        typer.Option("--history-dir", help="History folder (default: $CARRYWATCH_HISTORY_DIR)."),
    ] = None,
    start: Annotated[str | None, typer.Option(help="First day to report, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last day to score, YYYY-MM-DD.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
    chart: Annotated[
        Path | None, typer.Option(help="Write a PNG chart of the score to this file.")
    ] = None,
    rules_file: Annotated[
        Path | None, typer.Option("--rules", help="Rules TOML (default: packaged rules).")
    ] = None,
) -> None:
    """Score real history day by day and show the level changes and alerts it would have sent."""
    directory = resolve_history_dir(history_dir)
    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    if first and last and first > last:
        fail(f"--start {first} is after --end {last}")
    if chart is not None and (problem := output_file_problem(chart, "--chart")) is not None:
        fail(problem)  # before the scoring, not after it
    try:
        rules = load_rules(rules_file)
        # the live quality gate: an impossible value is set aside, never scored
        panel, quality = load_checked_history(directory, dt.datetime.now(dt.UTC), end=last)
    except (HistoryDirError, HistoryFormatError, RuleConfigError) as exc:
        fail(str(exc))
    reported = [e for e in quality if first is None or (e.date is not None and e.date >= first)]
    for event in reported:
        typer.echo(event_line(event), err=True)
    result = run_backtest(panel, start=first, end=last)
    if not len(result.days):
        fail("no history in the requested range")
    days = day_columns(result.history, result.first) if as_json else None
    alerts = backtest_alerts(result, rules, _repeat_interval(), days)
    if chart is not None:
        from bot.charts.score import ChartData, render_score_chart  # matplotlib: only for charts

        h = result.history
        idx = pd.DatetimeIndex(h.dates[result.first :])
        series = {k: panel[k].loc[idx[0] : idx[-1]] for k in panel.columns}
        png = render_score_chart(
            ChartData(
                idx,
                h.score[result.first :],
                series,
                f"carrywatch stress score {idx[0].date()} – {idx[-1].date()}",
            )
        )
        try:
            chart.write_bytes(png)
        except OSError as exc:
            fail(f"--chart {chart}: {exc.strerror}")
    if as_json:
        payload = {
            "days": encode_days(days) if days is not None else [],
            "alerts": [alert_json(a) for a in alerts],
            "quality": [event_json(e) for e in reported],
        }
        write_json(sys.stdout, payload)
    else:
        _print_table(result, alerts)
        if chart is not None:
            typer.echo(f"chart written to {chart}")
