"""``carrywatch run`` with Telegram on: answers /risk, and its logs never show the token."""

from __future__ import annotations

import asyncio
import os
import signal
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
        for name in ("MOF", "TREASURY", "FRANKFURTER", "KRAKEN", "COINBASE"):
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
