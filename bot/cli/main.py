"""The ``carrywatch`` command line: one sub-command per module under ``bot/cli``."""

from __future__ import annotations

import typer

from bot.cli import backtest, config_cmd

app = typer.Typer(
    name="carrywatch",
    help="Yen carry-unwind stress alerts: JGB yields, USD/JPY, BTC and the US–JP rate gap.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # tracebacks could carry settings; we print clean errors
)
app.command("backtest")(backtest.backtest)
app.add_typer(config_cmd.app, name="config")


def main() -> None:
    app()
