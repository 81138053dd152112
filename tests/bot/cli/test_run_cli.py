"""The CLI as an operator runs it: real subprocesses, real sockets, real files.

``carrywatch run`` polls the provider stand-ins, stores what they served,
answers ``/healthz`` and exits 0 on SIGTERM; ``risk`` answers from the stored
snapshot (and says plainly when there is none); ``config check`` hides
secrets; ``db upgrade`` builds a fresh SQLite schema; ``history download``
writes the files the providers served.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.history.loader import load_history_panel
from bot.render.alert_words import RISK_HINT
from bot.sources.cadence import TOKYO, is_tokyo_business_day
from bot.store.store import Store
from tests.standins.providers import ProviderStandin

ROOT = Path(__file__).resolve().parents[3]
ENTRY = [sys.executable, "-c", "from bot.cli.main import main; main()"]
POLLED = ("mof", "treasury", "frankfurter", "kraken", "coinbase", "coinbase_rates")


def clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The caller's environment without any CARRYWATCH_ setting, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARRYWATCH_")}
    env["CARRYWATCH_CONFIG"] = str(tmp_path / "no-such-config.toml")
    env["PYTHONPATH"] = str(ROOT)
    env.update(settings)
    return env


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def cli(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ENTRY, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def assert_clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


# -- carrywatch run -------------------------------------------------------------------


async def _get_json(
    session: aiohttp.ClientSession, url: str
) -> tuple[int, dict[str, object]] | None:
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
            return resp.status, await resp.json()
    except (aiohttp.ClientError, TimeoutError):
        return None


async def test_run_polls_the_providers_and_stops_cleanly_on_sigterm(
    api_samples: Path, history_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    port = free_port()
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    mof_today = is_tokyo_business_day(dt.datetime.now(TOKYO).date())
    async with ProviderStandin(api_samples, history_dir) as providers:
        env = clean_env(
            tmp_path,
            CARRYWATCH_DATABASE_URL=sqlite_url(db),
            CARRYWATCH_HTTP__PORT=str(port),
            **{f"CARRYWATCH_SOURCES__{n.upper()}__URL": providers.url(n) for n in POLLED},
        )
        with out.open("w") as stdout, err.open("w") as stderr:
            proc = await asyncio.create_subprocess_exec(
                *ENTRY, "run", env=env, cwd=tmp_path, stdout=stdout, stderr=stderr
            )
        health = f"http://127.0.0.1:{port}/healthz"
        jobs = {
            "treasury",
            "frankfurter",
            "kraken-btc",
            "kraken-usdjpy",
            "coinbase",
            "coinbase-rates",
        }
        if mof_today:  # MOF is not polled on Tokyo weekends and holidays
            jobs.add("mof")
        try:
            async with aiohttp.ClientSession() as session:
                loop = asyncio.get_running_loop()
                deadline = loop.time() + 90
                answered, metrics = None, ""
                while loop.time() < deadline:
                    assert proc.returncode is None, err.read_text()
                    answered = await _get_json(session, health)
                    if answered is not None:
                        async with session.get(f"http://127.0.0.1:{port}/metrics") as resp:
                            metrics = await resp.text()
                    polled = all(f'source="{job}"}}' in metrics for job in jobs)
                    feeds = answered[1].get("feeds", {}) if answered else {}
                    stored = all(
                        isinstance(feeds, dict) and (feeds.get(series) or {}).get("last_date")
                        for series in (("btc", "jgb.40y") if mof_today else ("btc",))
                    )
                    if answered and answered[0] == 200 and polled and stored:
                        break
                    await asyncio.sleep(0.2)
                assert answered is not None, f"/healthz never answered\n{err.read_text()}"
                status, body = answered
                assert status == 200, body  # a snapshot exists after the first polls
                assert isinstance(body["stale_feeds"], list)
                assert isinstance(body["snapshot_age_seconds"], float)
                assert 'carrywatch_polls_total{outcome="ok",source="coinbase"} 1.0' in metrics
                assert "carrywatch_score " in metrics
            for name in ("treasury", "frankfurter", "coinbase"):
                assert providers.requests[name] >= 1, name
            # Kraken is asked for BTC and for USD/JPY (the stand-in has no USD/JPY: 404).
            assert providers.requests["kraken"] >= 2
            assert providers.requests["mof"] >= (1 if mof_today else 0)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), 15)
    stdout_text, stderr_text = out.read_text(), err.read_text()
    assert code == 0, stderr_text
    assert "Traceback" not in stdout_text + stderr_text
    assert "shutting down" in stderr_text

    async with Store(sqlite_url(db)) as store:
        stored = await store.load_observations(since=dt.date(2026, 1, 1))
        sources = {o.source for o in stored}
        assert {"coinbase", "kraken"} & sources  # BTC, confirmed by both providers
        assert any(o.series == "btc" for o in stored)
        if mof_today:
            assert {o.series for o in stored} >= {"jgb.10y", "jgb.40y"}
        assert await store.latest_snapshot() is not None
        assert await store.pending_count() == 0  # whatever fired reached the console
    # Whether an alert fires depends on which poll lands first: the recorded bodies
    # end weeks apart (MOF June, BTC August), and a series older than the snapshot's
    # as-of date is stale in it. What holds either way: stdout carries alerts only,
    # the logs go to stderr.
    assert " INFO " not in stdout_text and " WARNING " not in stdout_text
    assert not stdout_text.strip() or RISK_HINT in stdout_text


# -- carrywatch risk ------------------------------------------------------------------


def test_risk_json_answers_from_the_replayed_snapshot(history_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "replayed.db"
    env = clean_env(tmp_path, CARRYWATCH_DATABASE_URL=sqlite_url(db))
    filled = cli(
        "replay",
        "--history-dir",
        str(history_dir),
        "--start",
        "2024-08-01",
        "--end",
        "2024-08-09",
        "--database",
        str(db),
        env=env,
        cwd=tmp_path,
    )
    assert filled.returncode == 0, filled.stderr
    assert "Severe alert" in filled.stdout  # the 5 Aug unwind went through the console

    proc = cli("risk", "--json", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_clean(proc)
    answer = json.loads(proc.stdout)
    assert {"score", "level", "as_of", "components"} <= set(answer)
    assert answer["as_of"] == "2024-08-09"
    assert answer["level"] in {"low", "elevated", "high", "severe"}
    assert answer["components"]
    for name, comp in answer["components"].items():
        assert {"value", "score", "weight", "stale", "reason"} <= set(comp), name
        assert isinstance(comp["value"], dict) and isinstance(comp["stale"], bool)
        assert isinstance(comp["reason"], str) and comp["reason"]

    async def latest() -> tuple[float | None, str]:
        async with Store(sqlite_url(db)) as store:
            snap = await store.latest_snapshot()
            assert snap is not None
            return snap.score, snap.level.label

    score, level = asyncio.run(latest())
    assert answer["score"] == pytest.approx(score) and answer["level"] == level

    text = cli("risk", env=env, cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert_clean(text)
    assert level in text.stdout.lower()


def test_risk_on_an_empty_database_says_there_is_no_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    env = clean_env(tmp_path, CARRYWATCH_DATABASE_URL=sqlite_url(db))
    missing = cli("risk", env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "no database yet" in missing.stderr.lower()
    assert not db.exists()  # asking must not create an empty database
    assert cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    for args in (("risk",), ("risk", "--json")):
        proc = cli(*args, env=env, cwd=tmp_path)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert_clean(proc)
        assert proc.stdout == ""
        assert "no score yet" in proc.stderr.lower()


# -- carrywatch config check -----------------------------------------------------------


def test_config_check_prints_the_rules_and_hides_secrets(tmp_path: Path) -> None:
    env = clean_env(
        tmp_path,
        CARRYWATCH_CONFIG=str(ROOT / "deploy" / "carrywatch.example.toml"),
        CARRYWATCH_TELEGRAM__TOKEN="123:SECRETSECRET",
        CARRYWATCH_DISCORD__TOKEN="DISCORDSECRET",
        CARRYWATCH_DATABASE_URL="postgresql+asyncpg://carrywatch:PGSECRET@db.internal:5432/cw",
    )
    proc = cli("config", "check", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_clean(proc)
    out = proc.stdout + proc.stderr
    for secret in ("SECRETSECRET", "DISCORDSECRET", "PGSECRET"):
        assert secret not in out
    assert "db.internal:5432/cw" in out
    assert "telegram      on" in out and "discord       on" in out
    from bot.rules.load import load_rules

    for rule in load_rules():
        assert rule.name in out and rule.expression in out


def test_config_check_reports_a_bad_setting_without_a_traceback(tmp_path: Path) -> None:
    env = clean_env(
        tmp_path, CARRYWATCH_HTTP__PORT="eighty", CARRYWATCH_TELEGRAM__TOKEN="123:SECRETSECRET"
    )
    proc = cli("config", "check", env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert_clean(proc)
    assert "http.port" in proc.stderr and "SECRETSECRET" not in proc.stdout + proc.stderr


# -- carrywatch db upgrade -------------------------------------------------------------


def test_db_upgrade_builds_a_fresh_sqlite_schema(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    env = clean_env(tmp_path, CARRYWATCH_DATABASE_URL=sqlite_url(db))
    for _ in range(2):  # the second run finds it current
        proc = cli("db", "upgrade", env=env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert_clean(proc)
        assert "newest schema" in proc.stdout
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        version = conn.execute("select version_num from alembic_version").fetchall()
    assert {"observations", "snapshots", "alerts", "deliveries", "subscriptions"} <= tables
    assert len(version) == 1


# -- carrywatch history download -------------------------------------------------------


async def test_history_download_writes_what_the_providers_served(
    api_samples: Path, history_dir: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "history"
    async with ProviderStandin(api_samples, history_dir) as providers:
        env = clean_env(
            tmp_path,
            **{
                f"CARRYWATCH_SOURCES__{n.upper()}__URL": providers.url(n)
                for n in ("mof", "fred", "coinbase")
            },
        )
        proc = await asyncio.create_subprocess_exec(
            *ENTRY,
            "history",
            "download",
            "--dir",
            str(dest),
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        raw_out, raw_err = await asyncio.wait_for(proc.communicate(), 120)
        assert providers.requests["fred"] == 3 and providers.requests["mof"] >= 1
    out, err = raw_out.decode(), raw_err.decode()
    assert proc.returncode == 0, err
    assert "Traceback" not in out + err
    same_bytes = {
        "mof/jgbcme_all.csv": "mof/jgbcme_all_to_2026-06-30.csv",
        "ust/fred_DGS10_daily.csv": "ust/fred_DGS10_daily.csv",
        "ust/fred_DGS2_daily.csv": "ust/fred_DGS2_daily.csv",
        "fx/fred_DEXJPUS_daily.csv": "fx/fred_DEXJPUS_daily_1971-2023.csv",
    }
    for written, served in same_bytes.items():
        assert (dest / written).read_bytes() == (history_dir / served).read_bytes(), written
        assert f"wrote {dest / written}" in out
    btc = (dest / "btc/coinbase_BTC-USD_daily.csv").read_text().splitlines()
    assert btc[0].startswith("date,") and len(btc) > 1
    assert not list(dest.rglob("*.part"))  # no half-written file left behind
    # What was written is a history directory the bot can load.
    panel, shared = load_history_panel(dest), load_history_panel(history_dir)
    for series in ("jgb.10y", "jgb.40y", "ust.10y"):
        assert panel.loc["2024-08-05", series] == shared.loc["2024-08-05", series], series
