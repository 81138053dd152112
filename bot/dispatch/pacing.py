"""One pacing of a bot's whole send budget, shared by command replies and alerts.

Telegram counts every message the bot sends, whichever code path sent it, so
one :class:`SendPacer` per bot is asked by both PTB (through
:class:`bot.telegram.pacing.PacedRateLimiter`) and the dispatcher. It paces on
the moment a send actually leaves — the slot is taken immediately before the
HTTP request, not when a caller first queued — so sends never bunch up on
their way to the server:

- overall: sends evenly spaced at ``per_second × (1 − margin)``, and never more
  than ``per_second`` in any rolling second of *actual* send times (a waiter
  woken late cannot push two sends into one window). While sends are queued,
  slots a stall cost (event loop busy, process descheduled) are made up
  afterwards, up to a quarter second's budget, at 4/3 of the even rate and
  within that rolling second; a request answered 429 — Telegram did not send
  it — leaves the rolling second and gives its slot back;
- per chat: ``chat_interval`` between two sends to one chat, at most
  ``group_per_minute`` in any rolling minute to a group (negative id);
- a 429 for one chat (``hold``) holds only that chat for its ``retry_after``.

A small ``margin`` keeps the rate just under the limit (network jitter between
two sends of a few milliseconds must not cross the server's window).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.dispatch.limits import TELEGRAM, PlatformLimits

DEFAULT_MARGIN = 0.025  # 2.5 %: 29.3 msg/s against Telegram's 30
CATCH_UP_FRACTION = 0.25  # of a window's budget: the slots a stall may make up afterwards
CATCH_UP_GAP = 0.75  # of the even spacing: made-up slots still go one by one, never in a burst
PRUNE_EVERY = 1024  # sends between sweeps of idle chats' state


@dataclass(slots=True)
class _Chat:
    """One chat's pacing state; ``lock`` keeps its sends in order, one at a time."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last: float = -1e18  # actual time of the last send
    held_until: float = -1e18  # a 429 asked us to wait until then
    window: deque[float] = field(default_factory=deque)  # group sends in the last minute


