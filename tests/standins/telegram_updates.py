"""Updates as users cause them: messages, button presses, membership changes.

Each builder records what it implies in the state (the user, the chat, the
stored message, the open callback query) and returns the payload for one
Update; ``TelegramStandin.inject_*`` queues it.
"""

from __future__ import annotations

import itertools

from tests.standins.telegram_objects import (
    ChatInfo,
    JSONDict,
    chat_json,
    chat_member_json,
    command_entities,
    infer_chat_type,
    now_unix,
    user_json,
)
from tests.standins.telegram_state import StandinState

_callback_ids = itertools.count(4_200_000_000_000_000_001)


def user_message(
    st: StandinState,
    chat_id: int,
    text: str,
    *,
    user_id: int,
    chat_type: str | None,
    username: str | None,
    first_name: str | None,
    title: str | None,
    thread_id: int | None,
    is_forum: bool,
    reply_to_message_id: int | None,
    language_code: str | None = "en",
) -> JSONDict:
    """A Message from a user (or, in a channel, a channel post); stored for replies."""
    user = user_json(
        user_id, first_name or f"User {user_id}", username, language_code=language_code
    )
    st.users[user_id] = user
    known = st.chats.get(chat_id)
    kind = chat_type or (known.type if known else infer_chat_type(chat_id))
    private = kind == "private"
    chat = st.remember_chat(
        ChatInfo(
            chat_id, kind, None if private else title or f"Chat {chat_id}",
            username if private else None, user["first_name"] if private else None, is_forum,
        )
    )  # fmt: skip
    message: JSONDict = {
        "message_id": st.next_message_id(chat_id),
        "date": now_unix(),
        "chat": chat_json(chat),
        "text": text,
    }
    if kind == "channel":
        message["sender_chat"] = chat_json(chat)
    else:
        message["from"] = user
    if entities := command_entities(text):
        message["entities"] = entities
    if thread_id is not None:
        message["message_thread_id"] = thread_id
        if is_forum:
            message["is_topic_message"] = True
    if reply_to_message_id is not None and (chat_id, reply_to_message_id) in st.messages:
        message["reply_to_message"] = st.messages[(chat_id, reply_to_message_id)]
    return st.store(message)


def callback_query(
    st: StandinState, chat_id: int, user_id: int, data: str, message_id: int
) -> JSONDict:
    """A CallbackQuery on ``message_id``; its id stays answerable once."""
    message = st.messages.get((chat_id, message_id)) or {
        "message_id": message_id,
        "date": now_unix(),
        "chat": chat_json(st.chat(chat_id)),
    }
    query_id = str(next(_callback_ids))
    st.callback_queries[query_id] = (chat_id, message_id)
    return {
        "id": query_id,
        "from": st.user(user_id),
        "message": message,
        "chat_instance": str(abs(chat_id) * 7919),
        "data": data,
    }


def my_chat_member(
    st: StandinState, chat_id: int, user_id: int, old_status: str, new_status: str
) -> JSONDict:
    """A ChatMemberUpdated for the bot itself; a private "kicked" means the user blocked it."""
    if new_status == "kicked" and chat_id > 0:
        st.blocked.add(chat_id)
    return {
        "chat": chat_json(st.chat(chat_id)),
        "from": st.user(user_id),
        "date": now_unix(),
        "old_chat_member": chat_member_json(st.bot, old_status),
        "new_chat_member": chat_member_json(st.bot, new_status),
    }
