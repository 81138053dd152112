"""``carrywatch rules test``: what a rule would have done over the whole real history.

Imports only typer at module level: numpy and matplotlib load inside the
command, so ``carrywatch --help`` stays fast; pandas loads only when the
history cache (:mod:`bot.rules.preview_cache`) has to be built.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import fail, resolve_history_dir

app = typer.Typer(help="Personal rules: preview an expression over real history.")


@app.command("test")
def preview_rule(
    expr: Annotated[str, typer.Argument(help="e.g. 'btc.drawdown_30d <= -20 for 2d'")],
    history_dir: Annotated[
        Path | None,
        typer.Option("--history-dir", help="History folder (default: $CARRYWATCH_HISTORY_DIR)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a summary.")
    ] = False,
    chart: Annotated[
        Path | None, typer.Option(help="Write a PNG of the series, threshold and firings.")
    ] = None,
) -> None:
    """How often the rule would have fired, when, and its longest quiet spell."""
    from signals.rule_expr import RuleExprError, parse_expression

    try:
        parsed = parse_expression(expr)
    except RuleExprError as exc:
        fail(str(exc))
    directory = resolve_history_dir(history_dir)
    from bot.rules.preview_cache import HistoryUnavailable, preview_history
    from signals.preview import preview

    try:  # the cached columns when current: no pandas, no CSV parsing
        history = preview_history(directory, [parsed.indicator])
    except HistoryUnavailable as exc:
        fail(str(exc))
    result = preview(history, parsed)  # what bot.rules.previews.preview_expr runs
    if chart is not None:
        from bot.charts.rule_preview import render_rule_chart
        from bot.rules.previews import chart_data

        chart.write_bytes(render_rule_chart(chart_data(history, result)))
    if as_json:
        json.dump(result.to_json(), sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
        return
    from bot.render.rule_preview import preview_lines

    for line in preview_lines(result):
        typer.echo(line)
    if chart is not None:
        typer.echo(f"chart written to {chart}")
