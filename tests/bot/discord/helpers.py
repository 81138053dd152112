"""Building Discord-shaped interaction options and reading the bot's answers back."""

from __future__ import annotations

from typing import Any

from tests.standins.discord_api import DiscordStandin
from tests.standins.discord_records import RecordedCallback, RecordedMessage
from tests.standins.fixtures_discord import CHANNEL_ID, GUILD_ID, OWNER_ID

Payload = dict[str, Any]
MEMBER_ID = 1_100_000_000_000_000_099  # a member without Manage Server


def option(name: str, value: Any, type_: int = 3, focused: bool = False) -> Payload:
    out: Payload = {"type": type_, "name": name, "value": value}
    if focused:
        out["focused"] = True
    return out


def sub(name: str, *options: Payload) -> list[Payload]:
    """Options for ``/alerts <name> ...`` (a subcommand, type 1)."""
    return [{"type": 1, "name": name, "options": list(options)}]


async def run(
    dc: DiscordStandin,
    command: str,
    options: list[Payload] | None = None,
    *,
    user: int = OWNER_ID,
    channel: int = CHANNEL_ID,
    permissions: int | None = None,
    type_: int = 2,
) -> RecordedCallback:
    handle = await dc.inject_interaction(
        GUILD_ID, channel, user, command, options, permissions=permissions, type=type_
    )
    return await dc.wait_for(lambda: dc.callback_for(handle))


async def run_deferred(
    dc: DiscordStandin, command: str, options: list[Payload] | None = None
) -> tuple[RecordedCallback, RecordedMessage]:
    handle = await dc.inject_interaction(GUILD_ID, CHANNEL_ID, OWNER_ID, command, options)
    [followup] = await dc.wait_for(lambda: dc.messages_of("followup", handle), timeout=15)
    callback = dc.callback_for(handle)
    assert callback is not None
    return callback, followup
