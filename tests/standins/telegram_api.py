"""A Telegram Bot API stand-in on 127.0.0.1 that the real python-telegram-bot talks to.

Point PTB at it unmodified::

    async with TelegramStandin() as tg:
        app = (
            ApplicationBuilder().token(tg.token)
            .base_url(tg.base_url).base_file_url(tg.base_file_url).build()
        )

PTB builds ``base_url + token + "/" + method``, so ``tg.base_url`` is
``{api_root}/bot``; carrywatch's API-root setting is ``tg.api_root``.

Tests act as users (``inject_message``, ``inject_callback_query``,
``inject_my_chat_member``), read what the bot did (``sent``, ``rejected``,
``callback_answers``, ``webhook_deliveries``) and inject faults (``fail_next``,
``block``, ``migrate``; ``enforce_limits`` for Telegram's flood limits,
``strict_limits`` for the strict mode of :mod:`tests.standins.telegram_limits`).
Updates wait in one queue: ``getUpdates`` long polls it, or, while a webhook is
set, a background task POSTs them there with ``X-Telegram-Bot-Api-Secret-Token``
(and getUpdates answers 409, as Telegram does). Plain ``http://`` webhooks are
accepted for loopback hosts only.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable

import aiohttp
from aiohttp import web

from bot.lifecycle import Lifecycle
from tests.standins.telegram_limits import FloodLimits, LimitConfig
from tests.standins.telegram_methods import METHODS
from tests.standins.telegram_objects import (
    ApiError,
    ChatInfo,
    JSONDict,
    Params,
    chat_key,
    infer_chat_type,
    now_unix,
    read_params,
    respond,
)
from tests.standins.telegram_state import (
    SEND_METHODS,
    CallbackAnswer,
    Rejection,
    SentMessage,
    StandinState,
    WebhookDelivery,
)
from tests.standins.telegram_updates import callback_query, my_chat_member, user_message

DEFAULT_TOKEN = "123456789:AAStandinTokenForCarrywatchTests_0123"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramStandin(Lifecycle):
    """The Bot API server plus a Python API for tests. Start with ``async with`` or start()."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "carrywatch_test_bot",
        enforce_limits: bool = False,
        limits: LimitConfig | None = None,
        strict_limits: bool = False,
        strict_chats: bool = False,
        webhook_retry_delay: float = 0.05,
        port: int = 0,
    ) -> None:
        """``port=0``: any free port; a fixed one lets a test start the server late."""
        if strict_limits and limits is None:
            limits = LimitConfig.strict_mode()
        flood = FloodLimits(limits) if enforce_limits or limits is not None else None
        self.state = StandinState(token, bot_username, flood)
        self.state.strict_chats = strict_chats
        self.webhook_retry_delay = webhook_retry_delay
        self.port = port
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._deliverer: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self.api_root = ""

    # -- lifecycle ----------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.api_root = f"http://{host}:{port}"
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._deliverer = asyncio.create_task(self._deliver_webhooks(), name="tg-webhook")

    async def stop(self) -> None:
        """Answer pending long polls, stop webhook delivery, close the server."""
        self._closing = True
        self._notify()
        if self._deliverer is not None:
            self._deliverer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deliverer
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- addresses and identity -----------------------------------------------------
    def my_commands(self, language_code: str = "", scope: str = "default") -> list[JSONDict]:
        """What setMyCommands stored for a scope and ``language_code`` ("" = all languages)."""
        return list(self.state.commands.get(f"{scope}|None|None|{language_code}", []))

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url()``: PTB appends the token, then ``/method``."""
        return f"{self.api_root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_root}/file/bot"

    @property
    def bot_id(self) -> int:
        return self.state.bot_id

    @property
    def bot_username(self) -> str:
        return str(self.state.bot["username"])

    # -- records --------------------------------------------------------------------
    @property
    def sent(self) -> list[SentMessage]:
        return self.state.sent

    @property
    def rejected(self) -> list[Rejection]:
        return self.state.rejected

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.state.callback_answers

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        return self.state.webhook_deliveries

    @property
    def limits(self) -> FloodLimits | None:
        return self.state.limits

    @property
    def webhook_url(self) -> str | None:
        return self.state.webhook.url if self.state.webhook else None

    @property
    def pending_update_count(self) -> int:
        return len(self.state.pending)

    def messages_to(self, chat_id: int, *, include_edits: bool = False) -> list[SentMessage]:
        """Messages the bot sent to ``chat_id`` (sendMessage/sendPhoto), oldest first."""
        return [
            s
            for s in self.sent
            if s.chat_id == chat_id and (include_edits or s.method.startswith("send"))
        ]

    # ASYNC109 off: a timeout argument is the point of these test helpers (pytest-style API).
    async def wait_for_sent(self, n: int = 1, timeout: float = 5.0) -> list[SentMessage]:  # noqa: ASYNC109
        """Wait until at least ``n`` sends/edits are recorded; returns them all."""
        await self._wait_until(lambda: len(self.sent) >= n, timeout, f"{n} sent message(s)")
        return list(self.sent)

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> SentMessage:
        """Wait for the first recorded send/edit matching ``predicate``."""
        await self._wait_until(
            lambda: any(predicate(s) for s in self.sent), timeout, "a matching message"
        )
        return next(s for s in self.sent if predicate(s))

    async def _wait_until(self, done: Callable[[], bool], within: float, what: str) -> None:
        try:
            async with asyncio.timeout(within):
                while not done():
                    await self._changed.wait()
        except TimeoutError:
            raise TimeoutError(f"waited {within}s for {what}; sent={self.sent!r}") from None

    # -- faults and chat configuration -----------------------------------------------
    def fail_next(
        self,
        chat_id: int | None = None,
        error_code: int = 429,
        *,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` sends/edits to ``chat_id`` (None: any chat) with an error."""
        self.state.add_fault(chat_id, error_code, retry_after, times, description)

    def block(self, chat_id: int) -> None:
        """From now on, sends to ``chat_id`` get 403 (blocked by the user / kicked)."""
        self.state.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self.state.blocked.discard(chat_id)

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: sends to ``chat_id`` get migrate_to_chat_id."""
        self.state.migrated[chat_id] = new_chat_id
        self.state.remember_chat(ChatInfo(new_chat_id, "supergroup"))

    def set_admins(
        self, chat_id: int, user_ids: Iterable[int], *, creator_id: int | None = None
    ) -> None:
        """Who getChatMember/getChatAdministrators report as administrator (and creator)."""
        self.state.admins[chat_id] = (list(user_ids), creator_id)

    def add_chat(
        self,
        chat_id: int,
        chat_type: str | None = None,
        *,
        title: str | None = None,
        username: str | None = None,
        is_forum: bool = False,
    ) -> None:
        """Declare a chat (needed for getChat, and for sends when ``strict_chats``)."""
        kind = chat_type or infer_chat_type(chat_id)
        self.state.remember_chat(ChatInfo(chat_id, kind, title, username, None, is_forum))

    # -- injection: what users do -----------------------------------------------------
    def inject_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int,
        chat_type: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        title: str | None = None,
        thread_id: int | None = None,
        is_forum: bool = False,
        reply_to_message_id: int | None = None,
        language_code: str | None = "en",
    ) -> int:
        """A user writes ``text`` in a chat; returns the update_id. Commands get entities.
        ``language_code`` is the user's app language, as Telegram sends it in ``from``."""
        message = user_message(
            self.state, chat_id, text, user_id=user_id, chat_type=chat_type, username=username,
            first_name=first_name, title=title, thread_id=thread_id, is_forum=is_forum,
            reply_to_message_id=reply_to_message_id, language_code=language_code,
        )  # fmt: skip
        kind = "channel_post" if message["chat"]["type"] == "channel" else "message"
        return self._push(kind, message)

    def inject_callback_query(self, chat_id: int, user_id: int, data: str, message_id: int) -> int:
        """A user presses an inline button with ``data`` under the bot's message."""
        return self._push(
            "callback_query", callback_query(self.state, chat_id, user_id, data, message_id)
        )

    def inject_my_chat_member(
        self, chat_id: int, user_id: int, *, old_status: str = "member", new_status: str = "kicked"
    ) -> int:
        """The bot's membership changes; member -> kicked in a private chat also blocks sends."""
        change = my_chat_member(self.state, chat_id, user_id, old_status, new_status)
        return self._push("my_chat_member", change)

    def _push(self, kind: str, payload: JSONDict) -> int:
        update_id = self.state.push_update(kind, payload)
        self._notify()
        return update_id

    def _notify(self) -> None:
        """Wake every waiter (long polls, webhook delivery, wait_for_*) to re-check."""
        self._changed.set()
        self._changed = asyncio.Event()

    # -- HTTP -----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["method"].lower()
        if request.match_info["token"] != self.state.token:
            return respond(ApiError(401, "Unauthorized"))
        params: Params | None = None
        try:
            params = await read_params(request)
            if name == "getupdates":
                return respond(await self._get_updates(params))
            handler = METHODS.get(name)
            if handler is None:
                raise ApiError(404, "Not Found")
            return respond(handler(self.state, params))
        except ApiError as err:
            if name in SEND_METHODS:
                chat_id = params.raw.get("chat_id") if params else None
                retry = (err.parameters or {}).get("retry_after")
                self.state.rejected.append(
                    Rejection(request.match_info["method"], chat_key(chat_id), err.code,
                              err.description, retry)
                )  # fmt: skip
            return respond(err)
        finally:
            self._notify()

    async def _get_updates(self, p: Params) -> list[JSONDict]:
        st = self.state
        if st.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        allowed = p.json("allowed_updates")
        if allowed is not None:
            st.allowed_updates = frozenset(allowed) or st.allowed_updates
        st.confirm(p.integer("offset"))
        limit = min(max(p.integer("limit") or 100, 1), 100)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll is now terminated
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(p.integer("timeout") or 0, 0)
        while True:
            batch = st.deliverable(limit)
            if batch or self._closing:
                return batch
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def _deliver_webhooks(self) -> None:
        """POST pending updates, oldest first, while a webhook is set; retry on failure."""
        st = self.state
        assert self._session is not None
        while not self._closing:
            hook = st.webhook
            batch = st.deliverable(1) if hook is not None else []
            if hook is None or not batch:
                await self._changed.wait()
                continue
            update = batch[0]
            headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
            status: int | None = None
            error: str | None = None
            try:
                async with self._session.post(hook.url, json=update, headers=headers) as resp:
                    status = resp.status
                    await resp.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {exc!r}"
            st.webhook_deliveries.append(
                WebhookDelivery(update["update_id"], hook.url, status, error)
            )
            if status is not None and 200 <= status < 300:
                st.pending = [u for u in st.pending if u is not update]
            else:
                st.webhook_error = (
                    now_unix(),
                    error or f"Wrong response from the webhook: {status}",
                )
                await asyncio.sleep(self.webhook_retry_delay)
            self._notify()
