"""``make demo`` agrees with ``backtest --json`` on the same days (issue 11).

The demo's replay runs here exactly as ``carrywatch demo`` runs it
(``bot.cli.replay_cmd._run`` over ``DEMO_START``–``DEMO_END``, hourly BTC for
the days the history dir has it, packaged rules, a fresh SQLite file), and
``carrywatch backtest --json`` over the same days. What must agree, and why:

* every alert raised at a **daily** step — the 22:00 UTC poll that brings the
  day's closes, or on an hourly day the evening poll and the midnight BTC close
  — carries the backtest's (market date, rule, kind): both run the same rules,
  cooldowns and families over the same closed values;
* an alert raised at a **provisional** hourly step (a BTC close of the hour,
  the day still trading) may come on an earlier market date than the
  backtest's, never a later one: an hour can cross a line the day's close does
  not, and the rule's hysteresis then keeps the state — that is the point of
  intraday polling (the 4 Aug BTC drawdown fires from the 18:00 hour, a day
  before the daily close says so);
* per rule, the same transitions in the same order: provisional hours bring a
  transition forward, they add or drop none.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bot.alerts.events import AlertEvent
from bot.cli import replay_cmd
from bot.cli.main import app
from bot.runtime.intraday import load_hourly_btc
from bot.runtime.replay import REPLAY_HOUR
from bot.settings import Settings

Alert = tuple[str, str, str]  # market date, rule, kind


def _daily_step(event: AlertEvent) -> bool:
    """Raised by a poll of closed values: the 22:00 UTC day poll, or the 00:00 BTC
    close of an hourly day — not by an hour's provisional BTC close (01:00–23:00;
    the 22:00 hour arrives at the same instant as the day's other closes)."""
    at = event.created_at.astimezone(dt.UTC)
    if at.hour == REPLAY_HOUR and at.minute == 0:
        return True
    return at.hour == 0 and at.minute == 0 and at.date() == event.as_of + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def both(
    history_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[AlertEvent], list[Alert]]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    )
    summary = replay_cmd._run(
        settings, history_dir, replay_cmd.DEMO_START, replay_cmd.DEMO_END, None, intraday=True
    )
    result = CliRunner().invoke(
        app,
        [
            "backtest",
            "--history-dir",
            str(history_dir),
            "--start",
            replay_cmd.DEMO_START.isoformat(),
            "--end",
            replay_cmd.DEMO_END.isoformat(),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    backtest = [(a["date"], a["rule"], a["state"]) for a in json.loads(result.stdout)["alerts"]]
    return summary.events, backtest


def _key(e: AlertEvent) -> Alert:
    return (e.as_of.isoformat(), e.rule, e.kind.value)


def test_daily_steps_raise_exactly_what_the_backtest_says(
    both: tuple[list[AlertEvent], list[Alert]], history_dir: Path
) -> None:
    demo, backtest = both
    daily = [_key(e) for e in demo if _daily_step(e)]
    assert len(daily) > 20  # most of the window's alerts come from daily steps
    assert set(daily) <= set(backtest)
    # days without hourly bars (here July and September) replay daily: all alerts agree
    bars = load_hourly_btc(history_dir).index - pd.Timedelta(hours=1)  # the bars' opens
    hourly_days = {d.isoformat() for d in bars.date}
    assert hourly_days and not hourly_days >= {a[0] for a in backtest}
    plain = [a for a in backtest if a[0] not in hourly_days]
    assert [_key(e) for e in demo if e.as_of.isoformat() not in hourly_days] == plain


def test_provisional_hours_bring_transitions_forward_and_add_none(
    both: tuple[list[AlertEvent], list[Alert]],
) -> None:
    demo, backtest = both
    replayed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    expected: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in demo:
        replayed[e.rule].append((e.kind.value, e.as_of.isoformat()))
    for day, rule, kind in backtest:
        expected[rule].append((kind, day))
    assert set(replayed) == set(expected)
    earlier = 0
    for rule, want in expected.items():
        got = replayed[rule]
        assert [k for k, _ in got] == [k for k, _ in want], rule  # same transitions, in order
        for (_, got_day), (_, want_day) in zip(got, want, strict=True):
            assert got_day <= want_day, rule  # never later than the daily close says
            earlier += got_day < want_day
    assert earlier  # the hourly path is live: some transition did come early
    drawdown = [(k, d) for k, d in replayed["btc-drawdown"] if d.startswith("2024-08")]
    assert ("firing", "2024-08-04") in drawdown  # the 18:00 hour, a day before the close
