"""The Discord stand-in's REST API (`/api/v10/...`), answering as Discord does.

Bot routes need `Authorization: Bot <token>`; interaction callbacks and
webhook followups carry their token in the path instead and skip the global
limit, as on Discord. A middleware applies auth, the rate limiter and
injected failures, and logs every request with its route template.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from . import discord_limits as limits
from .discord_objects import ATTACHMENT_SIZE_LIMIT, channel_payload, guild_create_payload
from .discord_records import RecordedAttachment, RequestRecord

if TYPE_CHECKING:
    from .discord_api import DiscordStandin

Payload = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
API_PREFIX = "/api/v10"
_TOKEN_ROUTES = ("/interactions/", "/webhooks/")
_MAJOR_PARAMS = ("channel_id", "guild_id", "interaction_id", "token")


async def read_message_body(request: web.Request) -> tuple[Payload, list[RecordedAttachment]]:
    """A JSON body, or multipart `payload_json` plus `files[n]` parts, as discord.py sends."""
    if not request.content_type.startswith("multipart/"):
        raw = await request.read()
        return (json.loads(raw) if raw else {}), []
    payload: Payload = {}
    files: list[RecordedAttachment] = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, aiohttp.BodyPartReader):
            continue  # nested multipart: Discord does not accept it either
        data = await part.read()
        if part.name == "payload_json":
            payload = json.loads(data)
        elif part.filename is not None:
            ctype = part.headers.get("Content-Type", "application/octet-stream")
            files.append(RecordedAttachment(part.filename, ctype, bytes(data)))
    return payload, files


class DiscordRest:
    def __init__(self, standin: DiscordStandin) -> None:
        self.dc = standin

    def add_routes(self, app: web.Application) -> None:
        p = API_PREFIX
        msg = self.dc.messaging
        app.router.add_get(p + "/gateway", self.get_gateway)
        app.router.add_get(p + "/gateway/bot", self.get_gateway_bot)
        app.router.add_get(p + "/users/@me", self.get_me)
        app.router.add_get(p + "/oauth2/applications/@me", self.get_application)
        for cmds in (
            "/applications/{app_id}/commands",
            "/applications/{app_id}/guilds/{guild_id}/commands",
        ):
            app.router.add_get(p + cmds, self.get_commands)
            app.router.add_put(p + cmds, self.put_commands)
        app.router.add_get(p + "/guilds/{guild_id}", self.get_guild)
        app.router.add_get(p + "/guilds/{guild_id}/channels", self.get_guild_channels)
        app.router.add_get(p + "/channels/{channel_id}", self.get_channel)
        app.router.add_post(p + "/channels/{channel_id}/messages", msg.post_channel_message)
        app.router.add_post(
            p + "/interactions/{interaction_id}/{token}/callback", msg.post_callback
        )
        app.router.add_post(p + "/webhooks/{app_id}/{token}", msg.post_followup)
        hook_msg = p + "/webhooks/{app_id}/{token}/messages/{message_id}"
        app.router.add_get(hook_msg, msg.get_webhook_message)
        app.router.add_patch(hook_msg, msg.patch_webhook_message)
        app.router.add_delete(hook_msg, msg.delete_webhook_message)
        app.router.add_get("/attachments/{message_id}/{index}/{filename}", msg.get_attachment)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        resource = request.match_info.route.resource
        canonical = resource.canonical if resource is not None else request.path
        if not canonical.startswith(API_PREFIX + "/"):
            return await handler(request)
        route = f"{request.method} {canonical.removeprefix(API_PREFIX)}"
        token_route = canonical.removeprefix(API_PREFIX).startswith(_TOKEN_ROUTES)
        response = await self._guarded(request, handler, route, token_route=token_route)
        self.dc.record_request(RequestRecord(request.method, route, request.path, response.status))
        return response

    async def _guarded(
        self, request: web.Request, handler: Handler, route: str, *, token_route: bool
    ) -> web.StreamResponse:
        if not token_route and request.headers.get("Authorization") != f"Bot {self.dc.token}":
            return limits.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        info = request.match_info
        major = next((info[k] for k in _MAJOR_PARAMS if k in info), "")
        decision = self.dc.limiter.check(route, major, exempt_global=token_route)
        if decision.status == 429:
            body = {
                "message": "You are being rate limited.",
                "retry_after": decision.retry_after,
                "global": decision.is_global,
            }
            return limits.json_response(body, status=429, headers=decision.headers)
        if decision.status is not None:
            text = f"{decision.status}: injected failure"
            return limits.json_response({"message": text, "code": 0}, status=decision.status)
        try:
            response = await handler(request)
        except json.JSONDecodeError:
            response = limits.error_response(400, 50109, "The request body contains invalid JSON.")
        except web.HTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 - a stand-in bug must fail the test, not hang it
            self.dc.internal_errors.append(f"{route}: {exc!r}")
            response = limits.json_response({"message": "500: stand-in bug", "code": 0}, status=500)
        response.headers.update(decision.headers)
        return response

    async def get_gateway(self, request: web.Request) -> web.Response:
        return limits.json_response({"url": self.dc.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return limits.json_response(
            {"url": self.dc.gateway_url, "shards": 1, "session_start_limit": limit}
        )

    async def get_me(self, request: web.Request) -> web.Response:
        return limits.json_response(self.dc.bot_user())

    async def get_application(self, request: web.Request) -> web.Response:
        return limits.json_response(self.dc.application())

    def _command_scope(self, request: web.Request) -> tuple[int | None, web.Response | None]:
        if int(request.match_info["app_id"]) != self.dc.application_id:
            return None, limits.error_response(403, 50001, "Missing Access")
        raw = request.match_info.get("guild_id")
        if raw is None:
            return None, None
        if int(raw) not in self.dc.guilds:
            return None, limits.error_response(403, 50001, "Missing Access")
        return int(raw), None

    async def get_commands(self, request: web.Request) -> web.Response:
        guild_id, denied = self._command_scope(request)
        if denied is not None:
            return denied
        return limits.json_response(self.dc.commands.get(guild_id, []))

    async def put_commands(self, request: web.Request) -> web.Response:
        guild_id, denied = self._command_scope(request)
        if denied is not None:
            return denied
        body = await request.json()
        if not isinstance(body, list):
            return limits.invalid_form_body(
                {"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]}
            )
        errors = self.dc.command_errors(body)
        if errors:
            return limits.invalid_form_body(errors)
        return limits.json_response(self.dc.overwrite_commands(guild_id, body))

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.dc.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            return limits.unknown("Guild", 10004)
        payload = guild_create_payload(guild, self.dc.bot_member())
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            payload.pop(key, None)
        return limits.json_response(payload)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.dc.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            return limits.unknown("Guild", 10004)
        return limits.json_response([channel_payload(c, guild.id) for c in guild.channels])

    async def get_channel(self, request: web.Request) -> web.Response:
        found = self.dc.find_channel(int(request.match_info["channel_id"]))
        if found is None:
            return limits.unknown("Channel", 10003)
        guild, channel = found
        return limits.json_response(channel_payload(channel, guild.id))


def too_large(files: list[RecordedAttachment]) -> web.Response | None:
    if any(f.size > ATTACHMENT_SIZE_LIMIT for f in files):
        return limits.error_response(413, 40005, "Request entity too large")
    return None
