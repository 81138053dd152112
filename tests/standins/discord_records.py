"""What the Discord stand-in records: the bot's messages, callbacks, syncs and requests.

Records are written once, when the request is accepted, and never changed
afterwards (an edit is a new record of kind "edit"), so a test reads exactly
what the bot sent at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .discord_objects import EPHEMERAL

Payload = dict[str, Any]
MessageKind = Literal["channel", "interaction", "followup", "edit"]


@dataclass(frozen=True)
class RecordedAttachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class RecordedMessage:
    id: int
    channel_id: int
    kind: MessageKind
    content: str
    embeds: list[Payload]
    flags: int
    attachments: list[RecordedAttachment]
    components: list[Payload]
    interaction_id: int | None = None
    allowed_mentions: Payload | None = None  # as the bot sent it

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)


@dataclass(frozen=True)
class RecordedCallback:
    """One `POST /interactions/{id}/{token}/callback`: type 4, 5, 6, 7, 8 or 9."""

    interaction_id: int
    type: int
    data: Payload
    attachments: list[RecordedAttachment]

    @property
    def content(self) -> str:
        return str(self.data.get("content") or "")

    @property
    def embeds(self) -> list[Payload]:
        return list(self.data.get("embeds") or [])

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)


@dataclass(frozen=True)
class CommandSync:
    """One bulk overwrite (`PUT .../commands`); `changed` False when identical to the last."""

    guild_id: int | None
    commands: list[Payload]
    changed: bool


@dataclass(frozen=True)
class RequestRecord:
    method: str
    route: str  # e.g. "POST /channels/{channel_id}/messages"
    path: str
    status: int


@dataclass(frozen=True)
class InteractionHandle:
    """What `inject_interaction` returns: enough to find the bot's answer."""

    id: int
    token: str
    application_id: int


@dataclass
class InteractionState:
    id: int
    token: str
    type: int
    guild_id: int | None
    channel_id: int
    created_at: float  # monotonic
    user: Payload = field(default_factory=dict)
    owners: Payload = field(default_factory=dict)  # authorizing_integration_owners
    callback_type: int | None = None
    original_message_id: int | None = None
    message_id: int | None = None  # the message a component interaction came from
