"""Sync application commands only when they changed.

Discord caps command creations per day (200 per guild or globally), and a bot
that bulk-overwrites on every start or reconnect can be locked out. The tree's
payload — what ``CommandTree.sync`` would PUT — is hashed together with the
application id and the scope, and stored in meta as
``discord.commands_hash.<scope>`` only after a successful sync; the next start
with the same commands sends nothing.

Scope: ``guild:<id>`` when ``settings.discord.dev_guild`` is set (guild
commands appear at once, for development), ``global`` otherwise.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord.metrics import SYNCS
from bot.store.store import Store

log = logging.getLogger(__name__)


def scope_name(guild: discord.abc.Snowflake | None) -> str:
    return "global" if guild is None else f"guild:{guild.id}"


def meta_key(guild: discord.abc.Snowflake | None) -> str:
    return f"discord.commands_hash.{scope_name(guild)}"


async def commands_payload(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    """What ``tree.sync(guild=...)`` sends — with the translator's name and description
    localizations, so a changed translation is a change — sorted so the order of
    registration does not count as one."""
    commands = tree.get_commands(guild=guild)
    translator = tree.translator
    if translator is not None:
        payload = [await c.get_translated_payload(tree, translator) for c in commands]
    else:
        payload = [c.to_dict(tree) for c in commands]
    return sorted(payload, key=lambda c: (int(c.get("type", 1)), str(c["name"])))


async def commands_hash(
    tree: app_commands.CommandTree[Any],
    guild: discord.abc.Snowflake | None,
    application_id: int | None,
) -> str:
    body = json.dumps(
        {
            "application": application_id,
            "scope": scope_name(guild),
            "commands": await commands_payload(tree, guild),
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


async def sync_if_changed(
    tree: app_commands.CommandTree[Any],
    store: Store,
    guild: discord.abc.Snowflake | None,
    *,
    force: bool = False,
) -> bool:
    """Sync the tree's commands for ``guild`` (None: global) unless the stored hash
    matches; True when a sync was sent."""
    digest = await commands_hash(tree, guild, tree.client.application_id)
    key = meta_key(guild)
    if not force and await store.meta_get(key) == digest:
        SYNCS.labels("unchanged").inc()
        log.info("discord commands unchanged for %s; not syncing", scope_name(guild))
        return False
    synced = await tree.sync(guild=guild)
    await store.meta_set(key, digest)
    SYNCS.labels("synced").inc()
    log.info("synced %d discord commands for %s", len(synced), scope_name(guild))
    return True
