"""Bot API wire objects for the Telegram stand-in: errors, parameters, JSON builders.

Everything here produces or reads the exact JSON shapes of the Bot API
(https://core.telegram.org/bots/api), so python-telegram-bot's ``de_json``
accepts them unchanged. Only the fields PTB requires, plus the ones carrywatch
reads, are filled in.
"""

from __future__ import annotations

import json
import re
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

JSONDict = dict[str, Any]

#: Update types Telegram delivers when ``allowed_updates`` was never given.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "my_chat_member",
        "chat_join_request",
        "poll",
        "poll_answer",
    }
)

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class ApiError(Exception):
    """An error answer: HTTP status == ``error_code``, like Telegram's."""

    def __init__(
        self, code: int, description: str, parameters: Mapping[str, int] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = dict(parameters) if parameters else None

    def envelope(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class Described:
    """A result that Telegram sends with a ``description`` (setWebhook, deleteWebhook)."""

    result: object
    description: str


class Params:
    """Bot API parameters from a query string, JSON, urlencoded or multipart body.

    Form bodies carry every value as a string (PTB JSON-encodes non-string
    values), JSON bodies carry real types; the accessors accept both.
    """

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = dict(raw)

    def text(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None or isinstance(value, FileField):
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        try:
            return int(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))

    def json(self, name: str) -> Any:
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None

    def upload(self, name: str) -> bytes | str | None:
        """A multipart file's bytes, or a file_id/URL string, or None."""
        value = self.raw.get(name)
        if isinstance(value, FileField):
            return value.file.read()
        if isinstance(value, bytes):
            return value
        return self.text(name)

    def upload_filename(self, name: str) -> str | None:
        """The filename of a multipart file part (None for a file_id/URL or no part)."""
        value = self.raw.get(name)
        return value.filename if isinstance(value, FileField) else None


@dataclass(frozen=True)
class ChatInfo:
    id: int
    type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False


def infer_chat_type(chat_id: int) -> str:
    """Telegram's id ranges: users > 0, supergroups/channels <= -10**12, basic groups between."""
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -(10**12) else "group"


def utf16_len(text: str) -> int:
    """Telegram counts lengths and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def user_json(
    user_id: int,
    first_name: str,
    username: str | None = None,
    *,
    is_bot: bool = False,
    language_code: str | None = "en",
) -> JSONDict:
    """A User; ``language_code`` is the user's app language (IETF tag, None: not sent)."""
    user: JSONDict = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        user["username"] = username
    if not is_bot and language_code:
        user["language_code"] = language_code
    return user


def chat_json(chat: ChatInfo) -> JSONDict:
    body: JSONDict = {"id": chat.id, "type": chat.type}
    if chat.type == "private":
        body["first_name"] = chat.first_name or f"User {chat.id}"
    else:
        body["title"] = chat.title or f"Chat {chat.id}"
    if chat.username:
        body["username"] = chat.username
    if chat.is_forum:
        body["is_forum"] = True
    return body


def chat_full_info_json(chat: ChatInfo) -> JSONDict:
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return {
        **chat_json(chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }


def command_entities(text: str) -> list[JSONDict]:
    """``bot_command`` entities for every ``/cmd`` or ``/cmd@bot`` token, UTF-16 offsets."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND.finditer(text)
    ]


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


def chat_member_json(user: JSONDict, status: str) -> JSONDict:
    """A ChatMember of the given status (creator, administrator, member, left, kicked)."""
    member: JSONDict = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({"can_be_edited": False, "is_anonymous": False})
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "kicked":
        member["until_date"] = 0
    return member


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (what matplotlib writes); 1280x720 for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 1280, 720


IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")


def photo_error(data: bytes) -> str | None:
    """Telegram's refusal of an uploaded photo, or None: bytes that are no image, or a
    photo whose width + height exceed 10,000 or whose sides differ more than 20-fold."""
    if not data.startswith(IMAGE_SIGNATURES):
        return "Bad Request: IMAGE_PROCESS_FAILED"
    width, height = image_size(data)
    if width + height > 10_000 or max(width, height) > 20 * max(1, min(width, height)):
        return "Bad Request: PHOTO_INVALID_DIMENSIONS"
    return None


def photo_sizes(data: bytes | None, file_key: str) -> list[JSONDict]:
    """The thumbnails Telegram returns for an uploaded photo: 90, 320 and full size."""
    width, height = image_size(data) if data else (1280, 720)
    sizes: list[JSONDict] = []
    for i, side in enumerate((90, 320, max(width, height))):
        scale = min(1.0, side / max(width, height))
        sizes.append(
            {
                "file_id": f"AgAC{file_key}-{i}",
                "file_unique_id": f"AQAD{file_key}{i}",
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
                "file_size": max(1, round(len(data or b"") * scale * scale)),
            }
        )
    return sizes


def now_unix() -> int:
    return int(time.time())


# -- HTTP wire ---------------------------------------------------------------------
async def read_params(request: web.Request) -> Params:
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.read()
        if body:
            try:
                data = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
            if not isinstance(data, dict):
                raise ApiError(400, "Bad Request: parameters must be a JSON object")
            raw.update(data)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raw.update(await request.post())
    return Params(raw)


def respond(answer: object) -> web.Response:
    if isinstance(answer, ApiError):
        return web.json_response(answer.envelope(), status=answer.code)
    if isinstance(answer, Described):
        body = {"ok": True, "result": answer.result, "description": answer.description}
        return web.json_response(body)
    return web.json_response({"ok": True, "result": answer})


def chat_key(value: object) -> int | str | None:
    if isinstance(value, int) or value is None:
        return value
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() else text
