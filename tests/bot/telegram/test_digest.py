"""/digest through the real PTB client and stand-in; the digest itself through the
real outbox, dispatcher and TelegramNotifier, from real stored market data.

Pins down: /digest on|off answers with the schedule in the chat's zone, the
digest goes out at 08:00 Europe/Berlin on both sides of the March 2026 DST
change (07:00 UTC, then 06:00 UTC), once, only to the chat that opted in, as the
week's score chart captioned with the text: score path, JGB super-long / USD/JPY /
BTC moves and alerts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from bot.alerts.backtest import backtest_alerts
from bot.alerts.events import EventKind
from bot.commands.digest import DigestService
from bot.commands.service import CommandService
from bot.digest.job import DigestJob
from bot.dispatch.dispatcher import Dispatcher
from bot.history.loader import load_history_panel
from bot.notify.base import Target
from bot.rules.load import load_rules
from bot.settings import TelegramSettings
from bot.store import Store
from bot.telegram import TelegramAdapter, TelegramNotifier
from signals.backtest import run_backtest
from signals.engine import score_history
from signals.observation import Observation
from tests.bot.telegram.conftest import OTHER, USER
from tests.bot.telegram.helpers import ask
from tests.standins.telegram_api import TelegramStandin

FIRST, LAST = dt.date(2026, 3, 9), dt.date(2026, 3, 29)
SERIES = ("jgb.20y", "jgb.30y", "jgb.40y", "usdjpy", "btc")


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(scope="module")
def real_week(history_dir: Path) -> tuple[pd.DataFrame, list[Observation]]:
    panel = load_history_panel(history_dir, start=dt.date(2024, 1, 1), end=LAST)
    obs = [
        Observation(s, ts.date(), float(v), "history")
        for s in SERIES
        for ts, v in panel[s].loc[pd.Timestamp(FIRST) :].dropna().items()
    ]
    return panel, obs


@pytest.fixture
async def loaded(store: Store, real_week: tuple[pd.DataFrame, list[Observation]]) -> pd.DataFrame:
    """Real observations, snapshots and the backtest's real alerts of March 2026."""
    panel, obs = real_week
    await store.upsert_observations(obs)
    scored = score_history(panel)
    for i in range(len(scored)):
        if FIRST <= scored.date(i) <= LAST:
            at = dt.datetime.combine(scored.date(i), dt.time(9), tzinfo=dt.UTC)
            await store.save_evaluation(scored.snapshot(i), at)
    result = run_backtest(panel, start=FIRST, end=LAST)
    for a in backtest_alerts(result, load_rules()):
        if a.kind is EventKind.FIRING:
            at = dt.datetime.combine(a.as_of, dt.time(9), tzinfo=dt.UTC)
            await store.enqueue_alert(replace(a, created_at=at), [])
    return panel


