"""A Discord stand-in on 127.0.0.1: REST + gateway, so discord.py's real Client talks to it.

    async with DiscordStandin(token="t", heartbeat_interval_ms=500, time_scale=0.1) as dc:
        with point_discord_at(dc.api_url, dc.gateway_url):   # tests/standins/discord_client.py
            ...client.start("t")..., await tree.sync(guild=discord.Object(gid))
            handle = await dc.inject_interaction(gid, cid, uid, "risk")
            callback = await dc.wait_for(lambda: dc.callback_for(handle))

Modules: discord_world (state, permissions, commands), discord_gateway (the
websocket), discord_rest + discord_messaging (HTTP routes), discord_ratelimit
(buckets and injected failures), discord_limits (embed limits, error bodies),
discord_records (what tests read back), discord_objects (payload shapes).
"""

from __future__ import annotations

import asyncio
import copy
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from bot.lifecycle import Lifecycle

from .discord_gateway import Gateway
from .discord_messaging import Messaging
from .discord_objects import (
    ATTACHMENT_SIZE_LIMIT,
    SEND_DENIED,
    GuildSpec,
    channel_payload,
    member_payload,
    user_payload,
)
from .discord_ratelimit import BucketRule, RateLimiter
from .discord_records import (
    CommandSync,
    InteractionHandle,
    InteractionState,
    RecordedCallback,
    RecordedMessage,
    RequestRecord,
)
from .discord_rest import API_PREFIX, DiscordRest
from .discord_world import DiscordWorld

Payload = dict[str, Any]
T = TypeVar("T")


