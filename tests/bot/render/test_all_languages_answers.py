"""Every command answer, help text, usage line and error, in en, zh and ja.

Each template of the answers area is rendered through the real services (a real
SQLite store, the real rule parser and previews over the real history) and the real
renderers, for Telegram HTML and Discord, and must pass ``answer_checks``: valid,
escaped Telegram HTML, the platform's limits, no leftover placeholder, and in zh/ja
no English fallback. Market answers use the engine's snapshots of 2024-08-05 (the
unwind), 2022-12-21 (BoJ widens the band) and a stale reading (the 2024 snapshot read
ten days later). Hostile values: a 5,000-character argument and ``<b>&`` in names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import i18n
from bot.commands.answers import (
    COMMANDS,
    CommandError,
    FeedStatus,
    HistoryAnswer,
    RiskAnswer,
    StatsAnswer,
    StatusAnswer,
)
from bot.commands.digest import DigestService
from bot.commands.rules import RulesService
from bot.commands.service import CommandService
from bot.i18n import _
from bot.notify.base import Target
from bot.render import rule_errors
from bot.render.discord import answers as dc
from bot.render.rule_answers import added_lines, list_lines, removed_line
from bot.render.settings_words import change_sentence
from bot.render.telegram import answers as tg
from bot.render.telegram.keyboards import risk_keyboard, settings_keyboard
from bot.render.telegram.text import CAPTION_LIMIT, Doc, b, line
from bot.rules.previews import PreviewHistory
from bot.store import Store
from bot.store.personal_rules import PersonalRules
from bot.throttle.commands import CommandGuard
from signals.rule_expr import RuleExprError, parse_expression
from tests.bot.realdata import UNWIND, YCC, at_close, events_around, snapshot_on
from tests.bot.render.answer_checks import (
    check_discord_text,
    check_embed,
    check_telegram,
    check_text,
)

LANGS = i18n.LANGUAGES
CHAT = Target("telegram", "-1001")
HOSTILE = "<b>&" + "7" * 4996  # 5,000 characters
NOW = dt.datetime(2024, 8, 6, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'carrywatch.db'}") as started:
        yield started


@pytest.fixture
def service(store: Store) -> CommandService:
    return CommandService(store, rules=("jgb-superlong", "usdjpy-drop"), clock=lambda: NOW)


@pytest.fixture
def rules(store: Store, history_dir: Path, scored_history: Any) -> RulesService:
    return RulesService(
        PersonalRules(store, limit=2),
        PreviewHistory(history_dir, scored_history),
        clock=lambda: NOW,
    )


def tg_error(err: CommandError, lang: str, where: str) -> None:
    check_telegram(tg.error_doc(err), lang, where)
    check_discord_text(dc.error_text(err.message, err.usage), lang, where)


async def error_of(call: Any) -> CommandError:
    with pytest.raises(CommandError) as caught:
        await call
    return caught.value


# -- help, fallbacks, admin ------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_help_and_fixed_answers(lang: str) -> None:
    with i18n.use(lang):
        for admin in (False, True):
            for start in (False, True):
                check_telegram(tg.help_doc(admin=admin, start=start), lang, "help")
        check_telegram(tg.unknown_doc("/" + HOSTILE[:60]), lang, "unknown")
        check_telegram(tg.refusal_doc("broadcast"), lang, "refusal")
        for what in ("the announcement", "a test alert"):
            check_telegram(tg.queued_doc(what, 1), lang, "queued")
        check_telegram(tg.chatid_doc(-1001, "supergroup", 7, "<b>&"), lang, "chatid")
        check_telegram(tg.chatid_doc(42, "private", None, None), lang, "chatid")
        check_telegram(tg.unsubscribed_doc(True), lang, "unsubscribed")
        check_telegram(tg.unsubscribed_doc(False), lang, "unsubscribed")
        stats = StatsAnswer({"telegram:group": 3}, {"sent": 12, "permanent": 1})
        check_telegram(tg.stats_doc(stats), lang, "stats")
        check_telegram(tg.stats_doc(StatsAnswer({}, {})), lang, "stats")
        listed = [(f"/{c.name} {c.args}".rstrip(), _(c.description)) for c in COMMANDS]
        check_embed(dc.help_embed(listed), lang, "help embed")
        button = risk_keyboard().inline_keyboard[0][0]
        check_text(button.text, lang, "details button")
        help_text = tg.help_doc().plain
    if lang != "en":  # the catalogue was used, not the English
        with i18n.use("en"):
            assert tg.help_doc().plain != help_text


# -- settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_settings_answers(lang: str, service: CommandService) -> None:
    with i18n.use(lang):
        first = await service.subscribe(CHAT, "group")
        check_telegram(tg.subscribed_doc(first, NOW), lang, "subscribed (new)")
        check_telegram(tg.settings_doc(await service.settings(Target("telegram", "9")), NOW),
                       lang, "settings (not subscribed)")  # fmt: skip
        again = await service.subscribe(CHAT, "group", "severe")
        check_telegram(tg.subscribed_doc(again, NOW), lang, "subscribed (level)")
        same = await service.subscribe(CHAT, "group")
        check_telegram(tg.subscribed_doc(same, NOW), lang, "subscribed (same)")
        changes = [
            await service.set_level(CHAT, "elevated"),
            await service.set_quiet(CHAT, "22:00", "07:00", "Asia/Tokyo"),
            await service.set_timezone(CHAT, "Asia/Shanghai"),
            await service.clear_quiet(CHAT),
            await service.set_timezone(CHAT, "Europe/Berlin"),
            await service.mute(CHAT, "2h"),
            await service.mute_rule(CHAT, "jgb-superlong"),
            await service.mute_rule(CHAT, "usdjpy-drop"),
            await service.set_ping_role(CHAT, "1234"),
            await service.set_ping_role(CHAT, None),
            await service.unmute(CHAT),
            await service.unmute_rule(CHAT, "jgb-superlong"),
            await service.unmute_rule(CHAT, "nothing-muted"),
        ]
        for answer in changes:
            check_telegram(tg.changed_doc(answer, NOW), lang, "changed")
            check_telegram(tg.settings_doc(answer, NOW), lang, "settings")
            check_embed(dc.settings_embed(99, answer, change_sentence(answer, NOW)), lang, "embed")
            keyboard = settings_keyboard(answer)
            assert keyboard is not None
            for row in keyboard.inline_keyboard:
                for button in row:
                    check_text(button.text, lang, "settings button")
        muted = await service.mute(CHAT, "1d")
        check_telegram(tg.settings_doc(muted, NOW), lang, "settings (muted)")
        broken = dataclasses.replace(muted, subscribed=False, broken_reason=HOSTILE[:300])
        check_telegram(tg.settings_doc(broken, NOW), lang, "settings (broken)")
        check_embed(dc.settings_embed(99, broken), lang, "embed (broken)")
        check_embed(dc.settings_embed(None, muted), lang, "embed (no channel)")
        off = dataclasses.replace(muted, subscribed=False)
        check_embed(dc.settings_embed(99, off), lang, "embed (off)")


@pytest.mark.parametrize("lang", LANGS)
async def test_command_errors(lang: str, service: CommandService) -> None:
    with i18n.use(lang):
        errors = [await error_of(service.chart()), await error_of(service.risk())]
        errors.append(await error_of(service.set_level(CHAT, "high")))  # not subscribed
        await service.subscribe(CHAT, "group")
        for call in (
            service.history(HOSTILE),
            service.history("0"),
            service.subscribe(CHAT, "group", "<b>&"),
            service.set_quiet(CHAT, "25:00", "07:00"),
            service.set_quiet(CHAT, "07:00", "07:00"),
            service.set_quiet(CHAT, "22:00", "07:00", "Mars/<b>&"),
            service.set_timezone(CHAT, HOSTILE[:80]),
            service.mute(CHAT, HOSTILE),
            service.mute(CHAT, "<b>&"),
            service.mute(CHAT, "99999999999999999999w"),
            service.mute(CHAT, "90d"),
            service.set_ping_role(CHAT, "<b>&"),
            service.mute_rule(CHAT, "<b>&"),
            service.broadcast("   "),
        ):
            errors.append(await error_of(call))
        for err in errors:
            tg_error(err, lang, f"error {err.message[:40]!r}")
        assert any("<b>&" in e.message for e in errors)  # shown, as text (escaping checked)


# -- rule expressions -------------------------------------------------------------------

EXPRESSIONS = (
    HOSTILE,
    "",
    "9 >= score",
    "<b>& >= 1",
    "jgb.40 >= 3.8",
    "jgb.40.chg_5d_bp >= 10",
    "qqq.4 >= 1",
    "btc.drawdown_20d <= -20",
    "btc.zzzzzzzz <= -20",
    "component.jbg_superlong >= 50",
    "component.qqqqqqqqqqq >= 50",
    "score",
    "score => 60",
    "score ! 60",
    "score >=",
    "score >= lots",
    "jgb.30y.chg_5d_bp >= 20%",
    "score >= 60 and btc < 1",
    "score >= 60 for",
    "score >= 60 for 2d extra",
    "score >= 60 for ever",
    "score >= 60 for 1000d",
)


def test_every_error_code_is_written_and_english_matches_the_cli() -> None:
    seen = set()
    for text in EXPRESSIONS:
        with pytest.raises(RuleExprError) as caught:
            parse_expression(text)
        seen.add(caught.value.code)
        with i18n.use("en"):
            assert rule_errors.rule_error_text(caught.value) == str(caught.value)
    assert seen == set(rule_errors.MESSAGES) - {"not_text"}
    with pytest.raises(RuleExprError) as caught:
        parse_expression(3.8)  # type: ignore[arg-type]
    assert rule_errors.rule_error_text(caught.value) == str(caught.value)


@pytest.mark.parametrize("lang", LANGS)
async def test_rule_errors_and_answers(lang: str, rules: RulesService) -> None:
    owner = Target("telegram", "-1001")
    with i18n.use(lang):
        for text, adding in [*((t, False) for t in EXPRESSIONS), (HOSTILE, True), ("9 x", True)]:
            with pytest.raises(CommandError) as caught:
                rules.check(text, adding=adding)
            tg_error(caught.value, lang, f"rule {text[:30]!r}")
        column = rules_error_column("score => 60")
        assert column == 7  # the position of the bad token survives the words
        for text, name in (("jgb.40y >= 3.8", "<b>&"), ("score >= 60", "x" * 40)):
            with pytest.raises(CommandError) as caught:
                rules.check(text, name)
            tg_error(caught.value, lang, "rule name")
        answers = [await rules.test("usdjpy.chg_1d_pct <= -2"),
                   await rules.test("btc.drawdown_30d <= -20 for 2d"),
                   await rules.test("jgb.40y >= 9")]  # fmt: skip
        added = [await rules.add(owner, "jgb.40y.chg_5d_bp >= 15 jgb40"),
                 await rules.add(owner, "score >= 75")]  # fmt: skip
        for err in (
            await error_of(rules.add(owner, "usdjpy <= 140")),  # the limit (2)
            await error_of(rules.remove(owner, "<b>&")),
            await error_of(rules.remove(owner, "")),
            await error_of(rules.remove(Target("telegram", "5"), "gone")),
        ):
            tg_error(err, lang, "rule store error")
        plain = [list(a.lines) for a in answers] + [added_lines(a) for a in added]
        plain.append(list_lines(await rules.owned(owner)))
        plain.append(list_lines(await rules.owned(Target("telegram", "5"))))
        plain.append([removed_line(await rules.remove(owner, "jgb40"))])
        for lines in plain:
            first, *rest = lines
            doc = Doc.of([line(b(first)), *rest])  # as the Telegram handler sends it
            check_telegram(doc, lang, "rule answer")
            check_telegram(doc.fit(CAPTION_LIMIT), lang, "rule caption", caption=True)
            embed = dc.fit_embed(dc.discord.Embed(title=first, description=dc.md("\n".join(rest))))
            check_embed(embed, lang, "rule embed")
        fired = answers[0].preview
        assert fired is not None and len(fired.fires) > 1
        assert f"{len(fired.fires):,}" in answers[0].lines[1]  # the real count, in words


def rules_error_column(text: str) -> int | None:
    with pytest.raises(RuleExprError) as caught:
        parse_expression(text)
    return caught.value.column


# -- market answers on real days ----------------------------------------------------------

CASES = {"2024-08-05": (UNWIND, 0), "2022-12-21": (YCC, 0), "stale": (UNWIND, 10)}


def _risk(history_dir: Path, day: dt.date, late_days: int) -> tuple[RiskAnswer, dt.datetime]:
    snap = snapshot_on(history_dir, day)
    computed = at_close(snap.as_of)
    now = computed + dt.timedelta(days=late_days, minutes=5)
    stale = ("jgb.40y", "usdjpy", "btc") if late_days else ()
    return RiskAnswer.from_payload(snap.to_json(), computed, now, stale), now


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_market_answers_on_real_days(lang: str, case: str, history_dir: Path) -> None:
    day, late = CASES[case]
    answer, now = _risk(history_dir, day, late)
    alerts = events_around(history_dir, day)
    assert alerts, "the real policy fires around both episodes"
    feeds = tuple(
        FeedStatus(series, answer.as_of, bool(late), "history", at_close(answer.as_of))
        for series in ("jgb.30y", "jgb.40y", "usdjpy", "btc")
    )
    status = StatusAnswer(feeds, answer.computed_at, alerts[-1], dt.timedelta(hours=5), "1.0",
                          3, 1, 2)  # fmt: skip
    with i18n.use(lang):
        check_telegram(tg.risk_doc(answer, now), lang, f"risk {case}")
        check_telegram(tg.risk_doc(answer, now, details=True), lang, case)
        check_embed(dc.risk_embed(answer, now), lang, f"risk embed {case}")
        newest = tuple(reversed(alerts))
        for n in (10, len(alerts) + 5, 3):
            history = HistoryAnswer(newest[:n], n, "Asia/Tokyo")
            doc = tg.history_doc(history)
            cut = doc.plain.endswith(_("… (older alerts cut; ask for fewer with /history n)"))
            # a history cut by fit() ends in an alert headline cut mid-word: markup only
            check_telegram(doc, lang, f"history {case}", words=not cut)
            check_embed(dc.history_embed(history), lang, f"history embed {case}")
        check_telegram(tg.history_doc(HistoryAnswer((), 10)), lang, "history (none)")
        check_embed(dc.history_embed(HistoryAnswer((), 10)), lang, "history embed (none)")
        for operator in (False, True):
            doc = tg.status_doc(status, now, operator=operator)
            check_telegram(doc, lang, f"status {case}")
        empty = dataclasses.replace(status, last_snapshot_at=None, last_alert=None)
        check_telegram(tg.status_doc(empty, now), lang, "status (empty)")
        check_embed(dc.status_embed(status, None, None), lang, f"status embed {case}")
        check_embed(dc.status_embed(empty, None, None), lang, "status embed (empty)")
        mine = tg.status_doc(empty, now).plain.splitlines()[-1]
    if lang != "en":  # this answer's own words did come from the catalogue
        with i18n.use("en"):
            assert tg.status_doc(empty, now).plain.splitlines()[-1] != mine


# -- digest and throttle -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_digest_answers(lang: str, store: Store) -> None:
    digests = DigestService(store, lambda: NOW)
    with i18n.use(lang):
        shown = [await digests.show(CHAT), await digests.handle(CHAT, "on fri 18:00 Asia/Tokyo")]
        shown.append(await digests.handle(CHAT, "off"))
        for answer in shown:
            check_telegram(Doc.of(answer.lines), lang, "digest")
        for text in (HOSTILE[:300], "maybe", "on 25:00", "on 18:30", "on Mars/<b>&", "on <b>&"):
            tg_error(await error_of(digests.handle(CHAT, text)), lang, f"digest {text[:20]!r}")
        on = shown[1].lines
    if lang == "en":
        assert on[1] == "Next one: Fri 09 Aug 2024 18:00 JST."
    else:
        assert "2024" in on[1] and "18:00" in on[1] and "JST" in on[1]


@pytest.mark.parametrize("lang", LANGS)
def test_throttle_refusals(lang: str) -> None:
    now = [0.0]
    guard = CommandGuard(clock=lambda: now[0])
    long = guard.check("rule", HOSTILE, "u1", "c1")
    assert long is not None
    for _i in range(30):
        refusal = guard.check("risk", "", "u2", "c2")
    assert refusal is not None
    busy = [guard.check("chart", "", f"u{n}", "c3") for n in range(3, 40)]
    chat = next(r for r in busy if r is not None and r.reason == "chat_rate")
    with i18n.use(lang):  # words when read: in the reply's language
        for r in (long, refusal, chat):
            assert "7" * 10 not in r.text  # the argument is never echoed
            check_telegram(Doc.of([r.text]), lang, f"refusal {r.reason}")
