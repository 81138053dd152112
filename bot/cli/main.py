"""The ``carrywatch`` command line: one sub-command per module under ``bot/cli``."""

from __future__ import annotations

import sys

import typer

from bot.cli import backtest, config_cmd, history_cmd, replay_cmd, run_cmd

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


def main() -> None:
    from bot.errors import OperatorError
    from bot.logs import install_exit_hooks, redact

    install_exit_hooks()  # an uncaught error is logged redacted, not printed raw
    try:
        app()
    except OperatorError as exc:  # one line the operator can act on, secrets masked
        typer.secho(f"error: {redact(str(exc))}", err=True, fg=typer.colors.RED)
        sys.exit(1)
