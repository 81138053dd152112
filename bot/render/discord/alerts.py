"""An alert message as one Discord embed: headline in words, why it matters, the numbers.

One event: its headline is the title. Several: the title counts new and eased
alerts separately (an all-clear is never headlined as an alert), one field per
event. Eased-only messages are grey. :func:`ping` gives the role mention for a
severe alert, with allowed mentions limited to that role. Each notifier renders
its own message from the immutable events; nothing here changes the message.
Words are in the reader's language (set by the caller with ``i18n.use``).
"""

from __future__ import annotations

import discord

from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.digest import DIGEST_RULE
from bot.i18n import _, ngettext
from bot.render import event_text
from bot.render.alert_words import (
    alert_title,
    headline,
    lasted,
    levels_line,
    numbers_line,
    why_it_matters,
)
from bot.render.common import alert_facts, clock_range, duration_words, level_word, mark
from bot.render.discord.answers import colour, md
from bot.render.discord.limits import fit_embed
from signals.levels import Level

RESOLVED_COLOUR = 0x95A5A6
ADMIN = (EventKind.BROADCAST, EventKind.TEST)


def _live(message: AlertMessage) -> list[AlertEvent]:
    """Events that are alerts now (not eased, not operator messages)."""
    return [e for e in message.events if e.kind is not EventKind.RESOLVED and e.kind not in ADMIN]


def _event_title(e: AlertEvent) -> str:
    if e.kind is EventKind.BROADCAST:
        if e.rule == DIGEST_RULE:
            return "📣 " + _("Weekly digest")
        return "📣 " + _("Message from the carrywatch operators")
    if e.kind is EventKind.TEST:
        return "🧪 " + _("Test alert: delivery to this channel works")
    text = md(headline(alert_facts(e)))
    if e.kind is EventKind.RESOLVED:
        return f"✅ {text}"
    return f"{mark(e.kind, e.level)} {alert_title(EventKind.FIRING, e.level, text)}"


def _title(message: AlertMessage) -> str:
    events = message.events
    if len(events) == 1:
        return _event_title(events[0])
    live = _live(message)
    eased = sum(1 for e in events if e.kind is EventKind.RESOLVED)
    if not live:
        return "✅ " + ngettext(
            "{count} carry-unwind alert eased", "{count} carry-unwind alerts eased", eased
        ).format(count=eased)
    top = max(e.level for e in live)
    words = {"count": len(live), "eased": eased, "level": level_word(top)}
    if eased:
        text = ngettext(
            "{count} carry-unwind alert, {eased} eased · highest: {level}",
            "{count} carry-unwind alerts, {eased} eased · highest: {level}",
            len(live),
        ).format(**words)
    else:
        text = ngettext(
            "{count} carry-unwind alert · highest: {level}",
            "{count} carry-unwind alerts · highest: {level}",
            len(live),
        ).format(**words)
    return f"{mark(EventKind.FIRING, top)} {text}"


def _body(e: AlertEvent) -> list[str]:
    if e.kind is EventKind.BROADCAST:
        return [md(event_text.headline(e))]
    if e.kind is EventKind.TEST:
        return [_("No market event behind it; an operator sent it with /test_alert.")]
    facts = alert_facts(e)
    parts = [why_it_matters(facts), lasted(facts), numbers_line(facts), levels_line(facts)]
    return [md(p) for p in parts if p]


def _description(message: AlertMessage) -> str:
    lines: list[str] = []
    if message.held_for_quiet_hours is not None:
        hours = clock_range(*message.held_for_quiet_hours)
        lines.append(_("🌙 Held during this server's quiet hours ({hours})").format(hours=hours))
    elif message.delayed_by is not None:
        lines.append(
            _("⏱ Delayed by {duration} (delivery problem)").format(
                duration=duration_words(message.delayed_by)
            )
        )
    if len(message.events) == 1:
        lines += _body(message.events[0])
    if any(e.kind not in ADMIN for e in message.events):
        lines.append(_("{command} — for the full picture").format(command="`/risk`"))
    return "\n".join(lines)


def _colour(message: AlertMessage) -> discord.Colour:
    live = _live(message)
    if not live:
        return discord.Colour(RESOLVED_COLOUR)
    return colour(max(e.level for e in live))


def alert_embed(message: AlertMessage) -> discord.Embed:
    """Title, colour by the highest live level, the body, one field per event when
    there are several, and the newest event's time as the timestamp (Discord shows it
    in each reader's own time zone)."""
    newest = max(e.created_at for e in message.events)
    embed = discord.Embed(
        title=_title(message),
        description=_description(message) or None,
        colour=_colour(message),
        timestamp=newest,
    )
    if len(message.events) > 1:
        ordered = sorted(message.events, key=lambda e: (e.kind is EventKind.RESOLVED, -e.level))
        for e in ordered:  # past 25, fit_embed says "… and N more"
            embed.add_field(name=_event_title(e), value="\n".join(_body(e)), inline=False)
    embed.set_footer(text="carrywatch · " + " · ".join(sorted({e.rule for e in message.events})))
    return fit_embed(embed)


def ping(message: AlertMessage) -> tuple[str | None, discord.AllowedMentions]:
    """The role mention for a severe live alert and mentions allowed for it: that role
    only, never @everyone or users. Nothing for anything else."""
    role = message.ping_role
    if role and role.isdigit() and any(e.level >= Level.SEVERE for e in _live(message)):
        allowed = discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(int(role))], replied_user=False
        )
        return f"<@&{role}>", allowed
    return None, discord.AllowedMentions.none()