@pytest.fixture
async def digest_adapter(
    tg_settings: TelegramSettings, service: CommandService, store: Store
) -> AsyncIterator[TelegramAdapter]:
    clock = Clock(dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC))
    bot = TelegramAdapter(tg_settings, service, store, digest=DigestService(store, clock))
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.mark.usefixtures("digest_adapter")
async def test_digest_at_0800_berlin_across_dst(
    telegram_standin: TelegramStandin, store: Store, loaded: pd.DataFrame
) -> None:
    tg = telegram_standin
    on = await ask(tg, USER, "/digest on mon 08:00 Europe/Berlin", user_id=USER)
    assert on.plain_text == (
        "Weekly digest: on, Mon 08:00 Europe/Berlin.\n"
        "Next one: Mon 23 Mar 2026 08:00 CET.\n"
        "Score path, biggest moves in JGB 20–40y, USD/JPY and BTC, and the alerts."
    )
    shown = await ask(tg, OTHER, "/digest", user_id=OTHER)
    assert (shown.plain_text or "").startswith("Weekly digest: off.")

    before_reply = len(tg.messages_to(USER))
    clock = Clock(dt.datetime(2026, 3, 23, 6, 0, tzinfo=dt.UTC))  # 07:00 CET: not yet
    job = DigestJob(store, clock)
    async with TelegramNotifier.from_settings(_settings(tg)) as notifier:
        dispatcher = Dispatcher(store, {"telegram": notifier}, clock=clock)
        assert await job.run_once() == []
        clock.now = dt.datetime(2026, 3, 23, 7, 0, tzinfo=dt.UTC)  # 08:00 CET
        assert await job.run_once() == [Target("telegram", str(USER))]
        assert await job.run_once() == []  # once per week
        assert await dispatcher.run_once() == 1
        clock.now = dt.datetime(2026, 3, 30, 5, 59, tzinfo=dt.UTC)  # 07:59 CEST
        assert await job.run_once() == []
        clock.now = dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC)  # 08:00 CEST, after DST
        assert await job.run_once() == [Target("telegram", str(USER))]
        assert await dispatcher.run_once() == 1
    first, second = tg.messages_to(USER)[before_reply:]
    assert tg.messages_to(OTHER) == [shown]
    text = second.plain_text or ""
    assert (first.method, second.method) == ("sendPhoto", "sendPhoto")  # the chart, captioned
    assert text.splitlines()[0] == "📣 Weekly digest"
    assert "Week 23 Mar – 29 Mar 2026" in text
    jgb = loaded["jgb.40y"].dropna()
    before = jgb.loc[: pd.Timestamp("2026-03-22")].iloc[-1]
    after = jgb.loc[: pd.Timestamp("2026-03-29")].iloc[-1]
    assert f"40y JGB {(after - before) * 100:+.0f} bp ({before:.3f}% → {after:.3f}%)" in text
    fx = loaded["usdjpy"].dropna()
    fx0, fx1 = fx.loc[: pd.Timestamp("2026-03-22")].iloc[-1], fx.loc[:"2026-03-29"].iloc[-1]
    assert f"USD/JPY {(fx1 / fx0 - 1) * 100:+.1f}%" in text
    assert "high jgb40y-record" in text  # the backtest's real firing of 27 Mar
    assert "Week 16 Mar – 22 Mar 2026" in (first.plain_text or "")


def _settings(tg: TelegramStandin) -> TelegramSettings:
    from pydantic import SecretStr

    return TelegramSettings(token=SecretStr(tg.token), api_url=tg.api_root)


@pytest.mark.usefixtures("digest_adapter")
async def test_digest_off_and_bad_arguments(telegram_standin: TelegramStandin) -> None:
    tg = telegram_standin
    await ask(tg, USER, "/digest on", user_id=USER)
    off = await ask(tg, USER, "/digest off", user_id=USER)
    assert (off.plain_text or "").startswith("Weekly digest: off.")
    bad = await ask(tg, USER, "/digest on someday", user_id=USER)
    assert (bad.plain_text or "").startswith(
        "⚠ expected a day (mon…sun), HH:00 or a zone, got 'someday'"
    )
    zone = await ask(tg, USER, "/digest on Mars/Olympus", user_id=USER)
    assert (zone.plain_text or "").startswith("⚠ unknown time zone 'Mars/Olympus'")


async def test_a_chat_that_chose_japanese_gets_its_digest_in_japanese(
    telegram_standin: TelegramStandin, store: Store, loaded: pd.DataFrame
) -> None:
    """Text written at queue time and chart drawn at send time both follow the chat."""
    from bot.store.chat_settings import ChatSettings
    from bot.store.digests import DigestPrefs, Digests

    tg = telegram_standin
    now = dt.datetime(2026, 3, 23, 7, 0, tzinfo=dt.UTC)  # Mon 08:00 CET
    jp, en = Target("telegram", str(USER)), Target("telegram", str(OTHER))
    for owner in (jp, en):
        await Digests(store).put(DigestPrefs(owner, True, 0, 8, "Europe/Berlin"), now)
    await ChatSettings(store).set_language("telegram", jp.chat_id, "ja", now)
    clock = Clock(now)
    assert sorted(await DigestJob(store, clock).run_once(), key=str) == sorted([jp, en], key=str)
    async with TelegramNotifier.from_settings(_settings(tg)) as notifier:
        assert await Dispatcher(store, {"telegram": notifier}, clock=clock).run_once() == 2
    (ja_msg,) = tg.messages_to(USER)
    (en_msg,) = tg.messages_to(OTHER)
    ja_text, en_text = ja_msg.plain_text or "", en_msg.plain_text or ""
    assert "週間レポート" in ja_text and "Week 16 Mar" not in ja_text
    assert en_text.splitlines()[0] == "📣 Weekly digest"
    assert "Week 16 Mar – 22 Mar 2026" in en_text
    assert (ja_msg.method, en_msg.method) == ("sendPhoto", "sendPhoto")
    assert ja_text.splitlines()[0] == "📣 週間ダイジェスト"  # rendered at send time
