"""Discord's message limits and its JSON error bodies.

Discord rejects an over-long embed with 400 and code 50035, nesting the
complaint under the path of the offending field, each leaf an `_errors` list:
``{"embeds": {"0": {"title": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
"message": "Must be 256 or fewer in length."}]}}}}``. An interaction callback
nests the same tree under ``data``. The validator returns that tree, or None.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

Payload = dict[str, Any]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_FIELDS_MAX = 25
ATTACHMENTS_MAX = 10
# (path inside one embed, limit)
EMBED_TEXT_LIMITS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("title",), 256),
    (("description",), 4096),
    (("footer", "text"), 2048),
    (("author", "name"), 256),
)
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """JSON with Discord's bare `Content-Type: application/json`.

    discord.py parses a body as JSON only when the header is exactly that (aiohttp's
    `web.json_response` appends `; charset=utf-8`, which discord.py would treat as text).
    """
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def error_response(
    status: int, code: int, message: str, errors: Payload | None = None
) -> web.Response:
    body: Payload = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return json_response(body, status=status)


def unknown(what: str, code: int) -> web.Response:
    return error_response(404, code, f"Unknown {what}")


def missing_permissions() -> web.Response:
    return error_response(403, 50013, "Missing Permissions")


def invalid_form_body(errors: Payload) -> web.Response:
    return error_response(400, 50035, "Invalid Form Body", errors)


def _leaf(code: str, message: str) -> Payload:
    return {"_errors": [{"code": code, "message": message}]}


def _too_long(limit: int) -> Payload:
    return _leaf("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _nest(tree: Payload, path: tuple[str, ...], leaf: Payload) -> None:
    node = tree
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = leaf


def _get(obj: Payload, path: tuple[str, ...]) -> Any:
    value: Any = obj
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def embed_size(embed: Payload) -> int:
    """The characters Discord counts towards the 6000 total of one message's embeds."""
    total = 0
    for path, _ in EMBED_TEXT_LIMITS:
        value = _get(embed, path)
        total += len(value) if isinstance(value, str) else 0
    for fld in embed.get("fields") or []:
        total += len(str(fld.get("name", ""))) + len(str(fld.get("value", "")))
    return total


def validate_embeds(embeds: list[Payload]) -> Payload:
    errors: Payload = {}
    if len(embeds) > EMBEDS_MAX:
        return {"embeds": _too_long(EMBEDS_MAX)}
    for index, embed in enumerate(embeds):
        key = str(index)
        for path, limit in EMBED_TEXT_LIMITS:
            value = _get(embed, path)
            if isinstance(value, str) and len(value) > limit:
                _nest(errors, ("embeds", key, *path), _too_long(limit))
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            _nest(errors, ("embeds", key, "fields"), _too_long(EMBED_FIELDS_MAX))
        for f_index, fld in enumerate(fields):
            for name, limit in (("name", FIELD_NAME_MAX), ("value", FIELD_VALUE_MAX)):
                value = str(fld.get(name, ""))
                path = ("embeds", key, "fields", str(f_index), name)
                if not value:
                    _nest(errors, path, _leaf("BASE_TYPE_REQUIRED", "This field is required"))
                elif len(value) > limit:
                    _nest(errors, path, _too_long(limit))
    if not errors and sum(embed_size(e) for e in embeds) > EMBED_TOTAL_MAX:
        errors["embeds"] = _leaf(
            "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"
        )
    return errors


def message_errors(body: Payload, n_files: int) -> Payload:
    """Discord's `errors` tree for this message body; empty when it fits the limits."""
    errors: Payload = {}
    content = body.get("content")
    if isinstance(content, str) and len(content) > CONTENT_MAX:
        errors["content"] = _too_long(CONTENT_MAX)
    errors.update(validate_embeds(list(body.get("embeds") or [])))
    if n_files > ATTACHMENTS_MAX:
        errors["files"] = _too_long(ATTACHMENTS_MAX)
    return errors


def validate_message(
    body: Payload, n_files: int, *, nest_under: str | None = None
) -> web.Response | None:
    """The 400 Discord would answer for this message body, or None if it is acceptable.

    `nest_under="data"` for interaction callbacks, whose message sits in `data`.
    """
    errors = message_errors(body, n_files)
    if errors:
        return invalid_form_body({nest_under: errors} if nest_under else errors)
    content = body.get("content")
    empty = not (
        content or body.get("embeds") or body.get("components") or n_files or body.get("poll")
    )
    if empty:
        return error_response(400, 50006, "Cannot send an empty message")
    return None
