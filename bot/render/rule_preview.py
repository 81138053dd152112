"""The words of a rule preview: a few plain lines every surface shows the same way.

The CLI prints them, Telegram sets them as a message (or photo caption) and
Discord as an embed description; numbers are formatted by :mod:`bot.render.common`.
Dates stay ``YYYY-MM-DD`` in every language: the preview is a small table of
market days, read the same by everyone and by the CLI's tests.
"""

from __future__ import annotations

from bot.i18n import _, ngettext
from bot.i18n.formats import decimal
from bot.render.common import value_text as format_value
from bot.render.rule_words import indicator_label, op_symbol
from signals.preview import Fire, Preview
from signals.rule_expr import format_number


def rule_title(preview: Preview) -> str:
    """``USD/JPY 1-day change ≤ -2`` — the rule as a person reads it."""
    rule = preview.rule
    text = f"{indicator_label(rule.indicator)} {op_symbol(rule.op)} {format_number(rule.threshold)}"
    if rule.for_:
        duration = preview.expr.rsplit(" for ", 1)[-1]
        text = _("{rule} for {duration}").format(rule=text, duration=duration)
    return text


def _fire(rule_indicator: str, fire: Fire) -> str:
    return f"{fire.date.isoformat()} ({format_value(rule_indicator, fire.value)})"


def preview_lines(preview: Preview) -> list[str]:
    """Title, then how often, how quiet, the largest and the last few firings."""
    ind = preview.rule.indicator
    lines = [f"{rule_title(preview)}  [{preview.expr}]"]
    if preview.first_date is None or preview.last_date is None:
        return [*lines, _("No history for this indicator yet, so nothing to preview.")]
    span = f"{preview.first_date.isoformat()} – {preview.last_date.isoformat()}"
    count = len(preview.fires)
    if count == 0:
        lines.append(_("It would never have fired over {span}.").format(span=span))
    else:
        lines.append(
            ngettext(
                "It would have fired once over {span}: {rate} a year since 2010.",
                "It would have fired {count} times over {span}: {rate} a year since 2010.",
                count,
            ).format(
                count=decimal(count), span=span, rate=decimal(preview.fires_per_year_since_2010, 1)
            )
        )
    if preview.quiet_from and preview.quiet_to:
        lines.append(
            ngettext(
                "Longest quiet spell: {days} day ({start} – {end}).",
                "Longest quiet spell: {days} days ({start} – {end}).",
                preview.longest_quiet_days,
            ).format(
                days=decimal(preview.longest_quiet_days),
                start=preview.quiet_from.isoformat(),
                end=preview.quiet_to.isoformat(),
            )
        )
    largest = preview.largest
    if largest is not None:
        lines.append(
            _("Largest: fired {date}, went to {peak} on {peak_date}.").format(
                date=largest.date.isoformat(),
                peak=format_value(ind, largest.peak),
                peak_date=largest.peak_date.isoformat(),
            )
        )
        last = _(", ").join(_fire(ind, f) for f in reversed(preview.last))
        lines.append(_("Last firings: {fires}.").format(fires=last))
    lines.append(
        _("Defaults: ends past the hysteresis level {clear}, then 1 day of cooldown.").format(
            clear=format_value(ind, preview.rule.clear)
        )
    )
    return lines
