"""Answering an interaction inside Discord's 3-second window.

:func:`respond` starts the work, and if it is not done after ``defer_after``
seconds, acknowledges with a deferred "thinking…" response and sends the
result as a followup; quick answers go out as one type-4 callback, so a fast
``/risk`` costs one round trip. ``defer_after=0`` always defers (charts).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

DEFER_AFTER = 1.5  # seconds; Discord drops an interaction not acknowledged within 3


@dataclass(frozen=True, slots=True)
class Reply:
    content: str | None = None
    embed: discord.Embed | None = None
    file: discord.File | None = None
    embeds: tuple[discord.Embed, ...] = ()  # several in one message (/explain); not with embed


def _kwargs(reply: Reply, ephemeral: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ephemeral": ephemeral,
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if reply.content is not None:
        out["content"] = reply.content
    if reply.embed is not None:
        out["embed"] = reply.embed
    elif reply.embeds:
        out["embeds"] = list(reply.embeds)
    if reply.file is not None:
        out["file"] = reply.file
    return out


async def respond(
    interaction: discord.Interaction[Any],
    work: Callable[[], Awaitable[Reply]],
    *,
    ephemeral: bool = False,
    defer_after: float = DEFER_AFTER,
) -> None:
    """Run ``work`` and answer with its reply, deferring first if it is slow.

    An exception from ``work`` propagates to the tree's error handler, which
    answers with a followup when the interaction was already deferred.
    """
    task = asyncio.ensure_future(work())
    try:
        if defer_after > 0:
            done, _ = await asyncio.wait({task}, timeout=defer_after)
            if done:
                await interaction.response.send_message(**_kwargs(task.result(), ephemeral))
                return
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        reply = await task
        await interaction.followup.send(**_kwargs(reply, ephemeral))
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def send_ephemeral(interaction: discord.Interaction[Any], content: str) -> None:
    """An ephemeral message whether or not the interaction was answered already."""
    mentions = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=mentions)
    else:
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=mentions)


def usage(command: app_commands.Command[Any, ..., Any] | app_commands.Group | None) -> str:
    """``/alerts mute <duration>``: the command as a user types it."""
    if command is None:
        return ""
    if isinstance(command, app_commands.Group):
        return f"/{command.qualified_name} …"
    params = " ".join(
        f"<{p.display_name}>" if p.required else f"[{p.display_name}]" for p in command.parameters
    )
    return f"/{command.qualified_name} {params}".rstrip()
