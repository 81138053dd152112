"""A replayed real episode fires a personal rule, and only its owner hears it.

The August 2024 unwind goes through the whole runtime (pipeline, the same
alert stages, outbox, dispatcher, real PTB notifier, stand-in). One chat adds
``/rule add usdjpy.chg_1d_pct <= -2 yen2``; two chats subscribed to the
shared alerts. The owner gets the personal alert for 2 Aug 2024 (USD/JPY
fell more than 2 % on Friday 2 Aug 2024 in the real data); the other chat gets the shared
alerts and never the personal one; a rule removed before the replay is silent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from pydantic import SecretStr

from bot.history.loader import load_history_panel
from bot.runtime.app import Runtime
from bot.runtime.replay import SimClock, replay_days, replay_instant
from bot.settings import Settings, TelegramSettings
from tests.bot.telegram.conftest import OTHER, USER
from tests.bot.telegram.helpers import ask
from tests.standins.telegram_api import TelegramStandin


async def test_personal_rule_fires_to_its_owner_only(
    telegram_standin: TelegramStandin, tmp_path: Path, history_dir: Path
) -> None:
    tg = telegram_standin
    panel = load_history_panel(history_dir)
    start, end = dt.date(2024, 7, 29), dt.date(2024, 8, 9)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'replay.db'}")
    settings.telegram = TelegramSettings(token=SecretStr(tg.token), api_url=tg.api_root)
    settings.alerts.console = False
    clock = SimClock(replay_instant(start - dt.timedelta(days=1)))
    history = panel.loc[: pd.Timestamp(start) - pd.Timedelta(days=1)]
    runtime = Runtime(settings, clock=clock, poll=False, history=history)
    await runtime.start()
    try:
        for chat in (USER, OTHER):
            await ask(tg, chat, "/subscribe elevated", user_id=chat)
        added = await ask(tg, USER, "/rule add usdjpy.chg_1d_pct <= -2 yen2", user_id=USER)
        assert "Rule 'yen2' added" in (added.plain_text or "")
        await ask(tg, OTHER, "/rule add btc <= 1000000 gone", user_id=OTHER)
        await ask(tg, OTHER, "/rule remove gone", user_id=OTHER)
        before = {c: len(tg.messages_to(c)) for c in (USER, OTHER)}
        await replay_days(runtime, clock, panel, start, end)
    finally:
        await runtime.stop()
    mine = "\n".join(m.plain_text or "" for m in tg.messages_to(USER)[before[USER] :])
    theirs = "\n".join(m.plain_text or "" for m in tg.messages_to(OTHER)[before[OTHER] :])
    assert "USD/JPY 1-day change: −2.4 %" in mine
    assert "Fri 2 Aug 22:00 UTC · your rule yen2: usdjpy.chg_1d_pct &lt;= -2" in mine or (
        "Fri 2 Aug 22:00 UTC · your rule yen2: usdjpy.chg_1d_pct <= -2" in mine
    )
    assert theirs, "the other chat still gets the shared alerts"
    assert "your rule" not in theirs.lower() and "-yen2" not in theirs and "-gone" not in theirs
