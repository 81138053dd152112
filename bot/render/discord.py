"""Command answers as Discord embeds: /risk, /history, /status, /help and alert settings.

Every function takes a platform-neutral answer (``bot.commands.answers``) and
returns an embed already cut to Discord's limits. Text from the answers is
plain; Discord renders a little Markdown in embeds, so anything a user or a
market feed could have written goes through :func:`md` first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import discord

from bot.alerts.events import AlertEvent
from bot.commands.answers import (
    HELP_INTRO,
    ComponentView,
    HistoryAnswer,
    RiskAnswer,
    SettingsAnswer,
    StatusAnswer,
)
from bot.render.discord_limits import fit_embed
from bot.render.units import format_value, indicator_label
from signals.durations import format_duration
from signals.levels import Level

LEVEL_COLOURS: dict[Level, int] = {
    Level.LOW: 0x2ECC71,
    Level.ELEVATED: 0xF1C40F,
    Level.HIGH: 0xE67E22,
    Level.SEVERE: 0xE74C3C,
}
VALUES_PER_COMPONENT = 3


def colour(level: Level) -> discord.Colour:
    return discord.Colour(LEVEL_COLOURS[level])


def md(text: str) -> str:
    """Plain text safe inside an embed (no accidental bold, links or mentions)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def age_text(age: dt.timedelta) -> str:
    if age < dt.timedelta(minutes=1):
        return "just now"
    return f"{format_duration(dt.timedelta(minutes=int(age.total_seconds() // 60)))} ago"


def _component_value(c: ComponentView) -> str:
    readings = [
        f"{indicator_label(name)} {format_value(name, value)}"
        for name, value in list(c.values.items())[:VALUES_PER_COMPONENT]
    ]
    score = f"score {c.score:.0f}" if c.score is not None else "no score"
    head = f"**{score}** · weight {c.weight:.0%}"
    if c.stale:
        head += " · stale"
    lines = [head, md(" · ".join(readings)) if readings else "", md(c.reason)]
    return "\n".join(line for line in lines if line)


def risk_embed(answer: RiskAnswer) -> discord.Embed:
    """Score and level in the title (colour by level), one field per component,
    data age and stale feeds in the footer."""
    score = f"{answer.score:.0f}/100" if answer.score is not None else "no score"
    embed = discord.Embed(
        title=f"Yen carry-unwind stress: {score} — {answer.level.label}",
        description=f"Market data as of {answer.as_of.isoformat()}.",
        colour=colour(answer.level),
        timestamp=answer.computed_at,
    )
    for c in answer.components:
        name = c.label if c.available else f"{c.label} (unavailable)"
        embed.add_field(name=name, value=_component_value(c), inline=False)
    footer = f"Computed {age_text(answer.age)}"
    footer += (
        f" · stale feeds: {', '.join(answer.stale_feeds)}"
        if answer.stale_feeds
        else " · all feeds fresh"
    )
    embed.set_footer(text=footer)
    return fit_embed(embed)


def _alert_line(event: AlertEvent) -> tuple[str, str]:
    when = event.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    name = f"{when} · {event.level.label} · {event.kind.value}"
    return name, f"{md(event.headline)}\n{md(event.cause)}"


def history_embed(answer: HistoryAnswer) -> discord.Embed:
    count = len(answer.alerts)
    embed = discord.Embed(
        title=f"Last {count} alert{'s' if count != 1 else ''}" if count else "No alerts yet",
        colour=colour(max((a.level for a in answer.alerts), default=Level.LOW)),
    )
    if not count:
        embed.description = "Nothing has crossed a rule so far."
    for event in answer.alerts:
        name, value = _alert_line(event)
        embed.add_field(name=name, value=value, inline=False)
    return fit_embed(embed)


def _when(at: dt.datetime | None) -> str:
    return discord.utils.format_dt(at, "R") if at is not None else "never"


def status_embed(
    answer: StatusAnswer, guild_channel: int | None, guild_settings: SettingsAnswer | None
) -> discord.Embed:
    """Feeds, last snapshot and alert, delivery health, and this server's alert channel."""
    stale = answer.stale_feeds
    embed = discord.Embed(
        title="carrywatch status",
        colour=colour(Level.HIGH if stale or answer.broken_subscriptions else Level.LOW),
    )
    feeds = [
        f"{'⚠️' if f.stale else '✅'} `{f.series}` "
        f"{f.last_date.isoformat() if f.last_date else 'no data'}" + (" (stale)" if f.stale else "")
        for f in answer.feeds
    ]
    embed.add_field(name="Feeds", value="\n".join(feeds) or "no feeds yet", inline=False)
    embed.add_field(name="Last score", value=_when(answer.last_snapshot_at))
    last = answer.last_alert
    embed.add_field(
        name="Last alert",
        value=f"{_when(last.created_at)}: {md(last.headline)}" if last else "none yet",
    )
    embed.add_field(
        name="Deliveries",
        value=f"{answer.pending_deliveries} pending · "
        f"{answer.broken_subscriptions} broken subscriptions",
    )
    embed.add_field(name="This server's alerts", value=_guild_alerts(guild_channel, guild_settings))
    embed.add_field(name="Data-quality events (24h)", value=str(answer.quality_events_24h))
    uptime = format_duration(dt.timedelta(seconds=int(answer.uptime.total_seconds())))
    embed.set_footer(text=f"version {answer.version or 'dev'} · up {uptime}")
    return fit_embed(embed)


def _guild_alerts(channel_id: int | None, settings: SettingsAnswer | None) -> str:
    if channel_id is None or settings is None:
        return "no alert channel (a moderator runs `/alerts channel`)"
    where = f"<#{channel_id}>"
    if settings.broken_reason:
        return f"⚠️ broken: {md(settings.broken_reason)} — was {where}; run `/alerts channel` again"
    if not settings.subscribed:
        return f"off (was {where})"
    return f"{where} at {settings.min_level.label} or above"


def settings_embed(channel_id: int | None, answer: SettingsAnswer, note: str = "") -> discord.Embed:
    """A server's alert settings, as /alerts subcommands confirm them."""
    embed = discord.Embed(
        title="Alert settings", description=note or None, colour=colour(answer.min_level)
    )
    embed.add_field(name="Channel", value=_guild_alerts(channel_id, answer), inline=False)
    embed.add_field(name="Minimum level", value=answer.min_level.label)
    embed.add_field(
        name="Muted until",
        value=discord.utils.format_dt(answer.mute_until, "f") if answer.mute_until else "not muted",
    )
    embed.add_field(
        name="Muted rules",
        value=", ".join(f"`{r}`" for r in answer.muted_rules) or "none",
        inline=False,
    )
    return fit_embed(embed)


def help_embed(commands: Sequence[tuple[str, str]]) -> discord.Embed:
    """``commands`` are ``(usage, description)`` pairs taken from the synced tree."""
    embed = discord.Embed(title="carrywatch", description=HELP_INTRO, colour=colour(Level.LOW))
    lines = [f"`{usage}` — {description}" for usage, description in commands]
    embed.add_field(name="Commands", value="\n".join(lines), inline=False)
    embed.set_footer(text="/alerts needs the Manage Server permission")
    return fit_embed(embed)


def error_text(message: str, usage: str = "") -> str:
    """A user mistake, shown ephemerally: what went wrong and how to call the command."""
    text = f"⚠️ {md(message)}"
    if usage:
        text += f"\nUsage: `{usage}`"
    return text[:2000]
