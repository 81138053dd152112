"""What a weekly digest says: the score path, the biggest moves, the alerts that fired.

:func:`build_digest` is pure over what the store returned; :func:`digest_text`
writes the few lines people read (sent as one outbox message, so the score
path is a text sparkline rather than an image), in the current language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.alerts.events import AlertEvent, EventKind
from bot.i18n import _, current, formats, pgettext
from bot.render.common import day_text, level_word, month_day
from bot.render.common import value_text as format_value
from bot.render.rule_words import indicator_label
from signals.levels import level_for

SUPERLONG = ("jgb.20y", "jgb.30y", "jgb.40y")
MARKETS = ("usdjpy", "btc")
_BARS = "▁▂▃▄▅▆▇█"
Points = Sequence[tuple[dt.date, float]]


@dataclass(frozen=True, slots=True)
class Move:
    series: str
    start: float
    end: float
    start_date: dt.date
    end_date: dt.date

    @property
    def change(self) -> float:
        """bp for yields, % for prices."""
        if self.series.startswith("jgb."):
            return (self.end - self.start) * 100.0
        return (self.end / self.start - 1.0) * 100.0


@dataclass(frozen=True, slots=True)
class Digest:
    first: dt.date
    last: dt.date
    scores: tuple[tuple[dt.date, float], ...]
    moves: tuple[Move, ...]
    alerts: tuple[AlertEvent, ...]


def _move(series: str, points: Points, first: dt.date, last: dt.date) -> Move | None:
    """From the last value before the week to the last value in it."""
    before = [p for p in points if p[0] < first]
    inside = [p for p in points if first <= p[0] <= last]
    if not before or not inside:
        return None
    (d0, v0), (d1, v1) = before[-1], inside[-1]
    return Move(series, v0, v1, d0, d1)


def build_digest(
    first: dt.date,
    last: dt.date,
    scores: Points,
    observations: Mapping[str, Points],
    alerts: Sequence[AlertEvent],
) -> Digest:
    """The week ``first``..``last`` (inclusive): moves sorted biggest first within each group."""
    supers = [m for s in SUPERLONG if (m := _move(s, observations.get(s, ()), first, last))]
    supers.sort(key=lambda m: -abs(m.change))
    markets = [m for s in MARKETS if (m := _move(s, observations.get(s, ()), first, last))]
    fired = tuple(
        a
        for a in sorted(alerts, key=lambda a: a.created_at)
        if a.kind in (EventKind.FIRING, EventKind.ESCALATED) and first <= a.as_of <= last
    )
    week = tuple((d, s) for d, s in scores if first <= d <= last)
    return Digest(first, last, week, (*supers, *markets), fired)


def sparkline(values: Sequence[float]) -> str:
    """Score path on the 0–100 scale (not stretched: a calm week looks calm)."""
    return "".join(_BARS[min(len(_BARS) - 1, int(v / 100 * len(_BARS)))] for v in values)


def _change(move: Move) -> str:
    name = indicator_label(move.series)
    if move.series.startswith("jgb."):
        return _("{name} {change} bp ({start}% → {end}%)").format(
            name=name,
            change=f"{move.change:+.0f}",
            start=f"{move.start:.3f}",
            end=f"{move.end:.3f}",
        )
    return _("{name} {change}% ({start} → {end})").format(
        name=name,
        change=f"{move.change:+.1f}",
        start=format_value(move.series, move.start),
        end=format_value(move.series, move.end),
    )


def _week(first: dt.date, last: dt.date) -> str:
    if current() == "en":  # the house style: "Week 05 Aug – 11 Aug 2024"
        return f"Week {first:%d %b} – {last:%d %b %Y}"
    return _("Week {first} – {last}").format(first=month_day(first), last=formats.date_text(last))


def _alert_day(day: dt.date) -> str:
    if current() == "en":
        return f"{day:%a %d %b}"
    return day_text(day)


def digest_text(d: Digest, max_alerts: int = 5) -> str:
    """The digest in the current language (``with i18n.use(lang)`` around the call)."""
    lines = [_week(d.first, d.last)]
    if d.scores:
        start, end = d.scores[0][1], d.scores[-1][1]
        peak = max(s for _day, s in d.scores)
        lines.append(
            _("Stress score {start} → {end} ({level}), peak {peak}: {sparkline}").format(
                start=f"{start:.0f}",
                end=f"{end:.0f}",
                level=level_word(level_for(end)),
                peak=f"{peak:.0f}",
                sparkline=sparkline([s for _day, s in d.scores]),
            )
        )
    else:
        lines.append(_("No stress score this week (no fresh data)."))
    if d.moves:
        moves = pgettext("clause separator", "; ").join(_change(m) for m in d.moves)
        lines.append(_("Moves: {moves}.").format(moves=moves))
    if d.alerts:
        shown = [
            _("{day} {level} {rule}").format(
                day=_alert_day(a.as_of), level=level_word(a.level), rule=a.rule
            )
            for a in d.alerts[:max_alerts]
        ]
        alerts = pgettext("clause separator", "; ").join(shown)
        more = len(d.alerts) - len(shown)
        if more > 0:
            lines.append(
                _("Alerts ({count}): {alerts} and {more} more.").format(
                    count=len(d.alerts), alerts=alerts, more=more
                )
            )
        else:
            lines.append(
                _("Alerts ({count}): {alerts}.").format(count=len(d.alerts), alerts=alerts)
            )
    else:
        lines.append(_("No alerts fired this week."))
    return "\n".join(lines)
