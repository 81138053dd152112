"""``carrywatch run``, ``risk`` and ``db upgrade``: the service and its read-outs."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Annotated

import typer

from bot.cli import common
from bot.cli.common import fail, sqlite_path
from bot.commands.answers import CommandError, RiskAnswer
from bot.commands.service import CommandService
from bot.history.loader import HistoryDirError
from bot.logs import configure_logging, settings_secrets
from bot.render.plain import render_risk
from bot.settings import Settings
from bot.store.db import DbTimeouts, upgrade
from bot.store.store import Store
from signals.loaders.errors import HistoryFormatError
from signals.rules import RuleConfigError

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def settings_or_exit() -> Settings:
    return common.settings_or_exit()


def run(
    telegram_webhook: Annotated[
        str | None,
        typer.Option("--telegram-webhook", help="Public HTTPS URL for Telegram webhook mode."),
    ] = None,
) -> None:
    """Run the bot: pollers, scoring, alerting and every configured chat adapter."""
    from bot.runtime.app import Runtime  # the chat libraries: only for `run`, not `risk`

    settings = settings_or_exit()
    if telegram_webhook:
        settings.telegram.webhook_url = telegram_webhook
    configure_logging(settings.log_level, settings_secrets(settings))
    try:
        with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C during shutdown
            asyncio.run(Runtime(settings).run_until_signalled())
    except (HistoryDirError, HistoryFormatError, RuleConfigError) as exc:
        fail(str(exc))


async def _latest_risk(settings: Settings) -> RiskAnswer:
    path = sqlite_path(settings.database_url)
    if path is not None and not path.exists():
        raise CommandError(f"No database yet at {path}: start `carrywatch run` (or `demo`) first.")
    timeouts = DbTimeouts(settings.database.connect_timeout, settings.database.statement_timeout)
    async with Store(settings.database_url, timeouts=timeouts) as store:
        return await CommandService(store).risk()


def risk(
    as_json: Annotated[bool, typer.Option("--json", help="Print the snapshot as JSON.")] = False,
) -> None:
    """The current snapshot, as /risk would answer it (from the latest stored snapshot)."""
    settings = settings_or_exit()
    try:
        answer = asyncio.run(_latest_risk(settings))
    except CommandError as exc:
        fail(f"{exc.message} (database: {settings.database_url.split('@')[-1]})", code=1)
    if as_json:
        typer.echo(json.dumps(answer.to_json(), allow_nan=False))
    else:
        typer.echo(render_risk(answer))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (also done automatically on start)."""
    settings = settings_or_exit()
    asyncio.run(upgrade(settings.database_url))
    typer.echo(f"database at the newest schema ({settings.database_url.split('@')[-1]})")
