"""Command answers as Discord embeds: /risk, /history, /status, /help and alert settings.

Every function takes a platform-neutral answer (``bot.commands.answers``) and
returns an embed already cut to Discord's limits. Text from the answers is
plain; Discord renders a little Markdown in embeds, so anything a user or a
market feed could have written goes through :func:`md` first. Words are gettext
templates in the reader's language (set by the adapter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import discord

from bot.alerts.events import EventKind
from bot.commands.answers import (
    HELP_INTRO,
    HistoryAnswer,
    RiskAnswer,
    SettingsAnswer,
    StatusAnswer,
)
from bot.commands.explain import ExplainAnswer
from bot.i18n import _, ngettext, pgettext
from bot.render.alert_words import ALERT_LEVEL, headline
from bot.render.common import (
    alert_facts,
    clock_range,
    duration_words,
    level_word,
    local_time,
    mark,
)
from bot.render.discord.limits import fit_embed
from bot.render.explain_words import explain_sections, pointer
from bot.render.risk_words import is_stale, risk_details, risk_summary
from bot.render.status_words import feed_lines
from signals.levels import Level

LEVEL_COLOURS: dict[Level, int] = {
    Level.LOW: 0x2ECC71,
    Level.ELEVATED: 0xF1C40F,
    Level.HIGH: 0xE67E22,
    Level.SEVERE: 0xE74C3C,
}
STALE_COLOUR = discord.Colour(0x95A5A6)  # grey: a stale reading is not a calm one


def colour(level: Level) -> discord.Colour:
    return discord.Colour(LEVEL_COLOURS[level])


def md(text: str) -> str:
    """Plain text safe inside an embed (no accidental bold, links or mentions)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def risk_embed(answer: RiskAnswer, now: dt.datetime, *, pointer: bool = False) -> discord.Embed:
    """The short answer as title and description (colour by level, grey when the data
    is stale), one field per component behind it; ``pointer``: the description ends
    with the once-per-chat line about /explain."""
    summary = risk_summary(answer, now)
    text = md("\n".join(summary.lines))
    embed = discord.Embed(
        title=summary.title,
        description=f"{text}\n\n{pointer_text()}" if pointer else text,
        colour=colour(summary.level) if summary.level is not None else STALE_COLOUR,
        timestamp=answer.computed_at,
    )
    for row in risk_details(answer):
        embed.add_field(name=row.title, value=md(row.text), inline=False)
    embed.set_footer(text=_("Score computed"))
    return fit_embed(embed)


def history_embed(answer: HistoryAnswer) -> discord.Embed:
    """What this server's alert channel received, newest first, in its time zone."""
    count = len(answer.alerts)
    if not count:
        title = _("No alerts in this server yet")
    elif count < answer.requested:
        title = ngettext(
            "All {count} alert this server received",
            "All {count} alerts this server received",
            count,
        ).format(count=count)
    else:
        title = ngettext(
            "The last {count} alert in this server", "The last {count} alerts in this server", count
        ).format(count=count)
    embed = discord.Embed(
        title=title,
        colour=colour(max((a.level for a in answer.alerts), default=Level.LOW)),
    )
    if not count:
        embed.description = _("A moderator turns alerts on with `/alerts channel`.")
    for event in answer.alerts:
        facts = alert_facts(event)
        word = "" if event.kind is EventKind.RESOLVED else f"{_(ALERT_LEVEL[event.level])}: "
        name = f"{mark(event.kind, event.level)} {local_time(event.created_at, answer.tz)}"
        embed.add_field(name=name, value=md(word + headline(facts)), inline=False)
    return fit_embed(embed)


def _when(at: dt.datetime | None) -> str:
    return discord.utils.format_dt(at, "R") if at is not None else _("never")


