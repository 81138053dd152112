"""``PacedRateLimiter``: PTB's rate-limiter hook in front of one shared :class:`SendPacer`.

The Application (command replies) and the notifier's bot (alerts) each get a
``PacedRateLimiter`` over the *same* pacer, so both spend one budget of
30 msg/s instead of two limiters that each think they own it (which is what
PTB's ``AIORateLimiter`` per bot would do). It differs from ``AIORateLimiter``
where that loses replies under load:

- a 429 holds only the chat it was for (never every send in the process);
- a command reply that meets a 429 waits its ``retry_after`` and is sent again,
  up to ``max_retries`` times (default: many), instead of giving up after one;
- the notifier's limiter retries a 429 inline only when its ``retry_after`` is
  short (``max_inline_wait``, a few seconds) and a few times at most; a longer
  one goes back to the dispatcher, which records it and requeues. A 429 means
  "not sent", so neither path can send an alert twice.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.dispatch.pacing import SendPacer

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
REPLY_RETRIES = 30  # a reply is retried after 429s this often before it is given up
ALERT_RETRIES = 3  # an alert send: short 429s waited out inline, then the dispatcher's turn
ALERT_INLINE_WAIT = 5.0  # seconds; a longer retry_after goes back to the dispatcher

#: Bot API methods that post or change a message in a chat: what the flood limits count.
PACED_PREFIXES = ("send", "edit", "copymessage", "forwardmessage")


def paced_chat(endpoint: str, data: dict[str, Any]) -> str | None:
    """The chat a request is paced on, or None for requests Telegram does not count."""
    name = endpoint.lower()
    if not name.startswith(PACED_PREFIXES) or name == "sendchataction":
        return None
    chat = data.get("chat_id")
    return None if chat is None else str(chat)


def is_group_chat(chat_id: str) -> bool:
    """Groups, supergroups and channels: negative ids or ``@channelname``."""
    return chat_id.startswith(("-", "@"))


def retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return float(value if isinstance(value, int | float) else value.total_seconds())


class PacedRateLimiter(BaseRateLimiter[int]):
    """Paces every counted request through ``pacer``; see the module docstring.

    ``retry_scale`` multiplies the server's ``retry_after`` (tests and benches
    run the stand-in's clock faster than Telegram's).
    """

    def __init__(
        self,
        pacer: SendPacer,
        *,
        max_retries: int = REPLY_RETRIES,
        retry_scale: float = 1.0,
        max_inline_wait: float = math.inf,
    ) -> None:
        self.pacer = pacer
        self.max_retries = max_retries
        self.retry_scale = retry_scale
        self.max_inline_wait = max_inline_wait
        self.retries = 0  # 429s this limiter waited out and retried

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat = paced_chat(endpoint, data)
        if chat is None:
            return await callback(*args, **kwargs)
        limit = self.max_retries if rate_limit_args is None else rate_limit_args
        group = is_group_chat(chat)
        attempt = 0
        while True:
            async with await self.pacer.acquire(chat, group=group) as slot:
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    slot.refused()  # Telegram did not send it: no message, no budget spent
                    wait = retry_seconds(exc) * self.retry_scale
                    self.pacer.hold(chat, wait)
                    if attempt >= limit or wait > self.max_inline_wait:
                        raise
            attempt += 1
            self.retries += 1
            log.info("429 for chat %s on %s: retry %d in %.1fs", chat, endpoint, attempt, wait)
