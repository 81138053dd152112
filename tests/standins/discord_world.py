"""The stand-in's Discord state: the bot, its application, guilds, permissions, commands.

Commands follow Discord's bulk-overwrite rules: a command keeps its id across
overwrites as long as its (name, type) stays, so `data.id` in an injected
interaction matches what `tree.sync()` got back; an identical overwrite is
recorded with `changed=False` so a test can pin "no re-sync when unchanged".
"""

from __future__ import annotations

import re
from typing import Any

from .discord_objects import (
    ADMINISTRATOR,
    PRIVILEGED_INTENTS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    ChannelSpec,
    GuildSpec,
    MemberSpec,
    SnowflakeFactory,
    bot_user_payload,
    channel_payload,
    guild_create_payload,
    member_payload,
    role_payload,
    simple_guild,
    user_payload,
)
from .discord_records import CommandSync

Payload = dict[str, Any]
_SNOWFLAKE_OPTIONS = {6: "users", 7: "channels", 8: "roles", 9: "users", 11: "attachments"}
ALL_PERMISSIONS = (1 << 51) - 1
_NAME = re.compile(r"^[-_'\w]{1,32}$")
_COMMAND_FIELDS = (
    "type", "name", "name_localizations", "description", "description_localizations",
    "options", "default_member_permissions", "dm_permission", "contexts",
    "integration_types", "nsfw",
)  # fmt: skip


def _error(code: str, message: str) -> Payload:
    return {"_errors": [{"code": code, "message": message}]}


