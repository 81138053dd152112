"""``DiscordAdapter``: the Discord side of carrywatch, started and stopped in one place.

    adapter = DiscordAdapter(settings, service, store)
    dispatcher.register(adapter.notifier)      # usable before start; RetryAfter until started
    await adapter.start()     # login, sync commands if changed, connect, wait until ready
    ...
    await adapter.stop()

discord.py has no per-client base URL: REST routes (and interaction webhooks)
are built from the class attribute ``discord.http.Route.BASE`` and a plain
``Client`` connects to ``DiscordWebSocket.DEFAULT_GATEWAY``. ``start()`` sets
both — the gateway from ``settings.discord.gateway_url`` or, when unset, from
``GET /gateway/bot`` as Discord asks — and ``stop()`` puts them back. They
are process-wide, so one process runs one Discord adapter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
import discord.gateway
import discord.http
import yarl

from bot.commands.digest import DigestService
from bot.commands.language import LanguageService
from bot.commands.rules import RulesService
from bot.commands.service import CommandService
from bot.discord.channels import AlertChannels
from bot.discord.client import CarrywatchClient
from bot.discord.commands import CarrywatchTree, build_tree
from bot.discord.language import CarrywatchTranslator
from bot.discord.notifier import DiscordNotifier
from bot.discord.sync import sync_if_changed
from bot.settings import Settings
from bot.store.chat_settings import ChatSettings
from bot.store.store import Store

log = logging.getLogger(__name__)


class DiscordNotConfiguredError(RuntimeError):
    """``start()`` without ``CARRYWATCH_DISCORD__TOKEN``."""


class DiscordAdapter:
    """Slash commands and the alert notifier on one discord.py client."""

    def __init__(
        self,
        settings: Settings,
        service: CommandService,
        store: Store,
        *,
        ready_timeout: float = 60.0,
        send_timeout: float = 20.0,
        guild_ready_timeout: float = 2.0,
        rules: RulesService | None = None,
        digest: DigestService | None = None,
    ) -> None:
        self._settings = settings.discord
        self._service = service
        self._rules = rules
        self._digest = digest
        self._store = store
        self._channels = AlertChannels(service, store)
        self._languages = LanguageService(ChatSettings(store))
        self._ready_timeout = ready_timeout
        self._guild_ready_timeout = guild_ready_timeout
        self._client: CarrywatchClient | None = None
        self._tree: CarrywatchTree | None = None
        self._runner: asyncio.Task[None] | None = None
        self._saved: tuple[str, yarl.URL] | None = None
        self._notifier = DiscordNotifier(
            lambda: self._client,
            ready=self._logged_in,
            send_timeout=send_timeout,
            chats=self._languages.chats,
        )

    @property
    def notifier(self) -> DiscordNotifier:
        return self._notifier

    @property
    def client(self) -> discord.Client | None:
        """The running client (None before ``start()``), e.g. for health checks."""
        return self._client

    @property
    def dev_guild(self) -> discord.Object | None:
        gid = self._settings.dev_guild
        return discord.Object(gid) if gid else None

    def _logged_in(self) -> bool:
        client = self._client
        return client is not None and not client.is_closed() and client.user is not None

    async def start(self) -> None:
        if self._client is not None:
            return
        token = self._settings.token
        if token is None or not token.get_secret_value():
            raise DiscordNotConfiguredError("set CARRYWATCH_DISCORD__TOKEN")
        self._point_rest_at(self._settings.api_url)
        client = CarrywatchClient(self._channels, guild_ready_timeout=self._guild_ready_timeout)
        self._client = client
        try:
            self._tree = build_tree(
                client,
                self._service,
                self._channels,
                self.dev_guild,
                rules=self._rules,
                digest=self._digest,
                languages=self._languages,
            )
            await self._tree.set_translator(CarrywatchTranslator())  # zh-CN and ja names
            await client.login(token.get_secret_value())
            await self._point_gateway(client)
            await sync_if_changed(self._tree, self._store, self.dev_guild)
            self._runner = asyncio.create_task(client.connect(), name="discord-gateway")
            await self._wait_ready(client, self._runner)
        except BaseException:
            await self.stop()
            raise
        log.info("discord adapter started (application %s)", client.application_id)

    async def stop(self) -> None:
        client, runner = self._client, self._runner
        self._client = self._runner = self._tree = None
        if client is not None:
            await client.close()
        if runner is not None:
            with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
                await runner
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None

    async def resync(self) -> bool:
        """Sync the commands now, even if unchanged (an operator's repair button)."""
        if self._tree is None:
            raise RuntimeError("DiscordAdapter.start() first")
        return await sync_if_changed(self._tree, self._store, self.dev_guild, force=True)

    # -- helpers ---------------------------------------------------------------

    def _point_rest_at(self, api_url: str) -> None:
        ws = discord.gateway.DiscordWebSocket
        if self._saved is None:
            self._saved = (discord.http.Route.BASE, ws.DEFAULT_GATEWAY)
        discord.http.Route.BASE = api_url.rstrip("/")

    async def _point_gateway(self, client: discord.Client) -> None:
        url = self._settings.gateway_url
        if not url:
            _, url, _ = await client.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

    async def _wait_ready(self, client: discord.Client, runner: asyncio.Task[None]) -> None:
        ready = asyncio.create_task(client.wait_until_ready())
        try:
            done, _ = await asyncio.wait(
                {ready, runner}, timeout=self._ready_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            ready.cancel()
        if ready in done:
            return
        if runner in done:
            runner.result()  # raises what ended the connection (bad token, intents…)
            raise ConnectionError("discord gateway closed before READY")
        raise TimeoutError(f"discord not ready after {self._ready_timeout:.0f}s")
