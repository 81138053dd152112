"""One sentence saying what a settings change did, for Telegram and Discord alike.

The service hands back the settings after the change with ``previous`` (before
it); :func:`change_sentence` compares the two and names what is different, so
"/settings level severe" answers "Alerts here now start at severe (was high)."
instead of echoing the whole block. Each change is one whole sentence.
"""

from __future__ import annotations

import datetime as dt

from bot.commands.answers import SettingsAnswer
from bot.i18n import _, ngettext
from bot.render.common import clock_range, level_word, local_time


def _quiet(a: SettingsAnswer) -> tuple[dt.time, dt.time] | None:
    if a.quiet_start is None or a.quiet_end is None:
        return None
    return a.quiet_start, a.quiet_end


def _mute_text(a: SettingsAnswer, now: dt.datetime) -> str:
    if a.mute_until is None or a.mute_until <= now:
        return ""
    return local_time(a.mute_until, a.tz)


def subscribed_sentence(a: SettingsAnswer) -> str:
    level = level_word(a.min_level)
    if a.created:
        return _("Subscribed: {level} alerts and above will come here.").format(level=level)
    if a.previous is None:
        return _(
            "Subscribed again with your earlier settings: alerts at {level} and above."
        ).format(level=level)
    if a.previous.min_level != a.min_level:
        return _("Still subscribed; alerts here now start at {level} (was {was}).").format(
            level=level, was=level_word(a.previous.min_level)
        )
    return _("Already subscribed; nothing changed (alerts at {level} and above).").format(
        level=level
    )


def _rules_sentence(rules: list[str], *, muted: bool) -> str:
    names = _(", ").join(rules)
    if muted:
        return ngettext("Rule {rules} muted here.", "Rules {rules} muted here.", len(rules)).format(
            rules=names
        )
    return ngettext(
        "Rule {rules} alerts here again.", "Rules {rules} alert here again.", len(rules)
    ).format(rules=names)


def change_sentence(a: SettingsAnswer, now: dt.datetime) -> str:
    """What changed between ``a.previous`` and ``a``, in one sentence."""
    before = a.previous
    if before is None:
        return _("Saved.")
    parts: list[str] = []
    if before.min_level != a.min_level:
        parts.append(
            _("Alerts here now start at {level} (was {was}).").format(
                level=level_word(a.min_level), was=level_word(before.min_level)
            )
        )
    if _quiet(before) != _quiet(a) or (before.tz != a.tz and _quiet(a)):
        quiet = _quiet(a)
        if quiet is None:
            parts.append(_("Quiet hours are off: alerts arrive at any time."))
        else:
            parts.append(
                _(
                    "Quiet hours set to {hours} {zone}: alerts below severe wait until they end."
                ).format(hours=clock_range(*quiet), zone=a.tz)
            )
    elif before.tz != a.tz:
        parts.append(
            _("Times are now shown in {zone} (was {was}).").format(zone=a.tz, was=before.tz)
        )
    if before.mute_until != a.mute_until:
        until = _mute_text(a, now)
        parts.append(
            _("Muted until {until}; severe alerts still come through.").format(until=until)
            if until
            else _("Unmuted: alerts come through again.")
        )
    added = sorted(set(a.muted_rules) - set(before.muted_rules))
    removed = sorted(set(before.muted_rules) - set(a.muted_rules))
    if added:
        parts.append(_rules_sentence(added, muted=True))
    if removed:
        parts.append(_rules_sentence(removed, muted=False))
    if before.ping_role != a.ping_role:
        parts.append(
            _("Severe alerts will mention that role.")
            if a.ping_role
            else _("Severe alerts will mention nobody.")
        )
    if not parts:
        return _("Nothing changed: that was already the setting.")
    return " ".join(parts)
