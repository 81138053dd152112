"""Routes that carry the bot's words: channel messages, interaction callbacks, followups.

Discord's rules kept here because the bot must live with them: one initial
callback per interaction, within 3 s (later, or twice, is an error);
followups and `@original` edits only after that callback; an ephemeral flag
(64) on the callback or followup; `with_response=1` on the callback returns
the created message, without it 204. A channel message with a `nonce` and
`enforce_nonce: true` is checked for uniqueness over the last few minutes
(`NONCE_WINDOW`): if the same author (the bot) already created a message with
that nonce, that message is returned and no new one is created, as Discord does.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from . import discord_limits as limits
from .discord_objects import INTENT_GUILD_MESSAGES, member_payload, message_payload
from .discord_records import (
    InteractionState,
    RecordedAttachment,
    RecordedCallback,
    RecordedMessage,
)
from .discord_rest import read_message_body, too_large

if TYPE_CHECKING:
    from .discord_api import DiscordStandin

Payload = dict[str, Any]
LOADING = 1 << 7
NONCE_WINDOW = 300.0  # seconds; Discord says "the past few minutes"
MESSAGE_CALLBACKS = (4, 7)
ALLOWED_CALLBACKS = {2: (4, 5, 9), 3: (4, 5, 6, 7, 9), 4: (8,), 5: (4, 5, 6, 7)}


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true")


class Messaging:
    def __init__(self, standin: DiscordStandin) -> None:
        self.dc = standin
        self.messages: dict[int, Payload] = {}
        self.files: dict[tuple[int, int], RecordedAttachment] = {}
        self.nonces: dict[str, tuple[float, int]] = {}  # nonce -> (monotonic time, message id)

    def _attachments(self, message_id: int, files: list[RecordedAttachment]) -> list[Payload]:
        out = []
        for index, f in enumerate(files):
            self.files[(message_id, index)] = f
            url = f"{self.dc.base_url}/attachments/{message_id}/{index}/{quote(f.filename)}"
            out.append(
                {
                    "id": str(self.dc.next_id()),
                    "filename": f.filename,
                    "size": f.size,
                    "url": url,
                    "proxy_url": url,
                    "content_type": f.content_type,
                }
            )
        return out

    def _store(
        self,
        *,
        channel_id: int,
        body: Payload,
        files: list[RecordedAttachment],
        guild_id: int | None,
        webhook: bool,
        interaction: InteractionState | None = None,
        message_id: int | None = None,
    ) -> Payload:
        message_id = message_id or self.dc.next_id()
        meta = None
        if interaction is not None:
            meta = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user,
                "authorizing_integration_owners": interaction.owners,
            }
            if interaction.original_message_id is not None:
                meta["original_response_message_id"] = str(interaction.original_message_id)
        payload = message_payload(
            message_id=message_id,
            channel_id=channel_id,
            author=self.dc.bot_user(),
            body=body,
            attachments=self._attachments(message_id, files),
            guild_id=guild_id,
            webhook_id=self.dc.application_id if webhook else None,
            interaction_meta=meta,
        )
        self.messages[message_id] = payload
        return payload

    def _record(
        self,
        kind: str,
        payload: Payload,
        files: list[RecordedAttachment],
        iid: int | None,
        allowed_mentions: Payload | None = None,
    ) -> None:
        self.dc.record(
            RecordedMessage(
                id=int(payload["id"]),
                channel_id=int(payload["channel_id"]),
                kind=kind,  # type: ignore[arg-type]
                content=payload["content"],
                embeds=payload["embeds"],
                flags=payload["flags"],
                attachments=files,
                components=payload["components"],
                interaction_id=iid,
                allowed_mentions=allowed_mentions,
            )
        )

    async def post_channel_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        found = self.dc.find_channel(channel_id)
        if found is None:
            return limits.unknown("Channel", 10003)
        if not self.dc.can_send(channel_id):
            return limits.missing_permissions()
        body, files = await read_message_body(request)
        rejected = too_large(files) or limits.validate_message(body, len(files))
        if rejected is not None:
            return rejected
        nonce = body.get("nonce")
        nonce = str(nonce) if nonce is not None else None
        if nonce is not None and len(nonce) > 25:
            too_long = {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}
            return limits.invalid_form_body({"nonce": {"_errors": [too_long]}})
        if nonce is not None and body.get("enforce_nonce"):
            seen = self.nonces.get(nonce)
            if seen is not None and time.monotonic() - seen[0] <= NONCE_WINDOW:
                self.dc.nonce_hits += 1
                return limits.json_response(self.messages[seen[1]])
        guild = found[0]
        payload = self._store(
            channel_id=channel_id, body=body, files=files, guild_id=guild.id, webhook=False
        )
        if nonce is not None:
            payload["nonce"] = nonce
            self.nonces[nonce] = (time.monotonic(), int(payload["id"]))
        self._record("channel", payload, files, None, body.get("allowed_mentions"))
        event = {**payload, "member": member_payload(self.dc.bot_user(), [])}
        event["member"].pop("user")
        await self.dc.gateway.dispatch("MESSAGE_CREATE", event, intent=INTENT_GUILD_MESSAGES)
        return limits.json_response(payload)

    def _interaction(self, request: web.Request) -> InteractionState | None:
        state = self.dc.interactions.get(int(request.match_info["interaction_id"]))
        if state is None or state.token != request.match_info["token"]:
            return None
        return state

    async def post_callback(self, request: web.Request) -> web.Response:
        state = self._interaction(request)
        if state is None or (
            state.callback_type is None
            and time.monotonic() - state.created_at > self.dc.interaction_deadline
        ):
            return limits.unknown("interaction", 10062)
        if state.callback_type is not None:
            return limits.error_response(400, 40060, "Interaction has already been acknowledged.")
        body, files = await read_message_body(request)
        cb_type = body.get("type")
        data: Payload = body.get("data") or {}
        if cb_type not in ALLOWED_CALLBACKS.get(state.type, ()):
            errors = {
                "type": {
                    "_errors": [{"code": "BASE_TYPE_CHOICES", "message": "Value must be one of."}]
                }
            }
            return limits.invalid_form_body(errors)
        if cb_type in MESSAGE_CALLBACKS:
            rejected = too_large(files) or limits.validate_message(
                data, len(files), nest_under="data"
            )
            if rejected is not None:
                return rejected
        state.callback_type = int(cb_type)
        self.dc.record(RecordedCallback(state.id, int(cb_type), data, files))
        message = self._callback_message(state, int(cb_type), data, files)
        if not _truthy(request.query.get("with_response")):
            return web.Response(status=204)
        return limits.json_response(self._callback_response(state, int(cb_type), data, message))

    def _callback_message(
        self, state: InteractionState, cb_type: int, data: Payload, files: list[RecordedAttachment]
    ) -> Payload | None:
        if cb_type in (4, 5):
            body = dict(data)
            if cb_type == 5:
                body = {"flags": int(data.get("flags") or 0) | LOADING, "content": ""}
            message = self._store(
                channel_id=state.channel_id, body=body, files=files, guild_id=state.guild_id,
                webhook=True, interaction=state,
            )  # fmt: skip
            state.original_message_id = int(message["id"])
            if cb_type == 4:
                self._record("interaction", message, files, state.id)
            return message
        if cb_type == 7 and state.message_id in self.messages:
            message = self.messages[state.message_id]
            message.update(
                {k: v for k, v in data.items() if k in ("content", "embeds", "components")}
            )
            self._record("edit", message, files, state.id)
            return message
        return None

    def _callback_response(
        self, state: InteractionState, cb_type: int, data: Payload, message: Payload | None
    ) -> Payload:
        flags = int(data.get("flags") or 0)
        interaction: Payload = {
            "id": str(state.id),
            "type": state.type,
            "response_message_loading": cb_type == 5,
            "response_message_ephemeral": bool(flags & 64),
        }
        out: Payload = {"interaction": interaction}
        if message is not None:
            interaction["response_message_id"] = message["id"]
            out["resource"] = {"type": cb_type, "message": message}
        return out

    def _webhook_state(self, request: web.Request) -> InteractionState | None:
        if int(request.match_info["app_id"]) != self.dc.application_id:
            return None
        token = request.match_info["token"]
        state = next((s for s in self.dc.interactions.values() if s.token == token), None)
        if state is None or state.callback_type is None:
            return None  # Discord: the followup webhook does not exist until the first callback
        return state

    async def post_followup(self, request: web.Request) -> web.Response:
        state = self._webhook_state(request)
        if state is None:
            return limits.unknown("Webhook", 10015)
        body, files = await read_message_body(request)
        rejected = too_large(files) or limits.validate_message(body, len(files))
        if rejected is not None:
            return rejected
        original = self.messages.get(state.original_message_id or 0)
        replace_id: int | None = None
        if original is not None and original["flags"] & LOADING:
            # Discord: the first followup after a deferred callback replaces "thinking…".
            replace_id = int(original["id"])
            body = {**body, "flags": original["flags"] & ~LOADING}
        message = self._store(
            channel_id=state.channel_id, body=body, files=files, guild_id=state.guild_id,
            webhook=True, interaction=state, message_id=replace_id,
        )  # fmt: skip
        self._record("followup", message, files, state.id)
        if _truthy(request.query.get("wait")):
            return limits.json_response(message)
        return web.Response(status=204)

    def _webhook_message(self, request: web.Request) -> tuple[InteractionState | None, int | None]:
        state = self._webhook_state(request)
        if state is None:
            return None, None
        raw = request.match_info["message_id"]
        message_id = state.original_message_id if raw == "@original" else int(raw)
        if message_id not in self.messages:
            return state, None
        return state, message_id

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        state, message_id = self._webhook_message(request)
        if state is None:
            return limits.unknown("Webhook", 10015)
        if message_id is None:
            return limits.unknown("Message", 10008)
        return limits.json_response(self.messages[message_id])

    async def patch_webhook_message(self, request: web.Request) -> web.Response:
        state, message_id = self._webhook_message(request)
        if state is None:
            return limits.unknown("Webhook", 10015)
        if message_id is None:
            return limits.unknown("Message", 10008)
        body, files = await read_message_body(request)
        message = self.messages[message_id]
        merged = {
            **message,
            **{k: v for k, v in body.items() if k in ("content", "embeds", "components")},
        }
        kept = {str(a.get("id")) for a in body.get("attachments") or []}
        old = [a for a in message["attachments"] if a["id"] in kept or "attachments" not in body]
        new = self._attachments(message_id, files) if files else []
        rejected = too_large(files) or limits.validate_message(merged, len(old) + len(new))
        if rejected is not None:
            return rejected
        merged["attachments"] = old + new
        merged["flags"] = int(merged.get("flags") or 0) & ~LOADING
        merged["edited_timestamp"] = merged["timestamp"]
        self.messages[message_id] = merged
        self._record("edit", merged, files, state.id)
        return limits.json_response(merged)

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        state, message_id = self._webhook_message(request)
        if state is None:
            return limits.unknown("Webhook", 10015)
        if message_id is None:
            return limits.unknown("Message", 10008)
        del self.messages[message_id]
        return web.Response(status=204)

    async def get_attachment(self, request: web.Request) -> web.Response:
        key = (int(request.match_info["message_id"]), int(request.match_info["index"]))
        f = self.files.get(key)
        if f is None:
            raise web.HTTPNotFound()
        return web.Response(body=f.data, content_type=f.content_type)
