"""The caption under a chart, from what it actually shows (both platforms)."""

from __future__ import annotations

from bot.commands.answers import ChartAnswer
from bot.render.common import LEVEL_EMOJI, Unit, day_text_full, fmt


def chart_caption(answer: ChartAnswer) -> str:
    """``Stress from Sun 7 Jul 2024 to Mon 5 Aug 2024: now 62/100, high; 4 alerts marked.``
    plus a note when the data covers less than was asked for."""
    span = f"from {day_text_full(answer.first)} to {day_text_full(answer.last)}"
    if answer.step != "daily":
        span += f" ({answer.step} points)"
    text = f"Carry-unwind stress {span}"
    if answer.score is not None and answer.level is not None:
        text += (
            f": now {LEVEL_EMOJI[answer.level]} {fmt(answer.score, Unit.POINTS)}, "
            f"{answer.level.label}"
        )
    if answer.alerts:
        text += f"; {answer.alerts} alert{'s' if answer.alerts != 1 else ''} marked"
    text += "."
    covered = (answer.last - answer.first).days + 1
    if answer.requested_days is not None and covered < answer.requested_days * 0.9:
        text += (
            f" You asked for {answer.requested_days} days; the data covers {covered} "
            f"day{'s' if covered != 1 else ''}."
        )
    return text
