"""The Discord stand-in's world: guild specs, snowflakes and payload builders.

Payloads follow the shapes Discord's API v10 documents (and discord.py parses):
every snowflake a string, permissions as decimal strings, timestamps ISO 8601
with an offset. The builders are plain functions so the REST and gateway
halves render the same channel or member the same way.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Payload = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
EVERYONE_DEFAULT = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_APPLICATION_COMMANDS
)
SEND_DENIED = SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES

# Gateway intents that Discord makes an application switch on in the portal.
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
INTENT_GUILD_MESSAGES = 1 << 9

EPHEMERAL = 1 << 6
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class SnowflakeFactory:
    """Snowflakes with a real timestamp part, so discord.py's `created_at` is sane."""

    def __init__(self, worker: int = 1) -> None:
        self._worker = worker & 0x1F
        self._increment = itertools.count()

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (self._worker << 17) | (next(self._increment) & 0xFFF)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class ChannelSpec:
    id: int
    name: str = "general"
    type: int = 0  # GUILD_TEXT
    position: int = 0
    topic: str | None = None
    overwrites: list[Payload] = field(default_factory=list)


@dataclass
class RoleSpec:
    id: int
    name: str
    permissions: int = 0
    position: int = 1


@dataclass
class MemberSpec:
    user_id: int
    username: str
    roles: list[int] = field(default_factory=list)
    bot: bool = False


@dataclass
class GuildSpec:
    """One guild the bot is in. The @everyone role (id == guild id) is implied."""

    id: int
    name: str = "carrywatch test guild"
    owner_id: int = 0
    channels: list[ChannelSpec] = field(default_factory=list)
    roles: list[RoleSpec] = field(default_factory=list)
    members: list[MemberSpec] = field(default_factory=list)
    everyone_permissions: int = EVERYONE_DEFAULT
    preferred_locale: str = "en-US"  # a Community server's language (Server Settings)

    def channel(self, channel_id: int) -> ChannelSpec | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def member(self, user_id: int) -> MemberSpec | None:
        return next((m for m in self.members if m.user_id == user_id), None)

    def role_permissions(self, role_ids: list[int]) -> int:
        perms = self.everyone_permissions
        for role in self.roles:
            if role.id in role_ids:
                perms |= role.permissions
        return perms


def simple_guild(guild_id: int, channel_ids: list[int], owner_id: int) -> GuildSpec:
    """A guild with text channels named `channel-N` and its owner as the only human."""
    return GuildSpec(
        id=guild_id,
        owner_id=owner_id,
        channels=[
            ChannelSpec(id=c, name=f"channel-{i}", position=i) for i, c in enumerate(channel_ids)
        ],
        members=[MemberSpec(user_id=owner_id, username="owner")],
    )


def user_payload(user_id: int, username: str, *, bot: bool = False) -> Payload:
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": None if bot else username,
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }


def bot_user_payload(user_id: int, username: str) -> Payload:
    return {**user_payload(user_id, username, bot=True), "verified": True, "mfa_enabled": False}


def member_payload(user: Payload, roles: list[int], *, permissions: int | None = None) -> Payload:
    member: Payload = {
        "user": user,
        "nick": None,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in roles],
        "joined_at": "2024-08-05T00:00:00.000000+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        member["permissions"] = str(permissions)
    return member


def role_payload(role: RoleSpec) -> Payload:
    return {
        "id": str(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def channel_payload(channel: ChannelSpec, guild_id: int) -> Payload:
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": list(channel.overwrites),
        "parent_id": None,
        "topic": channel.topic,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }


def guild_create_payload(guild: GuildSpec, bot_member: MemberSpec) -> Payload:
    everyone = RoleSpec(
        id=guild.id, name="@everyone", permissions=guild.everyone_permissions, position=0
    )
    members = [*guild.members, bot_member]
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [role_payload(r) for r in [everyone, *guild.roles]],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": str(guild.channels[0].id) if guild.channels else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "max_members": 500000,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": "2024-08-05T00:00:00.000000+00:00",
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "voice_states": [],
        "members": [
            member_payload(user_payload(m.user_id, m.username, bot=m.bot), m.roles) for m in members
        ],
        "channels": [
            {k: v for k, v in channel_payload(c, guild.id).items() if k != "guild_id"}
            for c in guild.channels
        ],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message_payload(
    *,
    message_id: int,
    channel_id: int,
    author: Payload,
    body: Payload,
    attachments: list[Payload],
    guild_id: int | None = None,
    webhook_id: int | None = None,
    interaction_meta: Payload | None = None,
) -> Payload:
    message: Payload = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 20 if interaction_meta else 0,
        "content": body.get("content") or "",
        "author": author,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": attachments,
        "embeds": list(body.get("embeds") or []),
        "reactions": [],
        "pinned": False,
        "flags": int(body.get("flags") or 0),
        "components": list(body.get("components") or []),
    }
    if guild_id is not None:
        message["guild_id"] = str(guild_id)
    if webhook_id is not None:
        message["webhook_id"] = str(webhook_id)
        message["application_id"] = str(webhook_id)
    if interaction_meta is not None:
        message["interaction_metadata"] = interaction_meta
    return message
