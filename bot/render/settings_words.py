"""One sentence saying what a settings change did, for Telegram and Discord alike.

The service hands back the settings after the change with ``previous`` (before
it); :func:`change_sentence` compares the two and names what is different, so
"/settings level severe" answers "Alerts here now start at severe (was high)."
instead of echoing the whole block.
"""

from __future__ import annotations

import datetime as dt

from bot.commands.answers import SettingsAnswer
from bot.render.common import clock_range, local_time


def _quiet(a: SettingsAnswer) -> tuple[dt.time, dt.time] | None:
    if a.quiet_start is None or a.quiet_end is None:
        return None
    return a.quiet_start, a.quiet_end


def _mute_text(a: SettingsAnswer, now: dt.datetime) -> str:
    if a.mute_until is None or a.mute_until <= now:
        return ""
    return local_time(a.mute_until, a.tz)


def subscribed_sentence(a: SettingsAnswer) -> str:
    level = a.min_level.label
    if a.created:
        return f"Subscribed: {level} alerts and above will come here."
    if a.previous is None:
        return f"Subscribed again with your earlier settings: alerts at {level} and above."
    if a.previous.min_level != a.min_level:
        was = a.previous.min_level.label
        return f"Still subscribed; alerts here now start at {level} (was {was})."
    return f"Already subscribed; nothing changed (alerts at {level} and above)."


def change_sentence(a: SettingsAnswer, now: dt.datetime) -> str:
    """What changed between ``a.previous`` and ``a``, in one sentence."""
    before = a.previous
    if before is None:
        return "Saved."
    parts: list[str] = []
    if before.min_level != a.min_level:
        parts.append(
            f"Alerts here now start at {a.min_level.label} (was {before.min_level.label})."
        )
    if _quiet(before) != _quiet(a) or (before.tz != a.tz and _quiet(a)):
        quiet = _quiet(a)
        if quiet is None:
            parts.append("Quiet hours are off: alerts arrive at any time.")
        else:
            parts.append(
                f"Quiet hours set to {clock_range(*quiet)} {a.tz}: alerts below severe "
                "wait until they end."
            )
    elif before.tz != a.tz:
        parts.append(f"Times are now shown in {a.tz} (was {before.tz}).")
    if before.mute_until != a.mute_until:
        until = _mute_text(a, now)
        parts.append(
            f"Muted until {until}; severe alerts still come through."
            if until
            else "Unmuted: alerts come through again."
        )
    added = sorted(set(a.muted_rules) - set(before.muted_rules))
    removed = sorted(set(before.muted_rules) - set(a.muted_rules))
    if added:
        parts.append(f"Rule {', '.join(added)} muted here.")
    if removed:
        parts.append(f"Rule {', '.join(removed)} alerts here again.")
    if before.ping_role != a.ping_role:
        parts.append(
            "Severe alerts will mention that role."
            if a.ping_role
            else "Severe alerts will mention nobody."
        )
    if not parts:
        return "Nothing changed: that was already the setting."
    return " ".join(parts)
