"""The ``carrywatch`` command line: one sub-command per module under ``bot/cli``.

Start-up time is part of the interface: ``carrywatch --help`` and the first
line of every command must not wait for pandas, the chat libraries, SQLAlchemy
or matplotlib. So this module imports nothing but typer; each command's module
is imported only when that command runs (or its own ``--help`` is asked for).
The one-line summaries shown by ``carrywatch --help`` live here for the same
reason. ``tests/bot/cli/test_startup.py`` pins that down.
"""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """Where a command lives (``module:attribute``), and its one-line summary.

    The attribute is a typer command function, or a ``typer.Typer`` for a
    command group (``history``, ``config``, ``db``).
    """

    target: str
    summary: str


COMMANDS: dict[str, LazyCommand] = {
    "run": LazyCommand(
        "bot.cli.run_cmd:run", "Run the bot: pollers, scoring, alerting and every chat adapter."
    ),
    "risk": LazyCommand("bot.cli.run_cmd:risk", "The current snapshot, as /risk would answer it."),
    "backtest": LazyCommand(
        "bot.cli.backtest:backtest", "Score real history day by day and show what it would send."
    ),
    "replay": LazyCommand(
        "bot.cli.replay_cmd:replay", "Push real history through the whole live pipeline."
    ),
    "demo": LazyCommand(
        "bot.cli.replay_cmd:demo", "Replay the Jul–Sep 2024 yen carry unwind into a fresh database."
    ),
    "history": LazyCommand(
        "bot.cli.history_cmd:app", "Real market history for backtests, replays and warm-up."
    ),
    "config": LazyCommand("bot.cli.config_cmd:app", "Inspect and validate configuration."),
    "db": LazyCommand("bot.cli.run_cmd:db_app", "Database maintenance."),
    "rules": LazyCommand(
        "bot.cli.rules_cmd:app", "Personal rules: preview an expression over real history."
    ),
}


def load_command(name: str, spec: LazyCommand) -> Any:
    """Import the command's module and build its click command, named ``name``."""
    module_name, attribute = spec.target.split(":")
    command: Any
    target: Any = getattr(importlib.import_module(module_name), attribute)
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)  # a group even when it has one command
    else:
        single = typer.Typer(pretty_exceptions_enable=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    from bot.cli.coercion import plain_coercion

    plain_coercion(command)  # str/Path options without typer's Pydantic adapters
    return command


class LazyGroup(TyperGroup):
    """A typer group whose sub-commands are imported on first use.

    While the group's own help is drawn, each command is a stub carrying its
    summary, so listing the commands imports none of them.
    """

    _listing = False

    # Click's types are typer's private copy (typer._click), hence Any in the signatures.
    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        spec = COMMANDS.get(cmd_name)
        if found is not None or spec is None:
            return found
        if self._listing:
            return TyperCommand(cmd_name, help=spec.summary, short_help=spec.summary)
        command = load_command(cmd_name, spec)
        self.commands[cmd_name] = command
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        known = self.list_commands(ctx)
        if name and not name.startswith("-") and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

    def get_help_option(self, ctx: Any) -> Any:
        from bot.cli.coercion import plain_flag

        return plain_flag(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="carrywatch",
    cls=LazyGroup,
    help="Yen carry-unwind stress alerts: JGB yields, USD/JPY, BTC and the US–JP rate gap.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: importing rich would double the start-up time
    pretty_exceptions_enable=False,  # tracebacks could carry settings; we print clean errors
)


@app.callback()
def _root() -> None:
    """Yen carry-unwind stress alerts: JGB yields, USD/JPY, BTC and the US–JP rate gap."""


def main() -> None:
    import sys

    from bot.errors import OperatorError
    from bot.logs import install_exit_hooks, redact

    install_exit_hooks()  # an uncaught error is logged redacted, not printed raw
    try:
        app()
    except OperatorError as exc:  # one line the operator can act on, secrets masked
        typer.secho(f"error: {redact(str(exc))}", err=True, fg=typer.colors.RED)
        sys.exit(1)