def status_embed(
    answer: StatusAnswer, guild_channel: int | None, guild_settings: SettingsAnswer | None
) -> discord.Embed:
    """Feeds in words, last score and alert, and this server's alert channel; raw
    provider errors stay in the logs."""
    lines = feed_lines(answer)
    embed = discord.Embed(
        title=_("carrywatch status"),
        colour=colour(Level.LOW if all(f.ok for f in lines) else Level.HIGH),
    )
    text = "\n".join(f"{'✅' if f.ok else '⚠️'} **{f.name}**: {md(f.text)}" for f in lines)
    embed.add_field(name=_("Feeds"), value=text or _("no feeds yet"), inline=False)
    embed.add_field(name=_("Last score"), value=_when(answer.last_snapshot_at))
    last = answer.last_alert
    embed.add_field(
        name=_("Last alert"),
        value=f"{_when(last.created_at)}: {md(headline(alert_facts(last)))}"
        if last
        else _("none yet"),
    )
    embed.add_field(
        name=_("This server's alerts"), value=_guild_alerts(guild_channel, guild_settings)
    )
    embed.set_footer(
        text=_("version {version} · up {uptime}").format(
            version=answer.version or "dev", uptime=duration_words(answer.uptime)
        )
    )
    return fit_embed(embed)


def _guild_alerts(channel_id: int | None, settings: SettingsAnswer | None) -> str:
    if channel_id is None or settings is None:
        return _("no alert channel (a moderator runs `/alerts channel`)")
    where = f"<#{channel_id}>"
    if settings.broken_reason:
        return _("⚠️ broken: {reason} — was {channel}; run `/alerts channel` again").format(
            reason=md(settings.broken_reason), channel=where
        )
    if not settings.subscribed:
        return _("off (was {channel})").format(channel=where)
    return _("{channel} at {level} or above").format(
        channel=where, level=level_word(settings.min_level)
    )


def settings_embed(channel_id: int | None, answer: SettingsAnswer, note: str = "") -> discord.Embed:
    """A server's alert settings; ``note`` (what just changed) as the description."""
    embed = discord.Embed(
        title=_("Alert settings"), description=note or None, colour=colour(answer.min_level)
    )
    embed.add_field(name=_("Channel"), value=_guild_alerts(channel_id, answer), inline=False)
    embed.add_field(name=_("Minimum level"), value=level_word(answer.min_level))
    quiet = (
        f"{clock_range(answer.quiet_start, answer.quiet_end)} {answer.tz}"
        if answer.quiet_start and answer.quiet_end
        else pgettext("quiet hours", "off")
    )
    embed.add_field(name=_("Quiet hours"), value=quiet)
    embed.add_field(name=_("Time zone"), value=answer.tz)
    embed.add_field(
        name=_("Muted until"),
        value=discord.utils.format_dt(answer.mute_until, "f")
        if answer.mute_until
        else _("not muted"),
    )
    embed.add_field(
        name=_("Ping on severe"),
        value=f"<@&{answer.ping_role}>" if answer.ping_role else _("nobody"),
    )
    embed.add_field(
        name=_("Muted rules"),
        value=_(", ").join(f"`{r}`" for r in answer.muted_rules) or _("none"),
        inline=False,
    )
    return fit_embed(embed)


def help_embed(commands: Sequence[tuple[str, str]]) -> discord.Embed:
    """``commands`` are ``(usage, description)`` pairs taken from the synced tree."""
    embed = discord.Embed(title="carrywatch", description=_(HELP_INTRO), colour=colour(Level.LOW))
    lines = [f"`{usage}` — {description}" for usage, description in commands]
    embed.add_field(name=_("Commands"), value="\n".join(lines), inline=False)
    embed.set_footer(text=_("/alerts needs the Manage Server permission"))
    return fit_embed(embed)


def error_text(message: str, usage: str = "") -> str:
    """A user mistake, shown ephemerally: what went wrong and how to call the command."""
    text = f"⚠️ {md(message)}"
    if usage:
        text += "\n" + _("Usage: `{usage}`").format(usage=usage)
    return text[:2000]


def explain_embeds(answer: ExplainAnswer, now: dt.datetime) -> tuple[discord.Embed, ...]:
    """/explain as three embeds of one message (together within Discord's 6,000)."""
    sections = explain_sections(answer, now)
    level = answer.risk.level
    tint = colour(level) if level is not None and not is_stale(answer.risk, now) else STALE_COLOUR
    out = []
    for section in sections:
        parts = []
        for block in section.blocks:
            text = md(block.text)
            parts.append(f"**{md(block.head)}**\n{text}" if block.head else text)
        embed = discord.Embed(title=section.title, description="\n\n".join(parts), colour=tint)
        out.append(fit_embed(embed))
    return tuple(out)


def pointer_text() -> str:
    """The once-per-channel line after a first /risk."""
    return f"*{md(pointer())}*"
