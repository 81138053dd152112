"""Bot API method handlers (all but getUpdates, which waits and lives in telegram_api).

Each handler takes the shared state and the request's parameters and returns
the ``result`` value, or raises ``ApiError`` with Telegram's code and wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tests.standins.telegram_markup import visible_text
from tests.standins.telegram_objects import (
    ApiError,
    ChatInfo,
    Described,
    JSONDict,
    Params,
    chat_full_info_json,
    chat_json,
    chat_member_json,
    now_unix,
    photo_error,
    photo_sizes,
    utf16_len,
)
from tests.standins.telegram_state import CallbackAnswer, SentMessage, StandinState, Webhook

Handler = Callable[[StandinState, Params], object]

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def _target(state: StandinState, p: Params, *, create: bool = True) -> ChatInfo:
    raw = p.text("chat_id")
    if not raw:
        raise ApiError(400, "Bad Request: chat_id is empty")
    if raw.startswith("@"):
        found = [c for c in state.chats.values() if c.username and f"@{c.username}" == raw]
        if not found:
            raise ApiError(400, "Bad Request: chat not found")
        state.check_chat(found[0])
        return found[0]
    chat = state.chat(p.integer("chat_id") or 0, create=create)
    state.check_chat(chat)
    return chat


def _reply_markup(p: Params) -> JSONDict | None:
    markup = p.json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            if len(str(button.get("callback_data", "")).encode()) > 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


def _reply_to(state: StandinState, chat_id: int, p: Params) -> JSONDict | None:
    params = p.json("reply_parameters") or {}
    message_id = params.get("message_id") or p.integer("reply_to_message_id")
    if not message_id:
        return None
    target = state.messages.get((int(params.get("chat_id") or chat_id), int(message_id)))
    if target is None and not params.get("allow_sending_without_reply"):
        raise ApiError(400, "Bad Request: message to be replied not found")
    return target


def _checked_text(p: Params, name: str, limit: int, too_long: str) -> tuple[str | None, str]:
    text = p.text(name)
    parse_mode = p.text("parse_mode")
    plain = visible_text(text or "", parse_mode)
    if utf16_len(plain) > limit:
        raise ApiError(400, too_long)
    return text, plain


def _new_message(state: StandinState, chat: ChatInfo, p: Params, **body: Any) -> JSONDict:
    message: JSONDict = {
        "message_id": state.next_message_id(chat.id),
        "date": now_unix(),
        "chat": chat_json(chat),
        **{k: v for k, v in body.items() if v is not None},
    }
    if chat.type != "channel":
        message["from"] = state.bot
    else:
        message["sender_chat"] = chat_json(chat)
    thread_id = p.integer("message_thread_id")
    if thread_id is not None:
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = chat.is_forum or None
    return state.store({k: v for k, v in message.items() if v is not None})


def _record(state: StandinState, method: str, message: JSONDict, p: Params, **extra: Any) -> None:
    reply = message.get("reply_to_message")
    state.sent.append(
        SentMessage(
            method=method,
            chat_id=message["chat"]["id"],
            message_id=message["message_id"],
            text=extra.get("text"),
            plain_text=message.get("text", message.get("caption")),
            parse_mode=p.text("parse_mode"),
            thread_id=message.get("message_thread_id"),
            reply_markup=message.get("reply_markup"),
            reply_to_message_id=reply["message_id"] if reply else None,
            link_preview_options=p.json("link_preview_options"),
            photo_bytes=extra.get("photo_bytes"),
            disable_notification=(p.text("disable_notification") or "").lower() == "true",
            photo=extra.get("photo"),
            photo_filename=extra.get("photo_filename"),
        )
    )


def send_message(state: StandinState, p: Params) -> JSONDict:
    chat = _target(state, p)
    text, plain = _checked_text(p, "text", 4096, "Bad Request: message is too long")
    if not plain.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    markup, reply = _reply_markup(p), _reply_to(state, chat.id, p)
    state.admit(chat.id)
    message = _new_message(
        state, chat, p, text=plain, reply_markup=markup, reply_to_message=reply,
        link_preview_options=p.json("link_preview_options"),
    )  # fmt: skip
    _record(state, "sendMessage", message, p, text=text)
    return message


def send_photo(state: StandinState, p: Params) -> JSONDict:
    chat = _target(state, p)
    photo = p.upload("photo")
    if not photo:
        raise ApiError(400, "Bad Request: there is no photo in the request")
    caption, plain = _checked_text(p, "caption", 1024, "Bad Request: message caption is too long")
    data = photo if isinstance(photo, bytes) else None
    if data is not None and (refused := photo_error(data)) is not None:
        raise ApiError(400, refused)
    markup, reply = _reply_markup(p), _reply_to(state, chat.id, p)
    state.admit(chat.id)
    key = f"{chat.id}_{len(state.sent)}"
    message = _new_message(
        state, chat, p, photo=photo_sizes(data, key), caption=plain or None,
        reply_markup=markup, reply_to_message=reply,
    )  # fmt: skip
    _record(
        state, "sendPhoto", message, p, text=caption, photo_bytes=len(data) if data else None,
        photo=data, photo_filename=p.upload_filename("photo"),
    )  # fmt: skip
    return message


def _editable(state: StandinState, p: Params) -> JSONDict:
    if p.text("inline_message_id"):
        raise ApiError(400, "Bad Request: inline messages are not supported by the stand-in")
    chat = _target(state, p)
    message = state.messages.get((chat.id, p.integer("message_id") or 0))
    if message is None:
        raise ApiError(400, "Bad Request: message to edit not found")
    if message.get("from", {}).get("id") != state.bot_id and "sender_chat" not in message:
        raise ApiError(400, "Bad Request: message can't be edited")
    return message


def _apply_edit(state: StandinState, message: JSONDict, changes: JSONDict) -> JSONDict:
    if all(message.get(k) == v for k, v in changes.items()):
        raise ApiError(400, _NOT_MODIFIED)
    state.admit(message["chat"]["id"])
    edited = {k: v for k, v in {**message, **changes}.items() if v is not None}
    edited["edit_date"] = now_unix()
    return state.store(edited)


def edit_message_text(state: StandinState, p: Params) -> JSONDict:
    message = _editable(state, p)
    text, plain = _checked_text(p, "text", 4096, "Bad Request: MESSAGE_TOO_LONG")
    if not plain.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    edited = _apply_edit(state, message, {"text": plain, "reply_markup": _reply_markup(p)})
    _record(state, "editMessageText", edited, p, text=text)
    return edited


def edit_message_reply_markup(state: StandinState, p: Params) -> JSONDict:
    message = _editable(state, p)
    edited = _apply_edit(state, message, {"reply_markup": _reply_markup(p)})
    _record(state, "editMessageReplyMarkup", edited, p, text=None)
    return edited


def answer_callback_query(state: StandinState, p: Params) -> bool:
    query_id = p.text("callback_query_id") or ""
    if query_id not in state.callback_queries:
        raise ApiError(
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
    text = p.text("text")
    if text and utf16_len(text) > 200:
        raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
    del state.callback_queries[query_id]
    answer = CallbackAnswer(query_id, text, p.flag("show_alert"), p.text("url"))
    state.callback_answers.append(answer)
    return True


def _scope_key(p: Params) -> str:
    scope = p.json("scope") or {"type": "default"}
    parts = [scope.get("type", "default"), scope.get("chat_id"), scope.get("user_id")]
    return "|".join(str(x) for x in [*parts, p.text("language_code") or ""])


def set_my_commands(state: StandinState, p: Params) -> bool:
    commands = p.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        name, description = command.get("command", ""), command.get("description", "")
        if not _COMMAND_NAME.fullmatch(name) or not 1 <= len(description) <= 256:
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
    state.commands[_scope_key(p)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def get_my_commands(state: StandinState, p: Params) -> list[JSONDict]:
    return state.commands.get(_scope_key(p), [])


def delete_my_commands(state: StandinState, p: Params) -> bool:
    state.commands.pop(_scope_key(p), None)
    return True


def set_webhook(state: StandinState, p: Params) -> Described:
    url = p.text("url") or ""
    if not url:
        return delete_webhook(state, p)
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")
    if p.flag("drop_pending_updates"):
        state.pending.clear()
    allowed = p.json("allowed_updates")
    state.webhook = Webhook(
        url, secret, p.integer("max_connections") or 40, tuple(allowed) if allowed else None
    )
    state.webhook_error = None
    return Described(True, "Webhook was set")


def delete_webhook(state: StandinState, p: Params) -> Described:
    if p.flag("drop_pending_updates"):
        state.pending.clear()
    was_set, state.webhook = state.webhook is not None, None
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


def get_webhook_info(state: StandinState, p: Params) -> JSONDict:
    hook = state.webhook
    info: JSONDict = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.pending),
    }
    if hook is not None:
        info.update(ip_address="127.0.0.1", max_connections=hook.max_connections)
        if hook.allowed_updates is not None:
            info["allowed_updates"] = list(hook.allowed_updates)
        if state.webhook_error:
            info["last_error_date"], info["last_error_message"] = state.webhook_error
    return info


def get_chat(state: StandinState, p: Params) -> JSONDict:
    return chat_full_info_json(_target(state, p, create=False))


def _member_status(state: StandinState, chat_id: int, user_id: int) -> str:
    admins, creator = state.admins.get(chat_id, ([], None))
    if user_id == creator:
        return "creator"
    return "administrator" if user_id in admins else "member"


def get_chat_member(state: StandinState, p: Params) -> JSONDict:
    chat = _target(state, p, create=False)
    user_id = p.integer("user_id") or 0
    return chat_member_json(state.user(user_id), _member_status(state, chat.id, user_id))


def get_chat_administrators(state: StandinState, p: Params) -> list[JSONDict]:
    chat = _target(state, p, create=False)
    if chat.type == "private":
        raise ApiError(400, "Bad Request: there are no administrators in the private chat")
    admins, creator = state.admins.get(chat.id, ([], None))
    ids = [creator, *admins] if creator is not None else admins
    return [chat_member_json(state.user(u), _member_status(state, chat.id, u)) for u in ids]


def get_me(state: StandinState, p: Params) -> JSONDict:
    return {
        **state.bot,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


#: Lower-cased method name -> handler (Telegram matches method names case-insensitively).
METHODS: dict[str, Handler] = {
    "getme": get_me,
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "answercallbackquery": answer_callback_query,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "getchatadministrators": get_chat_administrators,
}
