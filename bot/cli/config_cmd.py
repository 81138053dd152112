"""``carrywatch config check``: validate settings and rules, print what is active."""

from __future__ import annotations

import typer

from bot.cli.common import fail, settings_or_exit
from bot.rules.load import load_rules
from signals.durations import format_duration
from signals.rules import RuleConfigError

app = typer.Typer(help="Inspect and validate configuration.", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Validate env + TOML settings and the alert rules; print the active configuration.

    Exits 2 with one line per problem (a misspelt CARRYWATCH_* name included).
    """
    settings = settings_or_exit(strict=True)
    try:
        rules = load_rules(settings.rules_file)
    except RuleConfigError as exc:
        fail(str(exc))
    typer.echo(f"database      {settings.database_url.split('@')[-1]}")
    typer.echo(f"history dir   {settings.history_dir or '(not set)'}")
    tg, dc = settings.telegram, settings.discord
    typer.echo(
        f"telegram      {'on' if tg.enabled else 'off'} ({tg.api_url}; channel {tg.channel or '-'})"
    )
    typer.echo(f"discord       {'on' if dc.enabled else 'off'} ({dc.api_url})")
    typer.echo(f"http port     {settings.http.port or 'off'}")
    for name, src in sorted(settings.sources.items()):
        typer.echo(f"source {name:<10} {'on ' if src.enabled else 'off'} {src.url}")
    typer.echo(f"rules ({settings.rules_file or 'packaged defaults'}):")
    for r in rules:
        extras = [f"clear {r.clear:g}"]
        for label, value in (
            ("for", r.for_),
            ("cooldown", r.cooldown),
            ("keep", r.keep_firing_for),
        ):
            if value:
                extras.append(f"{label} {format_duration(value)}")
        typer.echo(f"  {r.name:<22} {r.expression:<36} {r.level.label:<9} {', '.join(extras)}")
