"""``DiscordNotifier``: one alert message → one embed in a guild's alert channel.

The dispatcher calls :meth:`DiscordNotifier.send` once per delivery and owns
retries and backoff per target, so a send here must come back, classified, in
bounded time:

* discord.py's ``HTTPClient.request`` sleeps through a 429 and retries (up to
  five tries) and waits on exhausted buckets. The client is built with
  ``max_ratelimit_timeout`` (30 s, discord.py's minimum), so a longer wait
  raises ``RateLimited`` at once instead of sleeping — returned as
  ``RetryAfter(retry_after)``. Five 429s in a row surface as a 429
  ``HTTPException`` — also ``RetryAfter``.
* ``send_timeout`` bounds the whole call (bucket waits, discord.py's own 5xx
  retries); past it the send is reported ``RetryAfter``. A timeout can in
  principle land after Discord accepted the message, the same ambiguity as any
  network timeout.
* Every send carries a ``nonce`` derived from the channel and the alert ids, and
  discord.py sets ``enforce_nonce``: Discord then checks it for uniqueness over
  the past few minutes and, when the bot already created a message with that
  nonce, returns that message instead of posting a second one. So a retry after
  such a timeout, or a resend after a crash between send and its recording,
  does not show the alert twice when it comes within those minutes.

A message with a chart (the weekly digest) is the same embed with the PNG
uploaded beside it (multipart ``payload_json`` + ``files[0]``) and shown as the
embed's image (``attachment://<filename>``); a chart that cannot be drawn
sends the embed alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
import discord

from bot import i18n
from bot.alerts.events import AlertMessage
from bot.discord.errors import DEFAULT_BACKOFF, classify
from bot.discord.language import guild_language
from bot.discord.metrics import SENDS
from bot.notify.base import Delivered, Permanent, RetryAfter, SendResult, Target
from bot.notify.images import chart_image
from bot.render.discord.alerts import alert_embed, ping
from bot.store.chat_settings import ChatSettings

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()


def message_nonce(channel_id: int, message: AlertMessage) -> str:
    """The same 25 characters for the same alerts to the same channel, whichever try."""
    ids = ",".join(  # an event's identity: what the outbox dedupes it by, and when it was made
        sorted(
            f"{e.rule}|{e.kind}|{e.episode}|{e.seq}|{e.created_at.isoformat()}"
            for e in message.events
        )
    )
    return "cw" + hashlib.sha256(f"{channel_id}:{ids}".encode()).hexdigest()[:23]


class DiscordNotifier:
    """Sends alert embeds through the adapter's logged-in discord.py client (REST
    only; the gateway need not be connected). ``client`` returns the current
    client, None while the adapter is stopped."""

    def __init__(
        self,
        client: Callable[[], discord.Client | None],
        *,
        ready: Callable[[], bool],
        send_timeout: float = 20.0,
        backoff: float = DEFAULT_BACKOFF,
        chats: ChatSettings | None = None,
    ) -> None:
        self._client = client
        self._chats = chats
        self._ready = ready
        self._send_timeout = send_timeout
        self._backoff = backoff

    @property
    def platform(self) -> str:
        return "discord"

    async def send(self, target: Target, message: AlertMessage) -> SendResult:
        result = await self._send(target, message)
        outcome = {Delivered: "delivered", RetryAfter: "retry", Permanent: "permanent"}
        SENDS.labels(outcome[type(result)]).inc()
        if not isinstance(result, Delivered):
            log.warning("discord send to %s: %s", target.chat_id, result)
        return result

    async def language(self, client: discord.Client, channel_id: int, target: Target) -> str:
        """A server channel reads in the server's language (its /language choice, else its
        preferred locale); a channel not in the cache, in the target's own, else English."""
        channel = client.get_channel(channel_id)
        guild = getattr(channel, "guild", None)
        if guild is None:
            return i18n.pick(target.language)
        return await guild_language(guild.id, self._chats, str(guild.preferred_locale))

    async def _send(self, target: Target, message: AlertMessage) -> SendResult:
        if target.platform != self.platform:
            return Permanent(f"not a Discord target: {target.platform}")
        try:
            channel_id = int(target.thread_id or target.chat_id)
        except ValueError:
            return Permanent(f"bad channel id {target.chat_id!r}", deactivate=True)
        if not self._ready():
            return RetryAfter(self._backoff, "Discord adapter not started")
        client = self._client()
        if client is None:
            return RetryAfter(self._backoff, "Discord adapter not started")
        with i18n.use(await self.language(client, channel_id, target)) as language:
            embed = alert_embed(message)
            content, mentions = ping(message)  # a role only on severe, if set
            image = await chart_image(message, language)
        channel = client.get_partial_messageable(channel_id)
        extra: dict[str, Any] = {}
        if image is not None:
            embed.set_image(url=f"attachment://{image.filename}")
            extra["file"] = discord.File(io.BytesIO(image.png), image.filename)
        try:
            async with asyncio.timeout(self._send_timeout):
                sent = await channel.send(
                    content=content,
                    embed=embed,
                    allowed_mentions=mentions,
                    nonce=message_nonce(channel_id, message),  # discord.py adds enforce_nonce
                    **extra,
                )
        except (discord.RateLimited, discord.HTTPException) as exc:
            return classify(exc, self._backoff)
        except TimeoutError:
            return RetryAfter(self._backoff, f"no answer within {self._send_timeout:.0f}s")
        except (aiohttp.ClientError, OSError) as exc:
            return RetryAfter(self._backoff, f"network: {exc!r}"[:300])
        return Delivered(str(sent.id))
