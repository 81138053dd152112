"""/explain and the first-/risk pointer through the real PTB client and the stand-in.

The bot answers from a real SQLite store holding the engine's snapshot of
2024-08-05 and compares it with the real scored history (the preview history
the bot keeps in memory), so the numbers in the messages are the real ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import i18n
from bot.commands.rules import RulesService
from bot.commands.service import CommandService
from bot.render.common import Unit, fmt
from bot.rules.previews import PreviewHistory
from bot.settings import TelegramSettings
from bot.store import Store
from bot.store.personal_rules import PersonalRules
from bot.telegram import TelegramAdapter
from signals.engine import ScoredHistory
from tests.bot.realdata import UNWIND, at_close, snapshot_on
from tests.bot.telegram.conftest import GROUP, OTHER, USER
from tests.bot.telegram.helpers import ask
from tests.standins.telegram_api import TelegramStandin
from tests.standins.telegram_state import SentMessage

KANA = re.compile(r"[\u3040-\u30ff]")  # only Japanese has kana
NOW = at_close(UNWIND) + dt.timedelta(minutes=5)


@pytest.fixture
async def explaining(
    tg_settings: TelegramSettings, store: Store, history_dir: Path, scored_history: ScoredHistory
) -> AsyncIterator[TelegramAdapter]:
    snap = snapshot_on(history_dir, UNWIND)
    await store.save_evaluation(snap, at_close(snap.as_of))
    service = CommandService(store, clock=lambda: NOW)
    rules = RulesService(PersonalRules(store), PreviewHistory(history_dir, scored_history))
    bot = TelegramAdapter(tg_settings, service, store, rules=rules, clock=lambda: NOW)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def _three(tg: TelegramStandin, chat: int, text: str, **kwargs: Any) -> list[SentMessage]:
    before = len(tg.sent)
    tg.inject_message(chat, text, **kwargs)
    await tg.wait_for_sent(before + 3, timeout=15)
    return [s for s in tg.sent[before:] if s.chat_id == chat]


@pytest.mark.usefixtures("explaining")
async def test_a_japanese_users_explain_arrives_in_japanese_with_the_live_numbers(
    telegram_standin: TelegramStandin, history_dir: Path
) -> None:
    tg = telegram_standin
    sent = await _three(tg, USER, "/explain", user_id=USER, language_code="ja")
    assert len(sent) == 3 and all(s.parse_mode == "HTML" for s in sent)
    texts = [s.plain_text or "" for s in sent]
    assert texts[0].startswith("円キャリートレードとは")
    assert texts[1].startswith("スコアの各項目が測るもの")
    assert texts[2].startswith("今日の位置づけ")
    assert all(KANA.search(t) for t in texts)
    snap = snapshot_on(history_dir, UNWIND)
    with i18n.use("ja"):
        score = fmt(snap.score or 0.0, Unit.POINTS)
    assert score in texts[2] and "2024年の巻き戻し" in texts[2]
    assert "2020年3月" in texts[2]  # the last severe episode before Aug 2024
    english = await _three(tg, OTHER, "/explain", user_id=OTHER, language_code="en")
    assert (english[0].plain_text or "").startswith("What the yen carry trade is")


@pytest.mark.usefixtures("explaining")
async def test_the_pointer_ends_the_first_risk_of_each_chat_only(
    telegram_standin: TelegramStandin,
) -> None:
    tg = telegram_standin
    pointer = "New here? /explain"
    first = await ask(tg, USER, "/risk", user_id=USER)
    assert (first.plain_text or "").splitlines()[-1].startswith(pointer)
    again = await ask(tg, USER, "/risk", user_id=USER)
    assert pointer not in (again.plain_text or "")
    assert (again.plain_text or "") == (first.plain_text or "").rsplit("\n\n", 1)[0]
    # another chat gets its own, once; a group reads English until it chooses
    group = await ask(tg, GROUP, "/risk", user_id=OTHER, chat_type="supergroup", language_code="ja")
    assert (group.plain_text or "").splitlines()[-1].startswith(pointer)
    japanese = await ask(tg, OTHER, "/risk", user_id=OTHER, language_code="ja")
    assert (japanese.plain_text or "").splitlines()[-1].startswith("はじめての方へ：/explain")
    later = await ask(tg, GROUP, "/risk", user_id=USER, chat_type="supergroup")
    assert pointer not in (later.plain_text or "")


@pytest.mark.usefixtures("explaining")
async def test_explain_is_in_every_command_menu(telegram_standin: TelegramStandin) -> None:
    tg = telegram_standin
    menus = {code: {c["command"]: c["description"] for c in tg.my_commands(code)}
             for code in ("", "zh", "ja")}  # fmt: skip
    assert menus[""]["explain"] == "the yen carry trade and this score, with today's numbers"
    assert "日元套息交易" in menus["zh"]["explain"]
    assert "円キャリートレード" in menus["ja"]["explain"]
    helped = await ask(tg, USER, "/help", user_id=USER)
    assert "/explain" in (helped.plain_text or "")
