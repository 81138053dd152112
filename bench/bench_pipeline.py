"""Alert pipeline benchmark; prints ONE JSON line.

1. End-to-end alert latency on the embedded default (SQLite): from the moment a
   provider's parsed response enters ``Pipeline.ingest`` to the moment the
   console notifier's ``send`` is called for the alert it caused, with the
   dispatcher running as the Runtime's own task (woken by the pipeline, as in
   ``carrywatch run``). Events are the real alert days of several real
   episodes (2008 crisis, 2013 taper tantrum, 2016 negative rates, 2020 Covid,
   2022 YCC/intervention, the Aug 2024 unwind, 2025-26 super-long JGB records),
   each replayed into a fresh database warmed with the real history before it.
   Target: p99 <= 100 ms. Baselines: the same ``ingest`` on days that raise no
   alert, and a bare one-row observation upsert on the same kind of database.
2. Resident memory of ``carrywatch run`` (the real CLI in a subprocess) with
   the full history directory loaded for warm-up and every source pointed at
   the provider stand-in, after its first polls; target <= 200 MB. Baseline:
   a bare ``python -c "import bot.runtime.app"``.

Run: ``.venv/bin/python bench/bench_pipeline.py`` (reads CARRYWATCH_HISTORY_DIR,
default ../shared/data).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import pandas as pd
import psutil

import bot.runtime.app as app_module
from bot.alerts.events import AlertMessage
from bot.history.loader import load_history_panel
from bot.notify.base import SendResult, Target
from bot.notify.console import ConsoleNotifier
from bot.runtime.app import Runtime
from bot.runtime.replay import SimClock, day_observations, replay_instant
from bot.settings import Settings
from bot.sources.base import FetchResult
from bot.store.store import Store
from signals.observation import Observation

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the provider stand-in lives in tests/
from tests.standins.providers import ProviderStandin  # noqa: E402

EPISODES = (
    ("2008-09-01", "2008-12-31"),
    ("2013-04-01", "2013-07-31"),
    ("2016-01-04", "2016-03-31"),
    ("2020-02-17", "2020-04-30"),
    ("2022-09-01", "2023-01-31"),
    ("2024-07-01", "2024-09-30"),
    ("2025-03-01", "2026-06-30"),
)
TARGET_P99_MS = 100.0
TARGET_RSS_MB = 200.0
BARE_UPSERTS = 300
POLLED = ("mof", "treasury", "frankfurter", "kraken", "coinbase")


def history_dir() -> Path:
    raw = os.environ.get("CARRYWATCH_HISTORY_DIR")
    return Path(raw) if raw else ROOT.parent / "shared" / "data"


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: a reported p99 happened)."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(values: list[float]) -> dict[str, float | int]:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "max_ms": round(max(ms), 2),
    }


class TimedConsole(ConsoleNotifier):
    """The real console notifier, stamping when each alert reaches it."""

    def __init__(self, stream: Any = None, tz: str = "UTC") -> None:
        super().__init__(stream, tz)
        self.arrived = asyncio.Event()
        self.at = 0.0

    async def send(self, target: Target, message: AlertMessage) -> SendResult:
        self.at = time.perf_counter()
        self.arrived.set()
        return await super().send(target, message)


# -- 1. latency ----------------------------------------------------------------------


async def episode(
    panel: pd.DataFrame, start: dt.date, end: dt.date, workdir: Path
) -> tuple[list[float], list[float], list[float], int]:
    """Replay one real window; (alert latency, ingest part, no-alert ingest, events)."""
    db = workdir / f"latency-{start}.db"
    clock = SimClock(replay_instant(start - dt.timedelta(days=1)))
    settings = Settings(database_url=f"sqlite+aiosqlite:///{db}")
    settings.alerts.console = True
    history = panel.loc[: pd.Timestamp(start) - pd.Timedelta(days=1)]
    runtime = Runtime(
        settings, clock=clock, console_stream=io.StringIO(), poll=False, history=history
    )
    await runtime.start()  # dispatcher task running, woken by the pipeline
    console = runtime.console
    assert isinstance(console, TimedConsole)
    alert_lat: list[float] = []
    ingest_part: list[float] = []
    quiet: list[float] = []
    events = 0
    try:
        window = panel.loc[pd.Timestamp(start) : pd.Timestamp(end)]
        for ts in pd.DatetimeIndex(window.index):
            clock.now = replay_instant(ts.date())
            result = FetchResult("replay", clock.now, day_observations(window, ts, clock.now))
            console.arrived.clear()
            t0 = time.perf_counter()
            outcome = await runtime.pipeline.ingest(result)
            t1 = time.perf_counter()
            if not outcome.alerts:
                quiet.append(t1 - t0)
                continue
            events += len(outcome.alerts)
            await asyncio.wait_for(console.arrived.wait(), 30)
            alert_lat.append(console.at - t0)
            ingest_part.append(t1 - t0)
            for _ in range(30_000):  # let the delivery be recorded before the next day
                if not await runtime.store.pending_count():
                    break
                await asyncio.sleep(0.001)
    finally:
        await runtime.stop()
    return alert_lat, ingest_part, quiet, events


async def bare_upserts(workdir: Path) -> list[float]:
    """One new observation upserted per call: the floor any ingest pays on SQLite."""
    out: list[float] = []
    async with Store(f"sqlite+aiosqlite:///{workdir / 'bare.db'}") as store:
        day = dt.date(2000, 1, 3)
        for i in range(BARE_UPSERTS):
            obs = Observation("btc", day + dt.timedelta(days=i), 1000.0 + i, "bench")
            t0 = time.perf_counter()
            await store.upsert_observations([obs])
            out.append(time.perf_counter() - t0)
    return out


async def latency(panel: pd.DataFrame) -> dict[str, Any]:
    app_module.ConsoleNotifier = TimedConsole  # type: ignore[misc]
    alert_lat: list[float] = []
    ingest_part: list[float] = []
    quiet: list[float] = []
    events = 0
    with tempfile.TemporaryDirectory(prefix="cw-bench-") as tmp:
        for first, last in EPISODES:
            a, i, q, n = await episode(
                panel, dt.date.fromisoformat(first), dt.date.fromisoformat(last), Path(tmp)
            )
            alert_lat += a
            ingest_part += i
            quiet += q
            events += n
        bare = await bare_upserts(Path(tmp))
    result = summary_ms(alert_lat)
    return {
        **result,
        "alert_events": events,
        "episodes": [f"{a}..{b}" for a, b in EPISODES],
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": result["p99_ms"] <= TARGET_P99_MS,
        "ingest_share_of_alert_path": summary_ms(ingest_part),
        "baseline_ingest_no_alert": summary_ms(quiet),
        "baseline_bare_sqlite_upsert": summary_ms(bare),
    }


# -- 2. RSS of `carrywatch run` -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARRYWATCH_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def baseline_rss_mb() -> float:
    code = "import bot.runtime.app, psutil; print(psutil.Process().memory_info().rss)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return round(int(out.stdout.strip()) / 2**20, 1)


async def run_rss(hist: Path) -> dict[str, Any]:
    port = free_port()
    jobs = {"treasury", "frankfurter", "kraken-btc", "kraken-usdjpy", "coinbase"}
    with tempfile.TemporaryDirectory(prefix="cw-bench-run-") as tmp:
        async with ProviderStandin(hist / "api_samples", hist) as providers:
            env = clean_env(
                CARRYWATCH_CONFIG=str(Path(tmp) / "none.toml"),
                CARRYWATCH_DATABASE_URL=f"sqlite+aiosqlite:///{Path(tmp) / 'run.db'}",
                CARRYWATCH_HISTORY_DIR=str(hist),
                CARRYWATCH_HTTP__PORT=str(port),
                CARRYWATCH_LOG_LEVEL="WARNING",
                **{f"CARRYWATCH_SOURCES__{n.upper()}__URL": providers.url(n) for n in POLLED},
            )
            started = time.perf_counter()
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from bot.cli.main import main; main()",
                "run",
                env=env,
                cwd=tmp,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            ready_s = None
            try:
                async with aiohttp.ClientSession() as session:
                    deadline = time.perf_counter() + 120
                    while time.perf_counter() < deadline and proc.returncode is None:
                        try:
                            async with session.get(f"http://127.0.0.1:{port}/metrics") as r:
                                metrics = await r.text()
                            if all(f'source="{j}"}}' in metrics for j in jobs):
                                ready_s = time.perf_counter() - started
                                break
                        except aiohttp.ClientError:
                            pass
                        await asyncio.sleep(0.25)
                await asyncio.sleep(1.0)  # let the ingest of the first polls settle
                rss = psutil.Process(proc.pid).memory_info().rss / 2**20
                peak = vm_hwm_mb(proc.pid)
            finally:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(proc.wait(), 30)
    return {
        "rss_mb": round(rss, 1),
        "peak_rss_mb": peak,
        "target_mb": TARGET_RSS_MB,
        "meets_target": rss <= TARGET_RSS_MB and (peak is None or peak <= TARGET_RSS_MB),
        "ready_after_s": None if ready_s is None else round(ready_s, 2),
        "exit_code_on_sigterm": code,
        "baseline_import_rss_mb": baseline_rss_mb(),
    }


async def main() -> None:
    logging.disable(logging.CRITICAL)
    hist = history_dir()
    panel = load_history_panel(hist)
    report = {
        "bench": "pipeline",
        "alert_latency": await latency(panel),
        "run_memory": await run_rss(hist),
    }
    print(json.dumps(report, separators=(",", ":")))


if __name__ == "__main__":
    asyncio.run(main())
