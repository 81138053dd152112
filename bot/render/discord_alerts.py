"""An alert message as one Discord embed: title, colour by level, cause, one field per event.

Each notifier renders its own message from the immutable events; nothing here
changes the ``AlertMessage`` it is given.
"""

from __future__ import annotations

import datetime as dt

import discord

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.render.discord import colour, md
from bot.render.discord_limits import fit_embed
from signals.durations import format_duration

KIND_MARK: dict[EventKind, str] = {
    EventKind.FIRING: "🚨 Firing",
    EventKind.ESCALATED: "⏫ Escalated",
    EventKind.RESOLVED: "✅ Resolved",
    EventKind.REPEAT: "🔁 Still firing",
    EventKind.TEST: "🧪 Test",
    EventKind.BROADCAST: "📢 Message",
}
RESOLVED_COLOUR = 0x95A5A6


def _title(message: AlertMessage) -> str:
    events = message.events
    if len(events) == 1:
        e = events[0]
        if e.kind is EventKind.BROADCAST:
            return "📢 carrywatch"
        return f"{KIND_MARK[e.kind]} · {e.level.label.upper()}: {e.headline}"
    return f"🚨 {len(events)} carry-unwind alerts · up to {message.level.label.upper()}"


def _description(message: AlertMessage) -> str:
    causes: list[str] = []
    for e in message.events:
        text = e.headline if e.kind is EventKind.BROADCAST else e.cause
        if text and text not in causes:
            causes.append(text)
    return "\n".join(md(c) for c in causes)


def _field(event: AlertEvent) -> tuple[str, str]:
    name = f"{KIND_MARK[event.kind]} · {event.level.label} · {event.rule}"
    lines = [md(event.headline)]
    if event.value is not None and event.threshold is not None:
        unit = event.unit
        lines.append(f"value {event.value:g}{unit} · threshold {event.threshold:g}{unit}")
    facts = [f"market date {event.as_of.isoformat()}"]
    if event.score is not None:
        facts.append(f"score {event.score:.0f}/100")
    lines.append(" · ".join(facts))
    return name, "\n".join(lines)


def _colour(message: AlertMessage) -> discord.Colour:
    if message.kinds == {EventKind.RESOLVED}:
        return discord.Colour(RESOLVED_COLOUR)
    return colour(message.level)


def alert_embed(message: AlertMessage) -> discord.Embed:
    """Title, colour by the highest level, causes as the description, one field per
    event (up to 25), the newest event's time as the timestamp, and a footer that
    says when the message is late."""
    newest = max(e.created_at for e in message.events)
    embed = discord.Embed(
        title=_title(message),
        description=_description(message) or None,
        colour=_colour(message),
        timestamp=newest,
    )
    if not (len(message.events) == 1 and message.events[0].kind is EventKind.BROADCAST):
        for event in message.events:  # past 25, fit_embed says "… and N more"
            name, value = _field(event)
            embed.add_field(name=name, value=value, inline=False)
    footer = "carrywatch"
    if message.delayed_by is not None and message.delayed_by > dt.timedelta(0):
        minutes = max(int(message.delayed_by.total_seconds() // 60), 1)
        footer += f" · ⏱ delayed by {minutes} min ({format_duration(message.delayed_by)})"
    embed.set_footer(text=footer)
    return fit_embed(embed)
