"""Alert messages for Telegram: one message per chat, HTML with a plain-text twin.

An :class:`~bot.alerts.events.AlertMessage` may hold several events of one
evaluation; each becomes a block (marker, headline, numbers, cause, time) and
the whole is fitted into 4096 visible characters. Times are shown in the
reader's zone when the caller knows it, else in UTC with JST beside it (the
market the alerts are about).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.render.telegram_text import Doc, Line, b, i, line
from signals.levels import Level

LEVEL_MARKER = {
    Level.LOW: "🟢",
    Level.ELEVATED: "🟡",
    Level.HIGH: "🟠",
    Level.SEVERE: "🔴",
}
KIND_WORD = {
    EventKind.FIRING: "alert",
    EventKind.ESCALATED: "escalated",
    EventKind.RESOLVED: "resolved",
    EventKind.REPEAT: "still active",
    EventKind.TEST: "test alert",
    EventKind.BROADCAST: "announcement",
}
JST = zoneinfo.ZoneInfo("Asia/Tokyo")
_TIGHT_UNITS = frozenset({"%", "σ", "x", "×"})


def marker(event: AlertEvent) -> str:
    if event.kind is EventKind.RESOLVED:
        return "✅"
    if event.kind is EventKind.TEST:
        return "🧪"
    if event.kind is EventKind.BROADCAST:
        return "📣"
    return LEVEL_MARKER[event.level]


def number(value: float, unit: str = "") -> str:
    """``3.72%``, ``+23 bp`` stays the caller's; ``53,991 USD``; trailing zeros dropped."""
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    else:
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        text = "0" if text == "-0" else text
    if not unit:
        return text
    return f"{text}{unit}" if unit in _TIGHT_UNITS else f"{text} {unit}"


def zone(tz: str | None) -> zoneinfo.ZoneInfo | None:
    if not tz:
        return None
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def when(at: dt.datetime, tz: str | None = None) -> str:
    """``5 Aug 2024 17:00 CEST`` in the reader's zone; ``06:00 UTC · 15:00 JST`` without one."""
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    reader = zone(tz)
    if reader is not None:
        local = at.astimezone(reader)
        return f"{local.day} {local:%b %Y %H:%M} {local.tzname() or tz}"
    utc, jst = at.astimezone(dt.UTC), at.astimezone(JST)
    return f"{utc.day} {utc:%b %Y %H:%M} UTC · {jst:%H:%M} JST"


def event_lines(event: AlertEvent, tz: str | None) -> list[Line]:
    """One event's block; a broadcast is the admin's text, nothing added but the time."""
    if event.kind is EventKind.BROADCAST:  # headline: the operator's text, cause: who sent it
        body = [line(text) for text in event.headline.splitlines()]
        return [line(f"{marker(event)} ", b(event.cause or "Announcement")), *body]
    head = line(
        f"{marker(event)} ",
        b(event.level.label.upper()),
        f" · {KIND_WORD[event.kind]} · ",
        b(event.headline),
    )
    lines = [head]
    numbers: list[str] = []
    if event.value is not None:
        numbers.append(f"now {number(event.value, event.unit)}")
    if event.threshold is not None:
        numbers.append(f"threshold {number(event.threshold, event.unit)}")
    if event.score is not None:
        numbers.append(f"stress score {event.score:.0f}/100")
    if numbers:
        lines.append(line(", ".join(numbers).capitalize()))
    if event.cause:
        lines.append(line(event.cause))
    lines.append(line(i(f"{when(event.created_at, tz)} · rule {event.rule}")))
    return lines


def alert_doc(message: AlertMessage, tz: str | None = None) -> Doc:
    """The whole message: a delay notice first (if any), then one block per event."""
    lines: list[Line | str] = []
    if message.delayed_by is not None:
        minutes = max(1, round(message.delayed_by.total_seconds() / 60))
        lines += [line(b(f"⚠ delayed by {minutes} min")), ""]
    ordered = sorted(message.events, key=lambda e: (-e.level, e.created_at))  # stable: outbox order
    for n, event in enumerate(ordered):
        if n:
            lines.append("")
        lines += event_lines(event, tz)
    return Doc.of(lines).fit(note="… (message shortened; /history shows every alert)")
