"""Point discord.py at a Discord stand-in for the length of a `with` block.

discord.py has no per-client base URL: every REST call, including interaction
callbacks and followups (which bypass `HTTPClient` through
`discord.webhook.async_`), builds its URL from the class attribute
`discord.http.Route.BASE` when the `Route` is created; and a plain `Client`
never asks `/gateway/bot` (only `AutoShardedClient` does) but connects to the
class attribute `DiscordWebSocket.DEFAULT_GATEWAY`, also its fallback after an
INVALID_SESSION. Both are process-wide, so tests set them and put them back.

discord.py imports the stdlib `audioop`, which warns (DeprecationWarning) on
3.11-3.12, and pytest turns warnings into errors; import discord from here
(`from tests.standins.discord_client import discord`) until pyproject's
filterwarnings ignores that one warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import yarl

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord
    import discord.gateway
    import discord.http
    from discord import app_commands

__all__ = ["app_commands", "discord", "point_discord_at"]


@contextmanager
def point_discord_at(api_url: str, gateway_url: str | None = None) -> Iterator[None]:
    """Send discord.py's REST to `api_url` (".../api/v10") and its gateway to `gateway_url`."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_url.rstrip("/")
    if gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
