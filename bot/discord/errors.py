"""How a failed Discord send is classified for the dispatcher.

discord.py raises (``discord.errors``)::

    DiscordException
    ├── RateLimited(retry_after)     a 429 (or a bucket) asking to wait longer than
    │                                the client's max_ratelimit_timeout → RetryAfter
    └── HTTPException(status, code)
        ├── Forbidden (403)          50001 Missing Access, 50013 Missing Permissions
        │                            → Permanent(deactivate)
        ├── NotFound (404)           10003 Unknown Channel → Permanent(deactivate)
        ├── DiscordServerError (5xx) → RetryAfter(backoff)
        └── other 4xx                a bad request (e.g. 50035 Invalid Form Body):
                                     → Permanent, the subscription stays
                                     (429 after discord.py's own five tries → RetryAfter)

Network errors (aiohttp.ClientError, OSError, timeouts) are transient: RetryAfter.
"""

from __future__ import annotations

import discord

from bot.notify.base import Permanent, RetryAfter

UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
CANNOT_SEND_TO_USER = 50007
DEACTIVATING_CODES = frozenset(
    {UNKNOWN_CHANNEL, UNKNOWN_GUILD, MISSING_ACCESS, MISSING_PERMISSIONS, CANNOT_SEND_TO_USER}
)
DEFAULT_BACKOFF = 5.0


def _retry_after_header(exc: discord.HTTPException) -> float | None:
    raw = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def describe(exc: discord.HTTPException) -> str:
    text = (exc.text or "").strip()
    return f"HTTP {exc.status} (code {exc.code}): {text}"[:300]


def classify(
    exc: discord.HTTPException | discord.RateLimited, backoff: float = DEFAULT_BACKOFF
) -> RetryAfter | Permanent:
    if isinstance(exc, discord.RateLimited):
        return RetryAfter(float(exc.retry_after), f"rate limited for {exc.retry_after:.1f}s")
    status = exc.status
    if status == 429:
        return RetryAfter(_retry_after_header(exc) or backoff, describe(exc))
    if status >= 500:
        return RetryAfter(backoff, describe(exc))
    if status in (403, 404) or exc.code in DEACTIVATING_CODES:
        return Permanent(describe(exc), deactivate=True)
    return Permanent(describe(exc))
