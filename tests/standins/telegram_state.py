"""What the Telegram stand-in remembers: chats, messages, updates, faults, records.

The HTTP layer (``telegram_api``) and the method handlers
(``telegram_methods``) share one ``StandinState``; tests read the records
(``SentMessage``, ``Rejection``, ``CallbackAnswer``, ``WebhookDelivery``)
through ``TelegramStandin``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.standins.telegram_limits import FloodLimits
from tests.standins.telegram_objects import (
    DEFAULT_UPDATE_TYPES,
    ApiError,
    ChatInfo,
    JSONDict,
    infer_chat_type,
    user_json,
)

#: Methods whose calls are recorded in ``sent`` and counted against limits and faults.
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "editmessagetext", "editmessagereplymarkup"})


@dataclass(frozen=True)
class SentMessage:
    """One accepted send or edit, as the bot sent it."""

    method: str  # "sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup"
    chat_id: int
    message_id: int
    text: str | None  # text or caption exactly as sent (with markup)
    plain_text: str | None  # what the user reads after entity parsing
    parse_mode: str | None
    thread_id: int | None
    reply_markup: Mapping[str, Any] | None
    reply_to_message_id: int | None
    link_preview_options: Mapping[str, Any] | None
    photo_bytes: int | None  # uploaded photo size; None when not a multipart upload
    disable_notification: bool = False  # sent without a sound
    at: float = field(default_factory=time.monotonic)
    photo: bytes | None = field(default=None, repr=False)  # the uploaded bytes themselves
    photo_filename: str | None = None  # the multipart part's filename


@dataclass(frozen=True)
class Rejection:
    """A send or edit answered with an error (fault, limit, validation)."""

    method: str
    chat_id: int | str | None
    error_code: int
    description: str
    retry_after: int | None
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class WebhookDelivery:
    """One POST of an update to the webhook; status None when the connection failed."""

    update_id: int
    url: str
    status: int | None
    error: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: tuple[str, ...] | None


@dataclass
class Fault:
    code: int
    description: str
    retry_after: int | None
    times: int


_FAULT_TEXT = {
    400: "Bad Request: injected failure",
    403: "Forbidden: injected failure",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class StandinState:
    """Mutable state behind the stand-in; single event loop, no locking needed."""

    def __init__(self, token: str, bot_username: str, limits: FloodLimits | None) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot = user_json(self.bot_id, "carrywatch", bot_username, is_bot=True)
        self.limits = limits
        self.strict_chats = False
        self.chats: dict[int, ChatInfo] = {}
        self.users: dict[int, JSONDict] = {}
        self.messages: dict[tuple[int, int], JSONDict] = {}
        self._last_message_id: dict[int, int] = {}
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}
        self.faults: dict[int | None, deque[Fault]] = {}
        self.admins: dict[int, tuple[list[int], int | None]] = {}
        self.commands: dict[str, list[JSONDict]] = {}
        self.callback_queries: dict[str, tuple[int, int]] = {}
        self.webhook: Webhook | None = None
        self.webhook_error: tuple[int, str] | None = None
        self.pending: list[JSONDict] = []
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._last_update_id = 700_000_000
        self.sent: list[SentMessage] = []
        self.rejected: list[Rejection] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.webhook_deliveries: list[WebhookDelivery] = []

    # -- chats, users, messages ---------------------------------------------------
    def chat(self, chat_id: int, *, create: bool = True) -> ChatInfo:
        """A known chat; unknown ids are created from their range unless strict."""
        if chat_id in self.chats:
            return self.chats[chat_id]
        if not create or self.strict_chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.remember_chat(ChatInfo(chat_id, infer_chat_type(chat_id)))

    def remember_chat(self, chat: ChatInfo) -> ChatInfo:
        self.chats[chat.id] = chat
        return chat

    def user(self, user_id: int) -> JSONDict:
        if user_id == self.bot_id:
            return self.bot
        return self.users.get(user_id) or user_json(user_id, f"User {user_id}")

    def next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def store(self, message: JSONDict) -> JSONDict:
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    # -- updates --------------------------------------------------------------------
    def push_update(self, kind: str, payload: JSONDict) -> int:
        self._last_update_id += 1
        self.pending.append({"update_id": self._last_update_id, kind: payload})
        return self._last_update_id

    def confirm(self, offset: int | None) -> None:
        """getUpdates ``offset`` semantics: forget updates below it (negative: keep the tail)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def deliverable(self, limit: int) -> list[JSONDict]:
        """The next updates of allowed types; disallowed ones are dropped, as Telegram does."""
        allowed = self.allowed_updates
        if self.webhook is not None and self.webhook.allowed_updates is not None:
            allowed = frozenset(self.webhook.allowed_updates) or DEFAULT_UPDATE_TYPES
        self.pending = [u for u in self.pending if _update_kind(u) in allowed]
        return self.pending[:limit]

    # -- faults ---------------------------------------------------------------------
    def add_fault(
        self,
        chat_id: int | None,
        code: int,
        retry_after: int | None,
        times: int,
        description: str | None,
    ) -> None:
        if description is None:
            if code == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = _FAULT_TEXT.get(code, f"Error {code}")
        if code == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(code, description, retry_after, times)
        self.faults.setdefault(chat_id, deque()).append(fault)

    def check_chat(self, chat: ChatInfo) -> None:
        """Migration and blocking, which Telegram checks before anything else."""
        if chat.id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat.id]},
            )
        if chat.id in self.blocked:
            raise ApiError(403, _blocked_text(chat.type))

    def admit(self, chat_id: int) -> None:
        """Injected faults, then flood limits; raises the error Telegram would answer."""
        for key in (chat_id, None):
            queue = self.faults.get(key)
            if queue:
                fault = queue[0]
                fault.times -= 1
                if fault.times <= 0:
                    queue.popleft()
                params = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise ApiError(fault.code, fault.description, params)
        if self.limits is not None and (wait := self.limits.admit(chat_id)) is not None:
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})


def _update_kind(update: JSONDict) -> str:
    return next(k for k in update if k != "update_id")


def _blocked_text(chat_type: str) -> str:
    if chat_type == "private":
        return "Forbidden: bot was blocked by the user"
    if chat_type == "channel":
        return "Forbidden: bot is not a member of the channel chat"
    return f"Forbidden: bot was kicked from the {chat_type} chat"