def _option_errors(options: list[Payload]) -> Payload:
    errors: Payload = {}
    if len(options) > 25:
        return _error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, opt in enumerate(options):
        entry: Payload = {}
        name = str(opt.get("name", ""))
        if not _NAME.match(name) or name != name.lower():
            entry["name"] = _error("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if not 1 <= len(str(opt.get("description", ""))) <= 100:
            entry["description"] = _error(
                "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
        nested = _option_errors(list(opt.get("options") or []))
        if nested:
            entry["options"] = nested
        if entry:
            errors[str(index)] = entry
    return errors


class DiscordWorld:
    def __init__(
        self,
        *,
        token: str,
        guilds: list[GuildSpec] | None,
        application_id: int,
        bot_user_id: int,
        bot_name: str,
        allowed_intents: int | None,
    ) -> None:
        self.token = token
        self.application_id = application_id
        self.bot_user_id = bot_user_id
        self.bot_name = bot_name
        self.allowed_intents = allowed_intents
        self.snowflakes = SnowflakeFactory()
        if guilds is None:
            guilds = [
                simple_guild(
                    1_100_000_000_000_000_001,
                    [1_100_000_000_000_000_002],
                    1_100_000_000_000_000_003,
                )
            ]
        self.guilds: dict[int, GuildSpec] = {g.id: g for g in guilds}
        self.commands: dict[int | None, list[Payload]] = {}
        self.command_syncs: list[CommandSync] = []
        self._last_bodies: dict[int | None, list[Payload]] = {}

    def next_id(self) -> int:
        return self.snowflakes.next()

    def bot_user(self) -> Payload:
        return bot_user_payload(self.bot_user_id, self.bot_name)

    def bot_member(self) -> MemberSpec:
        return MemberSpec(user_id=self.bot_user_id, username=self.bot_name, bot=True)

    def application(self) -> Payload:
        owner = user_payload(1_000_000_000_000_000_001, "carrywatch-owner")
        return {
            "id": str(self.application_id),
            "name": self.bot_name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "rpc_origins": [],
            "bot_public": False,
            "bot_require_code_grant": False,
            "bot": self.bot_user(),
            "owner": owner,
            "team": None,
            "verify_key": "0" * 64,
            "flags": self.application_flags,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "approximate_guild_count": len(self.guilds),
            "integration_types_config": {"0": {}},
        }

    @property
    def application_flags(self) -> int:
        # GATEWAY_MESSAGE_CONTENT_LIMITED | APPLICATION_COMMAND_BADGE, as for an unverified bot.
        return (1 << 19) | (1 << 23)

    def check_intents(self, intents: int) -> bool:
        if self.allowed_intents is None:
            return True
        return not (intents & PRIVILEGED_INTENTS & ~self.allowed_intents)

    def ready_payload(self, session_id: str, resume_url: str, shard: list[int] | None) -> Payload:
        ready: Payload = {
            "v": 10,
            "user_settings": {},
            "user": self.bot_user(),
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": resume_url,
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["japan", "hongkong", "singapore"],
            "auth": {},
            "_trace": ['["carrywatch-standin",{"micros":0}]'],
        }
        if shard is not None:
            ready["shard"] = shard
        return ready

    def guild_create_payloads(self) -> list[Payload]:
        return [guild_create_payload(g, self.bot_member()) for g in self.guilds.values()]

    def member_payloads(self, guild_id: int) -> list[Payload]:
        guild = self.guilds.get(guild_id)
        if guild is None:
            return []
        members = [*guild.members, self.bot_member()]
        return [
            member_payload(user_payload(m.user_id, m.username, bot=m.bot), m.roles) for m in members
        ]

    def find_channel(self, channel_id: int) -> tuple[GuildSpec, ChannelSpec] | None:
        for guild in self.guilds.values():
            channel = guild.channel(channel_id)
            if channel is not None:
                return guild, channel
        return None

    def permissions(self, guild: GuildSpec, channel: ChannelSpec | None, user_id: int) -> int:
        """Discord's algorithm: owner/admin get all, else roles then channel overwrites."""
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        member = guild.member(user_id)
        roles = member.roles if member else []
        perms = guild.role_permissions(roles)
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        if channel is None:
            return perms
        by_id = {int(o["id"]): o for o in channel.overwrites}
        ordered = [by_id.get(guild.id)]
        ordered += [o for o in channel.overwrites if o["type"] == 0 and int(o["id"]) in roles]
        ordered.append(by_id.get(user_id) if by_id.get(user_id, {}).get("type") == 1 else None)
        for ow in ordered:
            if ow is not None:
                perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
        return perms

    def can_send(self, channel_id: int) -> bool:
        found = self.find_channel(channel_id)
        if found is None:
            return False
        needed = VIEW_CHANNEL | SEND_MESSAGES
        return self.permissions(found[0], found[1], self.bot_user_id) & needed == needed

    def command_errors(self, body: list[Payload]) -> Payload:
        errors: Payload = {}
        if len(body) > 100:
            return _error("BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        seen: set[tuple[str, int]] = set()
        for index, cmd in enumerate(body):
            entry: Payload = {}
            ctype = int(cmd.get("type", 1))
            name = str(cmd.get("name", ""))
            if ctype == 1 and (not _NAME.match(name) or name != name.lower()):
                entry["name"] = _error(
                    "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            if ctype == 1 and not 1 <= len(str(cmd.get("description", ""))) <= 100:
                entry["description"] = _error(
                    "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
                )
            options = _option_errors(list(cmd.get("options") or []))
            if options:
                entry["options"] = options
            if entry:
                errors[str(index)] = entry
            if (name, ctype) in seen:
                return _error(
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            seen.add((name, ctype))
        return errors

    def overwrite_commands(self, guild_id: int | None, body: list[Payload]) -> list[Payload]:
        normalized = [{k: cmd[k] for k in _COMMAND_FIELDS if k in cmd} for cmd in body]
        changed = self._last_bodies.get(guild_id) != normalized
        old = {(c["name"], c["type"]): c for c in self.commands.get(guild_id, [])}
        stored = []
        for cmd in normalized:
            ctype = int(cmd.get("type", 1))
            previous = old.get((cmd["name"], ctype))
            version = previous["version"] if previous and not changed else str(self.next_id())
            out: Payload = {
                "id": previous["id"] if previous else str(self.next_id()),
                "application_id": str(self.application_id),
                "version": version,
                "type": ctype,
                "name": cmd["name"],
                "name_localizations": cmd.get("name_localizations"),
                "description": cmd.get("description", ""),
                "description_localizations": cmd.get("description_localizations"),
                "default_member_permissions": cmd.get("default_member_permissions"),
                "dm_permission": cmd.get("dm_permission", True),
                "contexts": cmd.get("contexts"),
                "integration_types": cmd.get("integration_types", [0]),
                "nsfw": cmd.get("nsfw", False),
            }
            if cmd.get("options"):
                out["options"] = cmd["options"]
            if guild_id is not None:
                out["guild_id"] = str(guild_id)
            stored.append(out)
        self.commands[guild_id] = stored
        self._last_bodies[guild_id] = normalized
        self.record(CommandSync(guild_id, body, changed))
        return stored

    def find_command(self, guild_id: int | None, name: str, ctype: int = 1) -> Payload | None:
        for scope in (guild_id, None) if guild_id is not None else (None,):
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd["type"] == ctype:
                    return cmd
        return None

    def resolve_options(self, guild_id: int | None, options: list[Payload]) -> Payload:
        """Discord's `data.resolved` for snowflake options; normalises their values to strings."""
        resolved: Payload = {}
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        for opt in options:
            if "options" in opt:
                for key, values in self.resolve_options(guild_id, opt["options"]).items():
                    resolved.setdefault(key, {}).update(values)
            kind = _SNOWFLAKE_OPTIONS.get(int(opt.get("type", 0)))
            if kind is None or "value" not in opt or opt.get("focused"):
                continue
            opt["value"] = str(opt["value"])
            sid = int(opt["value"])
            if (
                kind == "channels"
                and guild is not None
                and (spec := guild.channel(sid)) is not None
            ):
                perms = self.permissions(guild, spec, self.bot_user_id)
                resolved.setdefault("channels", {})[opt["value"]] = {
                    **channel_payload(spec, guild.id),
                    "permissions": str(perms),
                }
            elif kind == "users":
                member = guild.member(sid) if guild is not None else None
                name = member.username if member else f"user{sid}"
                resolved.setdefault("users", {})[opt["value"]] = user_payload(sid, name)
                if guild is not None:
                    mp = member_payload(user_payload(sid, name), member.roles if member else [])
                    mp.pop("user")
                    resolved.setdefault("members", {})[opt["value"]] = mp
            elif kind == "roles" and guild is not None:
                role = next((r for r in guild.roles if r.id == sid), None)
                if role is not None:
                    resolved.setdefault("roles", {})[opt["value"]] = role_payload(role)
        return resolved

    def record(self, item: object) -> None:
        raise NotImplementedError
