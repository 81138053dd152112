"""Human durations for rules and commands: ``90s``, ``30m``, ``2h``, ``1d12h``, ``1w``."""

from __future__ import annotations

import datetime as dt
import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d{1,9}(?:\.\d{1,6})?)([smhdw])")
#: Longer input is refused before any matching: no real duration needs more.
MAX_DURATION_CHARS = 32


def parse_duration(text: str | int | float) -> dt.timedelta:
    """Parse ``2h`` or ``1d12h`` (or plain seconds); ValueError says what is accepted."""
    if isinstance(text, int | float):
        if text < 0:
            raise ValueError("a duration cannot be negative")
        return dt.timedelta(seconds=float(text))
    raw = text.strip().lower().replace(" ", "")
    if len(raw) > MAX_DURATION_CHARS:
        raise ValueError(f"bad duration: at most {MAX_DURATION_CHARS} characters, e.g. 1d12h")
    if raw in ("0", ""):
        return dt.timedelta(0)
    # match() anchored at pos, part after part: linear time. (finditer tried every
    # start position of a long digit run, each scanning to its end: quadratic.)
    pos, seconds = 0, 0.0
    while (match := _PART.match(raw, pos)) is not None:
        seconds += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(raw) or pos == 0:
        raise ValueError(
            f"bad duration {text!r}: use a number and a unit, e.g. 30m, 2h, 1d, 1d12h, 1w"
        )
    try:
        return dt.timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"bad duration {text!r}: far too long") from None


def format_duration(delta: dt.timedelta) -> str:
    """The inverse, for display: ``1d12h``; ``0s`` for zero."""
    total = int(delta.total_seconds())
    if total == 0:
        return "0s"
    parts = []
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if total >= size:
            parts.append(f"{total // size}{unit}")
            total %= size
    return "".join(parts)
