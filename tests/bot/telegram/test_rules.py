"""/rule through the real PTB client and the Telegram stand-in, over a real Store.

Pins down: add answers with the preview and a chart, list and remove see only
this chat's rules, test previews without storing, bad and hostile expressions
get the parser's one-line error (and nothing is stored), the limit holds, and
only a group's admins change its rules.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.commands.rules import RulesService
from bot.commands.service import CommandService
from bot.notify.base import Target
from bot.rules.previews import PreviewHistory
from bot.settings import TelegramSettings
from bot.store import Store
from bot.store.personal_rules import PersonalRules
from bot.telegram import TelegramAdapter
from signals.engine import ScoredHistory
from tests.bot.telegram.conftest import ADMIN, GROUP, OTHER, USER
from tests.bot.telegram.helpers import ask
from tests.standins.telegram_api import TelegramStandin

LIMIT = 3


@pytest.fixture
def rules_service(store: Store, scored_history: ScoredHistory) -> RulesService:
    return RulesService(PersonalRules(store, limit=LIMIT), PreviewHistory(None, scored_history))


@pytest.fixture
async def rules_adapter(
    tg_settings: TelegramSettings,
    service: CommandService,
    store: Store,
    rules_service: RulesService,
) -> AsyncIterator[TelegramAdapter]:
    bot = TelegramAdapter(tg_settings, service, store, rules=rules_service)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


pytestmark = pytest.mark.usefixtures("rules_adapter")


async def test_add_list_test_remove(telegram_standin: TelegramStandin, store: Store) -> None:
    tg = telegram_standin
    added = await ask(tg, USER, "/rule add jgb.40y >= 3.8 jgb40", user_id=USER)
    assert added.method == "sendPhoto" and (added.photo_bytes or 0) > 5000
    caption = added.plain_text or ""
    assert caption.startswith("Rule 'jgb40' added (1 of 3): I'll alert here when jgb.40y >= 3.8.")
    assert "40y JGB ≥ 3.8" in caption and "It would have fired 3 times" in caption
    assert "Longest quiet spell:" in caption and "Last firings: 2026-05-12" in caption

    second = await ask(tg, USER, "/rule add usdjpy.chg_1d_pct <= -2", user_id=USER)
    assert "Rule 'usdjpy-chg_1d_pct' added (2 of 3)" in (second.plain_text or "")
    listed = await ask(tg, USER, "/rule list", user_id=USER)
    assert listed.plain_text == (
        "Personal rules here (2 of 3):\n"
        "• jgb40: jgb.40y >= 3.8\n"
        "• usdjpy-chg_1d_pct: usdjpy.chg_1d_pct <= -2"
    )
    other = await ask(tg, OTHER, "/rule list", user_id=OTHER)
    assert (other.plain_text or "").startswith("No personal rules here yet")

    tested = await ask(tg, USER, "/rule test btc.drawdown_30d <= -20 for 2d", user_id=USER)
    assert tested.method == "sendPhoto"
    assert (tested.plain_text or "").startswith("BTC drop from 30-day high ≤ -20 for 2d")
    assert len(await PersonalRules(store).owned(Target("telegram", str(USER)))) == 2

    removed = await ask(tg, USER, "/rule remove jgb40", user_id=USER)
    assert removed.plain_text == "Rule 'jgb40' removed (jgb.40y >= 3.8). No more alerts from it."
    again = await ask(tg, USER, "/rule remove jgb40", user_id=USER)
    assert "no rule called 'jgb40' here (rules: usdjpy-chg_1d_pct)" in (again.plain_text or "")


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("/rule add jgb.40 >= 3.8", "⚠ unknown series 'jgb.40' — did you mean jgb.40y?"),
        (
            "/rule test score => 60",
            "⚠ expected >=, >, <= or < at column 7, got '=>' — did you mean >=?",
        ),
        ("/rule add score >= 60 Bad!Name", "⚠ unexpected 'bad' at column 13"),
        ("/rule test " + "jgb." * 55, "⚠ expression too long (220 characters; at most 200)"),
        ("/rule test " + "(" * 230, "⚠ expression too long (230 characters; at most 200)"),
        ("/rule frobnicate", "⚠ unknown /rule action 'frobnicate'"),
    ],
)
async def test_bad_and_hostile_expressions(
    telegram_standin: TelegramStandin, store: Store, command: str, error: str
) -> None:
    """One line of error (then the usage line), and nothing stored."""
    sent = await ask(telegram_standin, USER, command, user_id=USER)
    first, *rest = (sent.plain_text or "").splitlines()
    assert first.startswith(error)
    assert len(rest) == 1 and rest[0].startswith("Usage: /rule")
    assert await PersonalRules(store).owned(Target("telegram", str(USER))) == []


@pytest.mark.parametrize("argument", ["jgb." * 1250, "(" * 5000, "\u202e" * 5000])
async def test_a_5000_character_argument_gets_one_line(
    telegram_standin: TelegramStandin, store: Store, argument: str
) -> None:
    """The command guard answers a 5,000-character argument with one line; nothing stored."""
    sent = await ask(telegram_standin, USER, "/rule add " + argument, user_id=USER)
    assert sent.plain_text == "That is too long for /rule: at most 250 characters after it."
    assert await PersonalRules(store).owned(Target("telegram", str(USER))) == []


async def test_the_rule_limit(telegram_standin: TelegramStandin) -> None:
    tg = telegram_standin
    for i in range(LIMIT):
        ok = await ask(tg, USER, f"/rule add score >= {60 + i} s{i}", user_id=USER)
        assert f"({i + 1} of {LIMIT})" in (ok.plain_text or "")
    full = await ask(tg, USER, "/rule add score >= 99 s9", user_id=USER)
    assert (full.plain_text or "").startswith(
        "⚠ this chat already has 3 rules, the most it can hold"
    )
    listed = await ask(tg, USER, "/rule list", user_id=USER)
    assert "s9" not in (listed.plain_text or "")


async def test_only_group_admins_change_rules(telegram_standin: TelegramStandin) -> None:
    tg = telegram_standin
    tg.set_admins(GROUP, [ADMIN], creator_id=ADMIN)
    refused = await ask(tg, GROUP, "/rule add score >= 60", user_id=OTHER, chat_type="supergroup")
    assert refused.plain_text == "Only this group's admins can change its alerts."
    ok = await ask(tg, GROUP, "/rule add score >= 60", user_id=ADMIN, chat_type="supergroup")
    assert "Rule 'score' added (1 of 3)" in (ok.plain_text or "")
    seen = await ask(tg, GROUP, "/rule list", user_id=OTHER, chat_type="supergroup")
    assert "• score: score >= 60" in (seen.plain_text or "")
