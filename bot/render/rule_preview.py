"""The words of a rule preview: a few plain lines every surface shows the same way.

The CLI prints them, Telegram sets them as a message (or photo caption) and
Discord as an embed description; numbers are formatted by :mod:`bot.render.common`.
"""

from __future__ import annotations

from bot.render.common import value_text as format_value
from bot.render.rule_words import indicator_label, op_symbol
from signals.preview import Fire, Preview
from signals.rule_expr import format_number


def rule_title(preview: Preview) -> str:
    """``USD/JPY 1-day change ≤ -2`` — the rule as a person reads it."""
    rule = preview.rule
    text = f"{indicator_label(rule.indicator)} {op_symbol(rule.op)} {format_number(rule.threshold)}"
    if rule.for_:
        text += f" for {preview.expr.rsplit(' for ', 1)[-1]}"
    return text


def _fire(rule_indicator: str, fire: Fire) -> str:
    return f"{fire.date.isoformat()} ({format_value(rule_indicator, fire.value)})"


def preview_lines(preview: Preview) -> list[str]:
    """Title, then how often, how quiet, the largest and the last few firings."""
    ind = preview.rule.indicator
    lines = [f"{rule_title(preview)}  [{preview.expr}]"]
    if preview.first_date is None or preview.last_date is None:
        return [*lines, "No history for this indicator yet, so nothing to preview."]
    span = f"{preview.first_date.isoformat()} – {preview.last_date.isoformat()}"
    count = len(preview.fires)
    if count == 0:
        lines.append(f"It would never have fired over {span}.")
    else:
        times = "once" if count == 1 else f"{count:,} times"
        lines.append(
            f"It would have fired {times} over {span}: "
            f"{preview.fires_per_year_since_2010:.1f} a year since 2010."
        )
    if preview.quiet_from and preview.quiet_to:
        lines.append(
            f"Longest quiet spell: {preview.longest_quiet_days:,} days "
            f"({preview.quiet_from.isoformat()} – {preview.quiet_to.isoformat()})."
        )
    largest = preview.largest
    if largest is not None:
        lines.append(
            f"Largest: fired {largest.date.isoformat()}, went to "
            f"{format_value(ind, largest.peak)} on {largest.peak_date.isoformat()}."
        )
        last = ", ".join(_fire(ind, f) for f in reversed(preview.last))
        lines.append(f"Last firings: {last}.")
    lines.append(
        "Defaults: ends past the hysteresis level "
        f"{format_value(ind, preview.rule.clear)}, then 1 day of cooldown."
    )
    return lines
