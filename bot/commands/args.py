"""Command arguments: a level, a count, a time of day, a duration — each wrong one a
CommandError with the command's usage (in the reader's language), never an exception
the adapter has to catch."""

from __future__ import annotations

import datetime as dt
import re

from bot.commands.answers import CommandError
from bot.i18n import _
from signals.durations import MAX_DURATION_CHARS, parse_duration
from signals.levels import Level

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
SHOWN = 30  # characters of a bad argument quoted back: enough to see it, never a flood


def shown(text: str) -> str:
    """``text`` quoted for an error line, cut to :data:`SHOWN` characters."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 3] + "…")


def parse_level(text: str | None, usage: str, default: Level = Level.HIGH) -> Level:
    if text is None or not text.strip():
        return default
    try:
        return Level.parse(text)
    except ValueError:
        raise CommandError(
            _("unknown level {text}; choose one of: low, elevated, high, severe").format(
                text=shown(text)
            ),
            usage,
        ) from None


def parse_count(text: str | None, usage: str, default: int, maximum: int) -> int:
    if text is None or not text.strip():
        return default
    if not text.strip().isdigit() or not 1 <= int(text) <= maximum:
        raise CommandError(
            _("expected a whole number from 1 to {maximum}, got {text}").format(
                maximum=maximum, text=shown(text)
            ),
            usage,
        )
    return int(text)


def parse_clock(text: str, usage: str) -> dt.time:
    match = _HHMM.match(text.strip())
    if not match:
        raise CommandError(
            _("expected a time as HH:MM, got {text}").format(text=shown(text)), usage
        )
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_delta(text: str, usage: str) -> dt.timedelta:
    """A duration such as ``30m``, ``2h``, ``1d12h``; the mistake said in the reader's words."""
    try:
        return parse_duration(text)
    except ValueError as exc:
        if len(text.strip().replace(" ", "")) > MAX_DURATION_CHARS:
            message = _("bad duration: at most {limit} characters, e.g. 1d12h").format(
                limit=MAX_DURATION_CHARS
            )
        elif str(exc).endswith("far too long"):
            message = _("bad duration {text}: far too long").format(text=shown(text))
        else:
            message = _(
                "bad duration {text}: use a number and a unit, e.g. 30m, 2h, 1d, 1d12h, 1w"
            ).format(text=shown(text))
        raise CommandError(message, usage) from None
