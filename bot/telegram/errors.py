"""Telegram failures as the dispatcher's three outcomes.

PTB's exception tree and what each becomes (``BadRequest`` and ``TimedOut``
are both ``NetworkError`` subclasses, so order matters)::

    TelegramError
    ├── RetryAfter (429)             -> RetryAfter(retry_after)        this chat only
    ├── ChatMigrated (400 + migrate) -> Permanent(migrate_to=new id)   dispatcher re-targets
    ├── Forbidden (403)              -> Permanent(deactivate=True)     blocked / kicked
    ├── InvalidToken (401/404)       -> RetryAfter(60)                 operator fixes; alerts kept
    ├── Conflict (409)               -> RetryAfter(5)
    └── NetworkError
        ├── BadRequest (400)         -> Permanent; deactivate for a chat that is gone
        ├── TimedOut                 -> RetryAfter(TIMEOUT_BACKOFF)    may have been delivered!
        └── 5xx, connection errors   -> RetryAfter(SERVER_BACKOFF)

The backoffs are floors: the dispatcher grows them with the attempt count.
"""

from __future__ import annotations

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.notify import base

SERVER_BACKOFF = 5.0
TIMEOUT_BACKOFF = 2.0
TOKEN_BACKOFF = 60.0

#: BadRequest descriptions meaning the chat itself is gone or closed to the bot.
GONE = (
    "chat not found",
    "peer_id_invalid",
    "bot was kicked",
    "chat_write_forbidden",
    "have no rights to send a message",
    "not enough rights to send",
    "need administrator rights in the channel",
    "group chat was deactivated",
    "user is deactivated",
    # a deleted forum topic: the dispatcher deactivates only that topic's subscription
    "message thread not found",
)


def is_parse_error(exc: TelegramError) -> bool:
    """Telegram refused our markup (the caller resends as plain text)."""
    return isinstance(exc, BadRequest) and "can't parse entities" in exc.message.lower()


def classify(exc: TelegramError) -> base.RetryAfter | base.Permanent:
    """What the dispatcher should do after ``exc`` from a send to one chat."""
    text = exc.message
    if isinstance(exc, RetryAfter):
        seconds = exc.retry_after
        wait = seconds if isinstance(seconds, int | float) else seconds.total_seconds()
        return base.RetryAfter(float(wait), f"429 flood control: {text}")
    if isinstance(exc, ChatMigrated):
        return base.Permanent(
            f"group migrated to supergroup {exc.new_chat_id}", migrate_to=str(exc.new_chat_id)
        )
    if isinstance(exc, Forbidden):
        return base.Permanent(f"403: {text}", deactivate=True)
    if isinstance(exc, InvalidToken):
        return base.RetryAfter(TOKEN_BACKOFF, f"token rejected: {text}")
    if isinstance(exc, Conflict):
        return base.RetryAfter(SERVER_BACKOFF, f"409: {text}")
    if isinstance(exc, BadRequest):
        gone = any(marker in text.lower() for marker in GONE)
        return base.Permanent(f"400: {text}", deactivate=gone)
    if isinstance(exc, TimedOut):
        return base.RetryAfter(TIMEOUT_BACKOFF, f"timed out: {text}")
    if isinstance(exc, NetworkError):
        return base.RetryAfter(SERVER_BACKOFF, f"network/server error: {text}")
    return base.Permanent(f"telegram error: {text}")
