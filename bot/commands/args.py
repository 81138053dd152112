"""Command arguments: a level, a count, a time of day — each wrong one a CommandError
with the command's usage, never an exception the adapter has to catch."""

from __future__ import annotations

import datetime as dt
import re

from bot.commands.answers import CommandError
from signals.levels import Level

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_level(text: str | None, usage: str, default: Level = Level.HIGH) -> Level:
    if text is None or not text.strip():
        return default
    try:
        return Level.parse(text)
    except ValueError as exc:
        raise CommandError(str(exc), usage) from None


def parse_count(text: str | None, usage: str, default: int, maximum: int) -> int:
    if text is None or not text.strip():
        return default
    if not text.strip().isdigit() or not 1 <= int(text) <= maximum:
        raise CommandError(f"expected a whole number from 1 to {maximum}, got {text!r}", usage)
    return int(text)


def parse_clock(text: str, usage: str) -> dt.time:
    match = _HHMM.match(text.strip())
    if not match:
        raise CommandError(f"expected a time as HH:MM, got {text!r}", usage)
    return dt.time(int(match.group(1)), int(match.group(2)))