class DiscordStandin(DiscordWorld, Lifecycle):
    def __init__(
        self,
        *,
        token: str = "standin-bot-token",
        guilds: list[GuildSpec] | None = None,
        application_id: int = 1_200_000_000_000_000_001,
        bot_user_id: int = 1_200_000_000_000_000_001,
        bot_name: str = "carrywatch",
        heartbeat_interval_ms: int = 41_250,
        time_scale: float = 1.0,
        rate_limits: dict[str, BucketRule] | None = None,
        interaction_deadline: float = 3.0,
        allowed_intents: int | None = None,
    ) -> None:
        super().__init__(
            token=token,
            guilds=guilds,
            application_id=application_id,
            bot_user_id=bot_user_id,
            bot_name=bot_name,
            allowed_intents=allowed_intents,
        )
        self.interaction_deadline = interaction_deadline
        self.limiter = RateLimiter(time_scale=time_scale, rules=rate_limits)
        self.internal_errors: list[str] = []  # stand-in bugs; the fixture fails the test on any
        self.gateway = Gateway(
            self,
            heartbeat_interval_ms=heartbeat_interval_ms,
            on_change=self._notify,
            errors=self.internal_errors,
        )
        self.messaging = Messaging(self)
        self.rest = DiscordRest(self)
        self.interactions: dict[int, InteractionState] = {}
        self.callbacks: list[RecordedCallback] = []
        self.messages: list[RecordedMessage] = []
        self.requests: list[RequestRecord] = []
        self.nonce_hits = 0  # sends answered with an earlier message (nonce + enforce_nonce)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0

    # lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self.rest.middleware])
        self.rest.add_routes(app)
        app.router.add_get("/gateway", self.gateway.handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only here
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.gateway.close()
        await self._runner.cleanup()
        self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """What to put in `discord.http.Route.BASE` (CARRYWATCH_DISCORD__API_URL)."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What `/gateway/bot` returns; what to put in `DiscordWebSocket.DEFAULT_GATEWAY`."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    # recording ---------------------------------------------------------------

    def record(self, item: object) -> None:
        if isinstance(item, RecordedMessage):
            self.messages.append(item)
        elif isinstance(item, RecordedCallback):
            self.callbacks.append(item)
        elif isinstance(item, CommandSync):
            self.command_syncs.append(item)
        self._notify()

    def record_request(self, item: RequestRecord) -> None:
        self.requests.append(item)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:  # noqa: ASYNC109
        """Wait until `predicate()` is truthy (re-checked on every record); return its value."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    self._changed.clear()
                    result = predicate()
                    if result:
                        return result
                    await self._changed.wait()
        except TimeoutError:
            raise TimeoutError(
                f"stand-in waited {timeout}s; recorded so far: {self.summary()}"
            ) from None

    async def wait_until_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.wait_for(lambda: self.gateway.connected, timeout)

    def summary(self) -> str:
        return (
            f"{len(self.callbacks)} callbacks {[c.type for c in self.callbacks]}, "
            f"messages {[(m.kind, m.content[:30]) for m in self.messages]}, "
            f"{len(self.command_syncs)} syncs, last requests "
            f"{[(r.route, r.status) for r in self.requests[-5:]]}, "
            f"connected={self.gateway.connected}, stand-in errors {self.internal_errors}"
        )

    def callback_for(self, handle: InteractionHandle | int) -> RecordedCallback | None:
        iid = handle if isinstance(handle, int) else handle.id
        return next((c for c in self.callbacks if c.interaction_id == iid), None)

    def messages_of(
        self, kind: str, interaction: InteractionHandle | None = None
    ) -> list[RecordedMessage]:
        iid = interaction.id if interaction is not None else None
        return [
            m for m in self.messages if m.kind == kind and (iid is None or m.interaction_id == iid)
        ]

    @property
    def channel_messages(self) -> list[RecordedMessage]:
        return self.messages_of("channel")

    @property
    def followups(self) -> list[RecordedMessage]:
        return self.messages_of("followup")

    def sync_count(self, guild_id: int | None = None, *, changed_only: bool = False) -> int:
        return sum(
            1
            for s in self.command_syncs
            if s.guild_id == guild_id and (s.changed or not changed_only)
        )

    def count(self, route: str | None = None, status: int | None = None) -> int:
        """Requests seen, by route template ("POST /channels/{channel_id}/messages") and status."""
        return sum(
            1
            for r in self.requests
            if (route is None or r.route == route) and (status is None or r.status == status)
        )

    # faults ------------------------------------------------------------------

    def fail_next(
        self,
        target: str | int,
        *,
        status: int = 429,
        retry_after: float = 0.5,
        count: int = 1,
        is_global: bool = False,
    ) -> None:
        """Answer the next `count` requests on `target` with `status` (429 as Discord sends it).

        `target` is a route template ("POST /channels/{channel_id}/messages") or a major
        parameter: a channel id, guild id, interaction id or interaction token.
        """
        self.limiter.fail_next(
            target, status=status, retry_after=retry_after, count=count, is_global=is_global
        )

    def set_global_rate_limit(self, retry_after: float | None) -> None:
        """While set, every bot-token request gets a global 429; None switches it off."""
        self.limiter.global_retry_after = retry_after

    async def disconnect_gateway(
        self, code: int | None = 4000, *, invalidate_session: bool = False
    ) -> None:
        """Close the bot's websocket (code None: cut TCP); resumable unless invalidated."""
        await self.gateway.disconnect(code, invalidate=invalidate_session)

    async def delete_channel(self, channel_id: int) -> None:
        found = self.find_channel(channel_id)
        if found is None:
            raise KeyError(channel_id)
        guild, channel = found
        guild.channels.remove(channel)
        await self.gateway.dispatch("CHANNEL_DELETE", channel_payload(channel, guild.id))

    async def deny_permission(self, channel_id: int, deny: int = SEND_DENIED) -> None:
        """Add a member overwrite denying the bot `deny` (default: send, embed, attach) there."""
        found = self.find_channel(channel_id)
        if found is None:
            raise KeyError(channel_id)
        guild, channel = found
        channel.overwrites = [o for o in channel.overwrites if int(o["id"]) != self.bot_user_id]
        channel.overwrites.append(
            {"id": str(self.bot_user_id), "type": 1, "allow": "0", "deny": str(deny)}
        )
        await self.gateway.dispatch("CHANNEL_UPDATE", channel_payload(channel, guild.id))

    # injection ---------------------------------------------------------------

    async def inject_interaction(
        self,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        command_name: str,
        options: list[Payload] | None = None,
        permissions: int | None = None,
        type: int = 2,
        command_type: int = 1,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Send INTERACTION_CREATE for a synced command, as Discord would when a user runs it.

        `options` are Discord-shaped and may nest: ``[{"type": 2, "name": "channel", "options":
        [{"type": 1, "name": "set", "options": [{"type": 7, "name": "channel", "value": cid}]}]}]``.
        Snowflake values (user, channel, role) are resolved from the guild into `data.resolved`.
        `type=4` makes it an autocomplete interaction (mark the option `"focused": True`).
        `permissions` defaults to what the guild's roles and overwrites give the user.
        `locale` is the member's client language (Discord's ``locale``: ``ja``, ``zh-CN``…).
        """
        command = self.find_command(guild_id, command_name, command_type)
        if command is None:
            raise LookupError(f"/{command_name} was never synced for guild {guild_id} or globally")
        data: Payload = {"id": command["id"], "name": command_name, "type": command_type}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        if options:
            options = copy.deepcopy(options)  # _resolve normalises snowflakes to strings in place
            data["options"] = options
            resolved = self.resolve_options(guild_id, options)
            if resolved:
                data["resolved"] = resolved
        return await self._dispatch_interaction(
            type, data, guild_id, channel_id, user_id, permissions, locale=locale
        )

    async def inject_component(
        self,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        message_id: int,
        custom_id: str,
        component_type: int = 2,
        values: list[str] | None = None,
    ) -> InteractionHandle:
        """A button press (component_type 2) or select (3, with `values`) on a bot message."""
        data: Payload = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        extra = {"message": self.messaging.messages.get(message_id)}
        if extra["message"] is None:
            raise LookupError(f"message {message_id} was never sent through the stand-in")
        return await self._dispatch_interaction(
            3, data, guild_id, channel_id, user_id, None, extra, message_id
        )

    async def _dispatch_interaction(
        self,
        itype: int,
        data: Payload,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        permissions: int | None,
        extra: Payload | None = None,
        message_id: int | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        iid, token = self.next_id(), "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload: Payload = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(channel_id),
            **(extra or {}),
        }
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        if guild is None:
            user = user_payload(user_id, f"user{user_id}")
            channel = {"id": str(channel_id), "type": 1, "flags": 0, "recipients": [user]}
            payload.update(
                user=user, channel=channel, context=1, app_permissions=str(permissions or 0)
            )
            payload["authorizing_integration_owners"] = {"0": str(user_id)}
        else:
            spec = guild.channel(channel_id)
            member_spec = guild.member(user_id)
            name = member_spec.username if member_spec else f"user{user_id}"
            perms = (
                permissions if permissions is not None else self.permissions(guild, spec, user_id)
            )
            user = user_payload(user_id, name)
            roles = member_spec.roles if member_spec else []
            channel = (
                channel_payload(spec, guild.id) if spec else {"id": str(channel_id), "type": 0}
            )
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                guild_locale=guild.preferred_locale,
                member=member_payload(user, roles, permissions=perms),
                channel={**channel, "permissions": str(perms)},
                app_permissions=str(self.permissions(guild, spec, self.bot_user_id)),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        user = payload["member"]["user"] if "member" in payload else payload["user"]
        self.interactions[iid] = InteractionState(
            id=iid, token=token, type=itype, guild_id=guild_id, channel_id=channel_id,
            created_at=time.monotonic(), user=user,
            owners=payload["authorizing_integration_owners"], message_id=message_id,
        )  # fmt: skip
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return InteractionHandle(iid, token, self.application_id)
