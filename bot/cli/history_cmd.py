"""``carrywatch history download``: fetch real history into a history directory."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import fail
from bot.cli.run_cmd import settings_or_exit
from bot.history.download import HistoryDownloadError, download_history
from bot.logs import configure_logging, settings_secrets
from bot.settings import Settings
from bot.sources.http import HttpFetcher

app = typer.Typer(
    help="Real market history for backtests, replays and warm-up.", no_args_is_help=True
)


async def _download(dest: Path, settings: Settings) -> list[Path]:
    async with HttpFetcher() as http:
        return await download_history(dest, settings, http)


@app.command("download")
def download(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Where to write (default: $CARRYWATCH_HISTORY_DIR or ./history)."
        ),
    ] = None,
) -> None:
    """Fetch MOF JGB yields, FRED US yields and USD/JPY, and Coinbase BTC into DIR."""
    settings = settings_or_exit()
    configure_logging(settings.log_level, settings_secrets(settings))
    dest = directory or Path(os.environ.get("CARRYWATCH_HISTORY_DIR") or "history")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        written = asyncio.run(_download(dest, settings))
    except HistoryDownloadError as exc:
        for path in exc.written:
            typer.echo(f"wrote {path}")
        fail(str(exc), code=1)
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(
        f"history in {dest}; use it with --history-dir {dest} or CARRYWATCH_HISTORY_DIR={dest}"
    )
