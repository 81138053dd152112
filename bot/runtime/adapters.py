"""Chat adapters that come up when their platform does, not only at boot.

A bot started at boot before the network is up used to die at the first
``getMe``. :class:`AdapterStarter` tries once inline (so a healthy start is as
before), and on failure logs that the adapter is waiting and keeps retrying in
the background with jittered exponential backoff, while pollers, health,
other adapters and the dispatcher run. Until it is up, its notifier answers
the dispatcher ``RetryAfter`` (alerts wait in the outbox, none is lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any, Protocol

from bot.alerts.events import AlertMessage
from bot.errors import StartupError
from bot.notify.base import Notifier, RetryAfter, SendResult, Target
from bot.runtime.startup import rejected_token

log = logging.getLogger(__name__)

FIRST_RETRY = 2.0  # seconds; doubles per failure
MAX_RETRY = 120.0
WAITING_RETRY = 15.0  # what the dispatcher is told while the adapter is down


class StartableAdapter(Protocol):
    @property
    def notifier(self) -> Notifier: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def next_delay(failures: int) -> float:
    """Jittered exponential backoff: 2, 4, 8 … s up to two minutes."""
    return min(MAX_RETRY, FIRST_RETRY * 2.0 ** max(0, failures - 1)) * random.uniform(0.8, 1.2)


class WaitingNotifier:
    """The adapter's notifier, answering "retry later" until the adapter is up."""

    def __init__(self, inner: Notifier) -> None:
        self._inner = inner
        self.up = False

    @property
    def platform(self) -> str:
        return self._inner.platform

    @property
    def pacer(self) -> Any:
        """The inner notifier's shared pacer, if any (the dispatcher defers to it)."""
        return getattr(self._inner, "pacer", None)

    async def send(self, target: Target, message: AlertMessage) -> SendResult:
        if not self.up:
            return RetryAfter(WAITING_RETRY, f"{self.platform} adapter not connected yet")
        return await self._inner.send(target, message)


class AdapterStarter:
    """Start ``adapter`` now or, failing that, in the background until it works."""

    def __init__(self, adapter: StartableAdapter, name: str) -> None:
        self.adapter = adapter
        self.name = name
        self.notifier = WaitingNotifier(adapter.notifier)
        self.failures = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def up(self) -> bool:
        return self.notifier.up

    async def start(self) -> None:
        """One attempt inline; on failure the retries continue in a background task."""
        if await self._attempt():
            return
        self._task = asyncio.create_task(self._retry(), name=f"start-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.up:
            self.notifier.up = False
            await self.adapter.stop()

    async def _attempt(self) -> bool:
        try:
            await self.adapter.start()
        # BLE001 off: unreachable, DNS, TLS, 5xx, a rejected token: all mean "not yet", and
        # every one is logged; cancellation (BaseException) still goes through
        except Exception as exc:  # noqa: BLE001
            refused = rejected_token(self.name, exc)
            if refused is not None:  # a 401 will not heal by retrying: stop with one line
                raise refused from None  # (the original message quotes the token)
            self.failures += 1
            delay = next_delay(self.failures)
            log.warning(
                "%s adapter waiting: %s; retrying in %.0f s (everything else keeps running)",
                self.name, _one_line(exc), delay,
            )  # fmt: skip
            self._delay = delay
            return False
        self.notifier.up = True
        if self.failures:
            log.warning("%s adapter connected after %d failed attempts", self.name, self.failures)
        return True

    async def _retry(self) -> None:
        while True:
            await asyncio.sleep(self._delay)
            try:
                if await self._attempt():
                    return
            except StartupError as exc:  # the token was refused once the platform answered
                log.error("%s adapter stopped: %s", self.name, exc)
                return


def _one_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:200]