class SendPacer:
    """Admits sends for one bot; ``clock`` is monotonic seconds (injected for tests)."""

    def __init__(
        self,
        limits: PlatformLimits = TELEGRAM,
        *,
        margin: float = DEFAULT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        window: float = 1.0,
        group_window: float = 60.0,
    ) -> None:
        """``window``/``group_window``: the platform's rolling windows (shorter in benches
        that run the stand-in's clock fast)."""
        if not 0.0 <= margin < 0.5:
            raise ValueError("margin must be in [0, 0.5)")
        self.limits = limits
        self.margin = margin
        self._clock = clock
        self._interval = 1.0 / (limits.per_second * (1.0 - margin))
        self._chat_gap = limits.chat_interval * (1.0 + margin)
        self._group_window = group_window * (1.0 + margin)
        self._window_span = window * (1.0 + margin)  # rolling second, same margin
        self._burst = max(1, round(limits.per_second * window))
        self._catch_up = max(1, int(self._burst * CATCH_UP_FRACTION))  # 7 at 30/s
        self._catch_up_gap = self._interval * CATCH_UP_GAP
        self._global = asyncio.Lock()
        self._next = -1e18
        self._recent: deque[float] = deque()  # actual send times in the last window
        self._chats: dict[str, _Chat] = {}
        self._sends = 0
        self.sent = 0
        self.held = 0  # 429s reported through hold()

    # -- asking -----------------------------------------------------------------

    def chat_delay(self, chat_id: str, *, group: bool = False) -> float:
        """Seconds until ``chat_id`` may send again (0 when it may now); books nothing."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return 0.0
        return max(0.0, self._chat_ready(chat, group) - self._clock())

    async def acquire(self, chat_id: str | None, *, group: bool = False) -> _Slot:
        """Wait for this chat's turn, then for the bot's; use as ``async with``.

        The chat stays locked until the ``async with`` body (the HTTP request)
        ends, so two sends to one chat never overlap and keep their order.
        """
        chat = self._chat(chat_id) if chat_id is not None else None
        if chat is not None:
            await chat.lock.acquire()
            admitted = False
            try:
                # ASYNC110 off: the wait is a deadline that can move (a 429 holds the chat)
                while (wait := self._chat_ready(chat, group) - self._clock()) > 0:  # noqa: ASYNC110
                    await asyncio.sleep(wait)
                at = await self._take_global()
                admitted = True
            finally:
                if not admitted:  # cancelled while waiting: let the next sender in
                    chat.lock.release()
            now = self._clock()
            chat.last = now
            if group and self.limits.group_per_minute:
                chat.window.append(now)
        else:
            at = await self._take_global()
        return _Slot(self, chat, at)

    def hold(self, chat_id: str, seconds: float) -> None:
        """The server said 429 for this chat: nothing more to it for ``seconds``."""
        chat = self._chat(chat_id)
        chat.held_until = max(chat.held_until, self._clock() + seconds * (1.0 + self.margin))
        self.held += 1

    # -- inside -----------------------------------------------------------------

    def _chat(self, chat_id: str) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
        return chat

    def _chat_ready(self, chat: _Chat, group: bool) -> float:
        ready = max(chat.last + self._chat_gap, chat.held_until)
        cap = self.limits.group_per_minute
        if group and cap:
            now = self._clock()
            while chat.window and chat.window[0] + self._group_window <= now:  # as `ready`
                chat.window.popleft()
            if len(chat.window) >= cap:
                ready = max(ready, chat.window[0] + self._group_window)
        return ready

    async def _take_global(self) -> float:
        """FIFO: each sender waits its even-spaced slot and the rolling-second cap;
        returns the send's time (its entry in the rolling second)."""
        backlog = self._global.locked()  # others were queued for a slot before this one
        async with self._global:
            while True:
                now = self._clock()
                # the same sum as `ready` below: `a <= now - s` and `a + s <= now` can
                # disagree in floating point, admitting a 31st send on the window edge
                while self._recent and self._recent[0] + self._window_span <= now:
                    self._recent.popleft()
                ready = self._next
                if self._recent:  # catching up goes at 4/3 of the rate, not in one burst
                    ready = max(ready, self._recent[-1] + self._catch_up_gap)
                if len(self._recent) >= self._burst:
                    ready = max(ready, self._recent[0] + self._window_span)
                if ready <= now:
                    break
                await asyncio.sleep(ready - now)
                backlog = True
            self._recent.append(now)
            # the next slot follows this one's *scheduled* time, so a waker late by a few
            # ms does not slow every later send. With sends queued (this one waited, or
            # came in behind others), slots lost to a stall — event loop busy, process
            # descheduled — are made up, up to a quarter second's budget, at 4/3 of the
            # rate (a burst's arrivals would spread past the margin: 429s); the
            # rolling-second cap on actual send times bounds that catch-up. An idle
            # pacer makes up one slot, so it does not start with a burst.
            credit = self._catch_up if backlog else 1
            floor = now - credit * self._interval
            self._next = max(self._next, floor) + self._interval
            self.sent += 1
            self._sends += 1
            if self._sends >= PRUNE_EVERY:
                self._prune(now)
            return now

    def _refund(self, at: float) -> None:
        """The send taken at ``at`` was refused (429): Telegram did not count it, so it
        leaves the rolling second and gives its slot back to the next sender."""
        with contextlib.suppress(ValueError):  # already out of the window
            self._recent.remove(at)
        now = self._clock()
        if self._next > now:
            self._next = max(now, self._next - self._interval)

    def _prune(self, now: float) -> None:
        """Forget chats idle for longer than any limit could remember."""
        self._sends = 0
        horizon = now - max(self._group_window, self._chat_gap) - 1.0
        for key in [
            k
            for k, c in self._chats.items()
            if not c.lock.locked() and c.last < horizon and c.held_until < now
        ]:
            del self._chats[key]


class _Slot:
    """One admitted send; releases the chat's lock when the send is over. Call
    :meth:`refused` inside the ``async with`` body when the server answered 429:
    a refused request is not a message and does not use the budget."""

    __slots__ = ("_at", "_chat", "_pacer")

    def __init__(self, pacer: SendPacer, chat: _Chat | None, at: float) -> None:
        self._pacer = pacer
        self._chat = chat
        self._at = at

    def refused(self) -> None:
        self._pacer._refund(self._at)

    async def __aenter__(self) -> _Slot:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._chat is not None:
            self._chat.lock.release()
