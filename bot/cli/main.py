"""The ``carrywatch`` command line: one sub-command per module under ``bot/cli``."""

from __future__ import annotations

import typer

from bot.cli import backtest, config_cmd, history_cmd, replay_cmd, rules_cmd, run_cmd

app = typer.Typer(
    name="carrywatch",
    help="Yen carry-unwind stress alerts: JGB yields, USD/JPY, BTC and the US–JP rate gap.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # tracebacks could carry settings; we print clean errors
)
app.command("run")(run_cmd.run)
app.command("risk")(run_cmd.risk)
app.command("backtest")(backtest.backtest)
app.command("replay")(replay_cmd.replay)
app.command("demo")(replay_cmd.demo)
app.add_typer(history_cmd.app, name="history")
app.add_typer(config_cmd.app, name="config")
app.add_typer(run_cmd.db_app, name="db")
app.add_typer(rules_cmd.app, name="rules")


def main() -> None:
    app()
