"""Plain-text rendering: the console notifier, and every platform's fallback."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.commands.answers import RiskAnswer
from signals.levels import Level

LEVEL_MARK = {Level.LOW: "🟢", Level.ELEVATED: "🟡", Level.HIGH: "🟠", Level.SEVERE: "🔴"}
KIND_WORD = {
    EventKind.FIRING: "ALERT",
    EventKind.ESCALATED: "ESCALATED",
    EventKind.RESOLVED: "RESOLVED",
    EventKind.REPEAT: "STILL FIRING",
    EventKind.TEST: "TEST",
    EventKind.BROADCAST: "NOTICE",
}


def local_time(at: dt.datetime, tz: str = "UTC") -> str:
    return at.astimezone(ZoneInfo(tz)).strftime(f"%Y-%m-%d %H:%M {tz}")


def event_lines(e: AlertEvent, tz: str = "UTC") -> list[str]:
    mark = "✅" if e.kind is EventKind.RESOLVED else LEVEL_MARK[e.level]
    head = f"{mark} {KIND_WORD[e.kind]} [{e.level.label}] {e.headline}"
    lines = [head]
    if e.cause:
        lines.append(f"   {e.cause}")
    lines.append(
        f"   rule {e.rule} · market date {e.as_of.isoformat()} · {local_time(e.created_at, tz)}"
    )
    return lines


def render_message(message: AlertMessage, tz: str = "UTC") -> str:
    lines: list[str] = []
    if message.delayed_by is not None:
        minutes = int(message.delayed_by.total_seconds() // 60)
        lines.append(f"⚠ delayed: could not be delivered for {minutes} min")
    for event in message.events:
        lines.extend(event_lines(event, tz))
    return "\n".join(lines)


def render_risk(answer: RiskAnswer) -> str:
    score = f"{answer.score:.0f}/100" if answer.score is not None else "n/a"
    age = int(answer.age.total_seconds() // 60)
    lines = [
        f"{LEVEL_MARK[answer.level]} carry-unwind stress {score} — {answer.level.label}",
        f"market date {answer.as_of.isoformat()}, computed {age} min ago",
    ]
    for c in answer.components:
        if c.available and c.score is not None:
            lines.append(f"  {c.label:<24} {c.score:5.0f}  (weight {c.weight:.0%})  {c.reason}")
        else:
            lines.append(f"  {c.label:<24}    —   {c.reason}")
    if answer.stale_feeds:
        lines.append("stale feeds: " + ", ".join(answer.stale_feeds))
    return "\n".join(lines)
