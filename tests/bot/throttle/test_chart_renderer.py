"""ChartRenderer: one worker thread off the loop, a bounded queue, shared and cached renders.

The draw function blocks on a threading.Event the test releases, so the queue
states are reached by construction, not by timing.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot import i18n
from bot.throttle.charts import ChartBusy, ChartRenderer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Draw:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.threads: set[int] = set()
        self.calls: list[int] = []
        self.languages: list[str] = []

    def __call__(self, data: int, language: str) -> bytes:
        self.threads.add(threading.get_ident())
        self.release.wait(10)
        self.calls.append(data)
        self.languages.append(language)
        return f"png{data}{'' if language == 'en' else language}".encode()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_one_runs_two_wait_the_next_is_busy_at_once() -> None:
    draw = Draw()
    charts: ChartRenderer[int] = ChartRenderer(draw, max_waiting=2, clock=Clock())

    async def data(n: int) -> int:
        return n

    tasks = [asyncio.create_task(charts.render(n, lambda n=n: data(n))) for n in range(3)]
    await settle()
    with pytest.raises(ChartBusy):
        await charts.render(99, lambda: data(99))
    draw.release.set()
    assert await asyncio.gather(*tasks) == [b"png0", b"png1", b"png2"]
    assert draw.threads and threading.get_ident() not in draw.threads  # off the loop
    assert len(draw.threads) == 1  # one worker
    assert charts.refused == 1
    charts.close()


async def test_identical_requests_share_one_render_and_the_cache_expires() -> None:
    draw = Draw()
    clock = Clock()
    charts: ChartRenderer[int] = ChartRenderer(draw, ttl=60.0, clock=clock)

    async def data() -> int:
        return 7

    tasks = [asyncio.create_task(charts.render(("3650", "day"), data)) for _ in range(40)]
    await settle()
    draw.release.set()
    results = await asyncio.gather(*tasks)
    assert set(results) == {b"png7"} and draw.calls == [7]
    clock.now = 59.0
    assert await charts.render(("3650", "day"), data) == b"png7"
    assert draw.calls == [7]
    clock.now = 61.0
    assert await charts.render(("3650", "day"), data) == b"png7"
    assert draw.calls == [7, 7]
    charts.close()


async def test_a_failed_render_is_not_cached() -> None:
    calls: list[int] = []

    def boom(data: int, language: str) -> bytes:
        calls.append(data)
        if len(calls) == 1:
            raise RuntimeError("matplotlib failed")
        return b"ok"

    charts: ChartRenderer[int] = ChartRenderer(boom, clock=Clock())

    async def data() -> int:
        return 1

    with pytest.raises(RuntimeError):
        await charts.render("k", data)
    assert await charts.render("k", data) == b"ok"
    charts.close()


async def test_the_cache_keys_on_language_and_the_worker_gets_it() -> None:
    """A Japanese chat asking right after an English one gets a Japanese chart, not the
    cached English PNG; a second Japanese request is the cached one."""
    draw = Draw()
    draw.release.set()
    charts: ChartRenderer[int] = ChartRenderer(draw, clock=Clock())

    async def data() -> int:
        return 5

    assert await charts.render("30d", data) == b"png5"
    with i18n.use("ja"):
        assert await charts.render("30d", data) == b"png5ja"  # from the task's language
    assert await charts.render("30d", data, language="zh-CN") == b"png5zh"  # or explicit
    with i18n.use("ja"):
        assert await charts.render("30d", data) == b"png5ja"
    assert await charts.render("30d", data) == b"png5"
    assert draw.languages == ["en", "ja", "zh"]  # three renders, two cache hits
    assert charts.renders == 3
    charts.close()
