"""``carrywatch run`` with Telegram on: answers /risk, and its logs never show the token."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.standins.telegram_api import TelegramStandin

TOKEN = "123456:AAHsecretTOKENvalue"


async def test_run_with_telegram_keeps_the_token_out_of_the_logs(
    tmp_path: Path, history_dir: Path
) -> None:
    async with TelegramStandin(token=TOKEN) as tg:
        env = {
            **os.environ,
            "CARRYWATCH_TELEGRAM__TOKEN": TOKEN,
            "CARRYWATCH_TELEGRAM__API_URL": tg.api_root,
            "CARRYWATCH_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
            "CARRYWATCH_HISTORY_DIR": str(history_dir),
            "CARRYWATCH_CONFIG": str(tmp_path / "none.toml"),
            "CARRYWATCH_LOG_LEVEL": "DEBUG",  # the most talkative setting
        }
        for name in ("MOF", "TREASURY", "FRANKFURTER", "KRAKEN", "COINBASE", "COINBASE_RATES"):
            env[f"CARRYWATCH_SOURCES__{name}__ENABLED"] = "false"
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "from bot.cli.main import main; main()", "run",
            env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        try:
            tg.inject_message(42, "/risk", user_id=42)  # waits in getUpdates until the bot polls
            reply = await tg.wait_for(lambda s: s.chat_id == 42, timeout=45)
            assert "No score yet" in (reply.plain_text or "")
        finally:
            proc.send_signal(signal.SIGTERM)
            out, _ = await asyncio.wait_for(proc.communicate(), 30)
    text = out.decode()
    assert proc.returncode == 0, text[-2000:]
    assert "getUpdates" in text or "telegram" in text.lower()  # it did log its work
    assert TOKEN not in text and "AAHsecretTOKENvalue" not in text


async def test_a_rejected_token_ends_run_with_one_redacted_line(
    tmp_path: Path, history_dir: Path
) -> None:
    """Telegram answers 401 at start-up: ``run`` exits 1 with one line naming the setting;
    python-telegram-bot's InvalidToken (which quotes the token) never reaches the output."""
    async with TelegramStandin(token="654321:someOTHERtokenXYZ") as tg:  # ours is unknown: 401
        env = {
            **os.environ,
            "CARRYWATCH_TELEGRAM__TOKEN": TOKEN,
            "CARRYWATCH_TELEGRAM__API_URL": tg.api_root,
            "CARRYWATCH_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
            "CARRYWATCH_HISTORY_DIR": str(history_dir),
            "CARRYWATCH_CONFIG": str(tmp_path / "none.toml"),
            "CARRYWATCH_LOG_LEVEL": "DEBUG",
        }
        for name in ("MOF", "TREASURY", "FRANKFURTER", "KRAKEN", "COINBASE", "COINBASE_RATES"):
            env[f"CARRYWATCH_SOURCES__{name}__ENABLED"] = "false"
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "from bot.cli.main import main; main()", "run",
            env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    stdout, stderr = out.decode(), err.decode()
    assert proc.returncode == 1, stderr[-2000:]
    for text in (stdout, stderr):
        assert TOKEN not in text and "AAHsecretTOKENvalue" not in text
    assert "Traceback" not in stderr
    (line,) = [ln for ln in stderr.splitlines() if ln.startswith("error:")]
    assert "Telegram rejected the bot token" in line and "CARRYWATCH_TELEGRAM__TOKEN" in line


def test_an_uncaught_exception_is_printed_redacted(tmp_path: Path) -> None:
    """sys.excepthook, threading.excepthook and asyncio's loop handler all mask the token."""
    script = (
        "import asyncio, os, threading\n"
        "from bot.logs import install_exit_hooks, loop_exception_handler\n"
        "install_exit_hooks()\n"
        "token = os.environ['CARRYWATCH_TELEGRAM__TOKEN']\n"
        "def boom(): raise RuntimeError('thread saw ' + token)\n"
        "t = threading.Thread(target=boom); t.start(); t.join()\n"
        "async def main():\n"
        "    loop = asyncio.get_running_loop()\n"
        "    loop.set_exception_handler(loop_exception_handler)\n"
        "    loop.call_exception_handler({'message': 'loop saw', 'exception': ValueError(token)})\n"
        "asyncio.run(main())\n"
        "raise SystemError('main saw ' + token)\n"
    )
    env = {**os.environ, "CARRYWATCH_TELEGRAM__TOKEN": TOKEN}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
        check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    text = done.stdout + done.stderr
    assert TOKEN not in text and "AAHsecretTOKENvalue" not in text
    assert text.count("***") >= 3  # the three messages, each with the token masked
    assert "thread saw" in text and "loop saw" in text and "main saw" in text
