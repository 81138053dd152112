"""SendPacer on a virtual clock: the budget math, without timing.

``asyncio.sleep`` inside the pacer is replaced by one that moves the virtual
clock, so every send time below is exact: no rolling second holds more than
30, the rate is 30/s less the margin, one chat gets one send per second, a
group 20 a minute, and a 429 holds only its own chat.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.dispatch import pacing
from bot.dispatch.pacing import DEFAULT_MARGIN, SendPacer

_real_sleep = asyncio.sleep


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await _real_sleep(0)


@pytest.fixture
def vt(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    t = VirtualTime()
    monkeypatch.setattr(pacing.asyncio, "sleep", t.sleep)
    return t


async def send(pacer: SendPacer, vt: VirtualTime, chat: str, group: bool = False) -> float:
    async with await pacer.acquire(chat, group=group):
        return vt.now


async def test_overall_rate_and_rolling_second(vt: VirtualTime) -> None:
    pacer = SendPacer(clock=vt)
    times = [await send(pacer, vt, str(n)) for n in range(300)]
    for i in range(len(times) - 30):
        assert times[i + 30] - times[i] >= 1.0  # never 31 in one rolling second
    rate = (len(times) - 1) / (times[-1] - times[0])
    # the margin's rate, plus the one slot an idle pacer may make up at the start
    assert rate == pytest.approx(30 * (1 - DEFAULT_MARGIN), rel=0.005)


async def test_one_chat_once_a_second_and_a_group_twenty_a_minute(vt: VirtualTime) -> None:
    pacer = SendPacer(clock=vt)
    private = [await send(pacer, vt, "7") for _ in range(3)]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(private))
    group = [await send(pacer, vt, "-100", group=True) for _ in range(21)]
    assert group[20] - group[0] >= 60.0
    assert group[19] - group[0] < 25.0  # the first 20 only wait the 1 s per chat


async def test_a_hold_delays_only_its_chat(vt: VirtualTime) -> None:
    pacer = SendPacer(clock=vt)
    pacer.hold("1", 10.0)
    other = await send(pacer, vt, "2")
    assert other < 0.1
    held = await send(pacer, vt, "1")
    assert held >= 10.0


async def test_a_refused_send_costs_no_budget(vt: VirtualTime) -> None:
    """A 429 is not a message: it leaves the window and gives its slot back, so the
    accepted sends keep the full rate."""
    pacer = SendPacer(clock=vt)
    accepted: list[float] = []
    for n in range(120):
        async with await pacer.acquire(str(n)) as slot:
            if n % 2:
                slot.refused()
            else:
                accepted.append(vt.now)
    steady = accepted[31:]  # past the first window (an idle pacer starts one slot early)
    rate = (len(steady) - 1) / (steady[-1] - steady[0])
    assert rate == pytest.approx(30 * (1 - DEFAULT_MARGIN), rel=0.005)
    for i in range(len(accepted) - 30):
        assert accepted[i + 30] - accepted[i] >= 1.0


async def test_slots_lost_to_a_stall_are_made_up_within_the_window(
    vt: VirtualTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broadcast's senders queue; a loaded machine wakes the pacer 200 ms late now and
    then: the lost slots are sent afterwards (the rate holds), and still never 31 in a
    rolling second."""
    wakes = itertools.count()

    async def late_sleep(seconds: float) -> None:
        vt.now += max(seconds, 0.0) + (0.2 if next(wakes) % 100 == 99 else 0.0)
        await _real_sleep(0)

    monkeypatch.setattr(pacing.asyncio, "sleep", late_sleep)
    pacer = SendPacer(clock=vt)
    times = sorted(await asyncio.gather(*(send(pacer, vt, str(n)) for n in range(600))))
    for i in range(len(times) - 30):
        assert times[i + 30] - times[i] >= 1.0
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert rate >= 0.95 * 30  # one slot made up per stall would give ~27.8/s
