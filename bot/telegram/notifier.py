"""``TelegramNotifier``: one alert message to one chat, with its failure classified.

Given a shared :class:`~bot.dispatch.pacing.SendPacer` (what the adapter
does), its bot sends through a :class:`~bot.telegram.pacing.PacedRateLimiter`:
alerts and command replies spend one budget, paced on the moment each request
leaves; a short 429 is waited out inline (it means "not sent", so no
duplicate), a long one comes back to the dispatcher, which requeues only that
chat. Without a pacer it owns a plain ``telegram.Bot`` and
the dispatcher's own limiter paces. Each call makes exactly one HTTP attempt,
plus one plain-text resend when Telegram cannot parse the HTML, so the
dispatcher's record of what was sent stays true.

A message with a chart (the weekly digest) goes as ``sendPhoto`` with the text
as its caption when the text fits Telegram's 1,024-character caption; a longer
text goes first as a message and the photo follows as a reply to it, captioned
with the chart's title: the text is what the delivery record stands for, so a
photo that then fails is logged, not retried (a retry would send the text
twice). A chart that cannot be drawn sends the text alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Self

from telegram import Bot, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot import i18n
from bot.alerts.attachments import Image
from bot.alerts.events import AlertMessage
from bot.dispatch.pacing import SendPacer
from bot.lifecycle import Lifecycle
from bot.notify.base import Delivered, SendResult, Target
from bot.notify.images import chart_image
from bot.render.telegram.alerts import alert_doc, silent
from bot.render.telegram.text import CAPTION_LIMIT, Doc, escape, utf16_len
from bot.settings import TelegramSettings
from bot.telegram.errors import classify, is_parse_error
from bot.telegram.pacing import ALERT_INLINE_WAIT, ALERT_RETRIES, PacedRateLimiter

log = logging.getLogger(__name__)
PLATFORM = "telegram"


def chat_ref(chat_id: str) -> int | str:
    """Numeric ids as int; ``@channelname`` stays a string."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


def api_base(api_url: str) -> tuple[str, str]:
    """``base_url``/``base_file_url`` for PTB from the API root setting."""
    root = api_url.rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"


class TelegramNotifier(Lifecycle):
    """Implements :class:`bot.notify.base.Notifier` for platform ``"telegram"``.

    ``pool_size`` bounds concurrent sends (the dispatcher's per-platform
    concurrency should not exceed it). Call ``start()`` before sending and
    ``stop()`` at shutdown, or use ``async with``.
    """

    def __init__(
        self,
        bot: Bot,
        pacer: SendPacer | None = None,
        channel_languages: Mapping[str, str] | None = None,
    ) -> None:
        self._bot = bot
        #: the shared pacing the dispatcher defers to (None: the dispatcher paces)
        self.pacer = pacer
        #: the configured broadcast channels' languages (a deployment's choice wins)
        self.channel_languages = dict(channel_languages or {})

    @classmethod
    def from_settings(
        cls,
        settings: TelegramSettings,
        *,
        pool_size: int = 64,
        timeout: float = 10.0,
        pacer: SendPacer | None = None,
        retry_scale: float = 1.0,
    ) -> Self:
        if settings.token is None:
            raise ValueError("telegram.token is not set")
        base_url, base_file_url = api_base(settings.api_url)
        request = HTTPXRequest(
            connection_pool_size=pool_size,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
        )
        token = settings.token.get_secret_value()
        if pacer is None:
            bot = Bot(token, base_url=base_url, base_file_url=base_file_url, request=request)
            return cls(bot, channel_languages=settings.broadcast_channels)
        limiter = PacedRateLimiter(
            pacer,
            max_retries=ALERT_RETRIES,
            retry_scale=retry_scale,
            max_inline_wait=ALERT_INLINE_WAIT * retry_scale,
        )
        paced: ExtBot[int] = ExtBot(
            token,
            base_url=base_url,
            base_file_url=base_file_url,
            request=request,
            rate_limiter=limiter,
        )
        return cls(paced, pacer, settings.broadcast_channels)

    @property
    def platform(self) -> str:
        return PLATFORM

    async def start(self) -> None:
        await self._bot.initialize()

    async def stop(self) -> None:
        await self._bot.shutdown()

    async def send(
        self, target: Target, message: AlertMessage, *, tz: str | None = None
    ) -> SendResult:
        """Render in the chat's language (text and chart) and send; ``tz`` (an extension
        to the protocol) shows times in that zone."""
        with i18n.use(self.language(target)) as language:
            doc = alert_doc(message, tz or message.tz)
            image = await chart_image(message, language)
        if image is not None:
            return await self.send_photo_doc(target, doc, image, silent=silent(message))
        return await self.send_doc(target, doc, silent=silent(message))

    def language(self, target: Target) -> str:
        """A configured broadcast channel's language, else the chat's choice, else en."""
        return i18n.pick(self.channel_languages.get(target.chat_id), target.language)

    async def send_photo_doc(
        self, target: Target, doc: Doc, image: Image, *, silent: bool = False
    ) -> SendResult:
        """The chart with the text as caption; past the caption limit, the text and then
        the chart as a reply to it (see the module doc)."""
        if utf16_len(doc.plain) <= CAPTION_LIMIT:
            try:
                try:
                    sent = await self._photo(target, image, doc.html, ParseMode.HTML, silent)
                except TelegramError as exc:
                    if not is_parse_error(exc):
                        raise
                    sent = await self._photo(target, image, doc.plain, None, silent)
            except TelegramError as exc:
                return classify(exc)
            return Delivered(str(sent))
        result = await self.send_doc(target, doc, silent=silent)
        if isinstance(result, Delivered):
            try:
                caption = escape(image.title[:CAPTION_LIMIT])
                reply_to = int(result.message_id) if result.message_id else None
                await self._photo(target, image, caption, ParseMode.HTML, True, reply_to)
            except TelegramError as exc:
                log.warning("chart to %s not sent after its text: %s", target.chat_id, exc)
        return result

    async def _photo(
        self,
        target: Target,
        image: Image,
        caption: str,
        parse_mode: str | None,
        silent: bool,
        reply_to: int | None = None,
    ) -> int:
        message = await self._bot.send_photo(
            chat_id=chat_ref(target.chat_id),
            photo=image.png,
            filename=image.filename,
            caption=caption or None,
            parse_mode=parse_mode,
            disable_notification=silent,
            message_thread_id=int(target.thread_id) if target.thread_id else None,
            reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to
            else None,
        )
        return message.message_id

    async def send_doc(self, target: Target, doc: Doc, *, silent: bool = False) -> SendResult:
        """Send a rendered document as HTML; on a parse error, once more as plain text.
        ``silent`` sends without a notification sound (low and elevated alerts)."""
        try:
            try:
                sent = await self._send(target, doc.html, ParseMode.HTML, silent)
            except TelegramError as exc:
                if not is_parse_error(exc):
                    raise
                sent = await self._send(target, doc.plain, None, silent)
        except TelegramError as exc:
            return classify(exc)
        return Delivered(str(sent))

    async def _send(
        self, target: Target, text: str, parse_mode: str | None, silent: bool = False
    ) -> int:
        message = await self._bot.send_message(
            chat_id=chat_ref(target.chat_id),
            text=text,
            parse_mode=parse_mode,
            disable_notification=silent,
            message_thread_id=int(target.thread_id) if target.thread_id else None,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        return message.message_id
