"""Every alert, /risk, /status and digest template, in English, 简体中文 and 日本語,
rendered from real history: the 2024-08-05 unwind, the 2022-12-21 BoJ band widening
and a snapshot three weeks stale.

Each rendering must be fully in its language (no run of English words in zh or ja
beyond commands, units, tickers, rule names and brand names), carry no leftover
``{placeholder}`` or brace, be HTML Telegram accepts (its tags only, balanced,
entities escaped — a personal rule named ``yen<b>&`` proves the escaping) and fit
the platform's limits (Telegram 4096 visible characters, Discord's embed limits).
Snapshots and events come from the real engine and alert policy
(``tests/bot/realdata.py``); nothing here is a typed-in market number.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser
from pathlib import Path

import discord
import pytest

from bot import i18n
from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.alerts.policy import AlertPolicy
from bot.commands.answers import RiskAnswer, StatusAnswer
from bot.commands.feeds import WATCHED, record_poll
from bot.commands.service import CommandService
from bot.digest import DIGEST_RULE
from bot.digest.content import MARKETS, SUPERLONG, build_digest, digest_text
from bot.history.loader import load_history_panel
from bot.render.discord import limits
from bot.render.discord.alerts import alert_embed
from bot.render.plain import render_message, render_risk
from bot.render.risk_words import as_of_line, risk_details, risk_summary
from bot.render.status_words import feed_lines
from bot.render.telegram.alerts import alert_doc
from bot.render.telegram.text import MESSAGE_LIMIT, Doc, utf16_len
from bot.rules.load import load_rules
from bot.store import Store
from signals.levels import Level
from signals.preview import personal_rule
from signals.rule_expr import parse_expression
from tests.bot.realdata import (
    UNWIND,
    YCC,
    at_close,
    events_around,
    observations_until,
    scored,
    snapshot_on,
)
from tests.standins.telegram_markup import HTML_TAGS, visible_text

LANGS = ("en", "zh", "ja")
FOREIGN = ("zh", "ja")
DAYS = (UNWIND, YCC)
ZONES = {"en": "Europe/Berlin", "zh": "Asia/Shanghai", "ja": "Asia/Tokyo"}
HOSTILE = "yen<b>&"  # a rule name that must come out escaped, never as markup
PERSONAL_EXPR = "usdjpy.chg_5d_pct <= -2"
PERSONAL_NAME = f"my-7-{HOSTILE}"  # bot.rules.personal_policy's internal name
# Words that are right in every language: brands, the bot's name, units.
SAME_WORDS = frozenset({"carrywatch", "Kraken", "Coinbase", "Frankfurter", "FRED", "bp", "pp"})
COMMAND = re.compile(r"/[a-z_]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ENTITY = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|lt|gt|amp|quot);")


# -- the checks ------------------------------------------------------------------------


def identifiers() -> list[str]:
    """Names a reader types or sees verbatim: rule names, the personal rule's name and
    expression, the digest's and admin rules' ids; longest first (removed before words)."""
    names = [r.name for r in load_rules()] + [PERSONAL_NAME, HOSTILE, PERSONAL_EXPR, DIGEST_RULE]
    names += ["admin-test", "admin-broadcast"]
    return sorted(set(names), key=len, reverse=True)


def english_words(text: str) -> list[str]:
    """Latin words left in ``text`` that are not a command, ticker (all capitals),
    unit, brand or identifier: in zh or ja, each is an English fallback."""
    for name in identifiers():
        text = text.replace(name, " ")
    text = text.replace("\\", "")  # Discord markdown escapes
    text = COMMAND.sub(" ", text)
    return [w for w in LATIN_WORD.findall(text) if not w.isupper() and w not in SAME_WORDS]


def check_words(text: str, lang: str, *, words: bool = True) -> None:
    """No leftover brace; in zh and ja (when ``words``), no English fallback."""
    assert not re.search(r"[{}]", text), f"leftover placeholder or brace in {lang}: {text}"
    if words and lang in FOREIGN:
        found = english_words(text)
        assert not found, f"English left in {lang}: {found} in\n{text}"


class TelegramHTML(HTMLParser):
    """Telegram's HTML subset: its tags only, each closed in order, named entities
    limited to the four it knows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            self.errors.append(f"tag <{tag}> not allowed")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.errors.append(f"entity &{name}; unknown to Telegram")


def check_telegram(doc: Doc, lang: str, *, words: bool = True) -> str:
    """The HTML is valid for Telegram, fits 4096 visible characters, and its visible
    text is the plain twin; returns the visible text."""
    text = doc.html
    parser = TelegramHTML()
    parser.feed(text)
    parser.close()
    assert not parser.errors and not parser.open, (parser.errors, parser.open, text)
    bare = re.sub(r"</?[a-z-]+>", "", text)
    assert "<" not in bare and ">" not in bare, f"unescaped angle bracket: {text}"
    assert "&" not in ENTITY.sub("", bare), f"unescaped ampersand: {text}"
    visible = visible_text(text, "HTML")  # the stand-in's own Telegram parser
    assert visible == doc.plain == html.unescape(bare)
    assert utf16_len(visible) <= MESSAGE_LIMIT
    check_words(visible, lang, words=words)
    return visible


def check_embed(embed: discord.Embed, lang: str, *, words: bool = True) -> str:
    """Within every Discord embed limit; returns all its text."""
    assert len(embed.title or "") <= limits.TITLE
    assert len(embed.description or "") <= limits.DESCRIPTION
    assert len(embed.fields) <= limits.FIELDS
    for field in embed.fields:
        assert 0 < len(field.name or "") <= limits.FIELD_NAME
        assert 0 < len(field.value or "") <= limits.FIELD_VALUE
    assert len(embed.footer.text or "") <= limits.FOOTER
    assert limits.embed_size(embed) <= limits.TOTAL
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    text = "\n".join(parts)
    check_words(text, lang, words=words)
    return text


def check_plain(text: str, lang: str) -> None:
    assert text.strip()
    check_words(text, lang)


# -- real data -------------------------------------------------------------------------


def day_events(history_dir: Path, day: dt.date) -> list[AlertEvent]:
    """The real events of the window: every kind the policy emits."""
    events = list(events_around(history_dir, day))
    kinds = {e.kind for e in events}
    assert {EventKind.FIRING, EventKind.ESCALATED, EventKind.RESOLVED, EventKind.REPEAT} <= kinds
    return events


def personal_event(history_dir: Path) -> AlertEvent:
    """A chat's own rule, named hostilely, firing on the real 2024 unwind."""
    rule = personal_rule(parse_expression(PERSONAL_EXPR), PERSONAL_NAME)
    policy = AlertPolicy([rule])
    s = scored(history_dir)
    for i in range(len(s)):
        if dt.date(2024, 7, 20) <= s.date(i) <= dt.date(2024, 8, 10):
            fired = policy.evaluate(s.snapshot(i), at_close(s.date(i))).events
            if fired:
                return fired[0]
    raise AssertionError("the personal rule never fired in the 2024 unwind")


def admin_events(day: dt.date, digest: str) -> list[AlertEvent]:
    at = at_close(day)
    common = {"as_of": day, "created_at": at, "episode": at.isoformat()}
    return [
        AlertEvent("admin-test", EventKind.TEST, Level.HIGH, note="Test alert", **common),
        AlertEvent("admin-broadcast", EventKind.BROADCAST, Level.LOW, note="/risk", **common),
        AlertEvent(DIGEST_RULE, EventKind.BROADCAST, Level.LOW, note=digest, **common),
    ]


def real_digest(history_dir: Path, day: dt.date) -> str:
    """The digest of the week ending ``day``, from the real scores, yields and prices."""
    s = scored(history_dir)
    first = day - dt.timedelta(days=6)
    scores = [(s.date(i), sc) for i in range(len(s)) if (sc := s.snapshot(i).score) is not None]
    panel = load_history_panel(history_dir, start=first - dt.timedelta(days=14), end=day)
    obs = {
        name: [(ts.date(), float(v)) for ts, v in panel[name].dropna().items()]
        for name in (*SUPERLONG, *MARKETS)
        if name in panel
    }
    alerts = [e for e in events_around(history_dir, day) if e.as_of <= day]
    return digest_text(build_digest(first, day, scores, obs, alerts))


def messages(history_dir: Path, day: dt.date) -> Iterator[AlertMessage]:
    """Each real event alone, all of the day's events together, held and delayed
    notices, the personal rule, test, broadcast and digest."""
    events = day_events(history_dir, day)
    for event in events:
        yield AlertMessage((event,))
    around = [e for e in events if abs((e.as_of - day).days) <= 3]
    yield AlertMessage(tuple(around or events[:5]))
    yield AlertMessage((events[0],), held_for_quiet_hours=(dt.time(22), dt.time(7)))
    yield AlertMessage((events[-1],), delayed_by=dt.timedelta(hours=2, minutes=10))
    yield AlertMessage((personal_event(history_dir),))
    resolved = [e for e in events if e.kind is EventKind.RESOLVED]
    yield AlertMessage(tuple(resolved[:3]))
    for admin in admin_events(day, digest_text_in_english(history_dir, day)):
        yield AlertMessage((admin,))


def digest_text_in_english(history_dir: Path, day: dt.date) -> str:
    with i18n.use("en"):
        return real_digest(history_dir, day)


# -- alerts ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("day", DAYS)
def test_every_alert_in_every_language_on_every_platform(
    lang: str, day: dt.date, history_dir: Path
) -> None:
    """Firing, escalated, resolved, repeat, grouped, held, delayed, personal, test,
    broadcast and digest messages: Telegram HTML, Discord embed and plain text."""
    seen_kinds: set[EventKind] = set()
    for message in messages(history_dir, day):
        if message.events[0].rule == DIGEST_RULE:
            continue  # the digest's own text is checked in its language below
        seen_kinds |= {e.kind for e in message.events}
        with i18n.use(lang):
            tg = alert_doc(message, ZONES[lang])
            embed = alert_embed(message)
            plain = render_message(message, ZONES[lang])
        visible = check_telegram(tg, lang)
        check_embed(embed, lang)
        check_plain(plain, lang)
        assert visible == plain  # the console shows what the chat reads
    assert seen_kinds == set(EventKind)


def test_a_hostile_rule_name_is_escaped_never_markup(history_dir: Path) -> None:
    """``yen<b>&`` reaches the reader as those characters in every language."""
    message = AlertMessage((personal_event(history_dir),))
    for lang in LANGS:
        with i18n.use(lang):
            doc = alert_doc(message, ZONES[lang])
        assert "yen&lt;b&gt;&amp;" in doc.html and "<b>&" not in doc.html
        assert HOSTILE in visible_text(doc.html, "HTML")
        assert PERSONAL_EXPR in doc.plain


def test_the_same_alert_differs_by_language_and_keeps_its_numbers(history_dir: Path) -> None:
    """The 2024 yen-squeeze alert: three different texts, each with the event's own
    5-day move rounded the same way, in the reader's own wording."""
    squeeze = next(
        e
        for e in events_around(history_dir, UNWIND)
        if e.rule == "yen-squeeze" and e.kind is EventKind.FIRING
    )
    assert squeeze.value is not None
    move = f"{abs(squeeze.value):.1f} %"
    texts = {}
    for lang in LANGS:
        with i18n.use(lang):
            texts[lang] = alert_doc(AlertMessage((squeeze,)), ZONES[lang]).plain
        assert move in texts[lang]
    assert len(set(texts.values())) == 3
    assert "日元兑美元" in texts["zh"] and "套息交易" in texts["zh"]
    assert "円" in texts["ja"] and "キャリートレード" in texts["ja"]
    assert "/risk" in texts["zh"] and "/risk" in texts["ja"]


def test_the_english_check_bites() -> None:
    """The fallback check finds English (so a missing translation fails the tests
    above), and lets commands, tickers, units, brands and rule names through."""
    with i18n.use("en"):
        from bot.render.alert_words import RISK_HINT

        assert english_words(i18n._(RISK_HINT)) == ["Send", "for", "the", "full", "picture"]
    assert english_words("USD/JPY 5日变化 −3.1 % · /risk · yen-squeeze · Kraken · 16 bp") == []


# -- /risk -----------------------------------------------------------------------------


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'carrywatch.db'}") as started:
        yield started


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


CASES = {  # day of the snapshot, hours after the close we ask
    "unwind": (UNWIND, 2),
    "ycc": (YCC, 2),
    "stale": (YCC, 21 * 24),
}


async def answers(
    history_dir: Path, store: Store, case: str
) -> tuple[RiskAnswer, StatusAnswer, dt.datetime]:
    """/risk and /status as the service answers them over the real observations and the
    engine's snapshot; one source failing, so /status names a failing provider."""
    day, hours = CASES[case]
    snap = snapshot_on(history_dir, day)
    await store.upsert_observations(observations_until(history_dir, day))
    await store.save_evaluation(snap, at_close(day))
    now = at_close(day) + dt.timedelta(hours=hours)
    polled = {s for _, sources in WATCHED for s in sources}
    for source in sorted(polled):
        error = "ConnectError: [Errno 111] Connection refused" if source == "coinbase" else None
        await record_poll(store, source, now - dt.timedelta(hours=3), error)
        await record_poll(store, source, now - dt.timedelta(minutes=5), error)
    service = CommandService(store, rules=load_rules(), version="test", clock=Clock(now))
    return await service.risk(), await service.status(), now


@pytest.mark.parametrize("case", sorted(CASES))
async def test_risk_and_status_in_every_language(
    case: str, history_dir: Path, store: Store
) -> None:
    """/risk short and details, and /status feed lines, on Telegram, Discord and the
    console, in each language; a stale snapshot says so first in each."""
    risk, status, now = await answers(history_dir, store, case)
    from bot.render.discord.answers import risk_embed
    from bot.render.telegram.answers import risk_doc

    titles = set()
    for lang in LANGS:
        with i18n.use(lang):
            summary = risk_summary(risk, now, ZONES[lang])
            rows = risk_details(risk)
            feeds = feed_lines(status)
            short = risk_doc(risk, now)
            details = risk_doc(risk, now, details=True)
            embed = risk_embed(risk, now)
            plain = render_risk(risk, now)
            as_of = as_of_line(risk)
        titles.add(summary.title)
        assert summary.stale == (case == "stale")
        assert len(summary.title) + 1 + len("\n".join(summary.lines)) <= 600
        for text in (summary.title, *summary.lines, as_of):
            check_words(text, lang)
        for row in rows:
            check_words(f"{row.title}\n{row.text}", lang)
        assert len(rows) == len(risk.components)
        for feed in feeds:
            check_words(f"{feed.name}: {feed.text}", lang)
        assert any("Coinbase" in f.text for f in feeds)
        # risk_doc / risk_embed add a few words of their own (i18n-answers' files): their
        # markup and limits are checked here, every word from risk_words above and in plain
        check_telegram(short, lang, words=False)
        check_telegram(details, lang, words=False)
        check_embed(embed, lang, words=False)
        check_plain(plain, lang)
        assert summary.title in short.plain and summary.title in plain
    assert len(titles) == 3  # each language its own words


# -- digest ----------------------------------------------------------------------------


@pytest.mark.parametrize("day", DAYS)
def test_digest_text_in_every_language(day: dt.date, history_dir: Path) -> None:
    """The week's digest, and the broadcast that carries it, in each language."""
    texts = {}
    for lang in LANGS:
        with i18n.use(lang):
            texts[lang] = text = real_digest(history_dir, day)
            event = admin_events(day, text)[-1]
            tg = alert_doc(AlertMessage((event,)), ZONES[lang])
            embed = alert_embed(AlertMessage((event,)))
        check_plain(text, lang)
        check_telegram(tg, lang)
        check_embed(embed, lang)
        assert len(text.splitlines()) >= 3
    assert len(set(texts.values())) == 3
    assert "压力分数" in texts["zh"] and "ストレススコア" in texts["ja"]


# -- the shared helpers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "day", "ago_5", "span", "one_day_old"),
    [
        ("en", "Tue 6 Aug", "5 min ago", "2 h 10 min", "as of Tue 6 Aug, 1 day old"),
        ("zh", "8月6日周二", "5分钟前", "2小时10分钟", "数据截至8月6日周二，已过1天"),
        ("ja", "8月6日(火)", "5分前", "2時間10分", "8月6日(火)時点、1日前のデータ"),
    ],
)
def test_time_words_follow_the_locale(
    lang: str, day: str, ago_5: str, span: str, one_day_old: str
) -> None:
    """Days by CLDR (Babel) for zh and ja, the house style kept for English; the
    plural of "day" by the language's rules."""
    from bot.render.common import ago, data_age_text, day_text, duration_words

    with i18n.use(lang):
        assert day_text(dt.date(2024, 8, 6)) == day
        assert ago(dt.timedelta(minutes=5)) == ago_5
        assert duration_words(dt.timedelta(hours=2, minutes=10)) == span
        now = dt.datetime(2024, 8, 7, 9, 0, tzinfo=dt.UTC)
        assert data_age_text(dt.date(2024, 8, 6), now) == one_day_old
        two_days = data_age_text(dt.date(2024, 8, 6), now + dt.timedelta(days=1))
        assert two_days == one_day_old.replace("1", "2").replace("day old", "days old")


def test_the_local_time_is_the_readers_zone() -> None:
    """A 21:00 UTC close reads 06:00 the next day in Tokyo, 05:00 in Shanghai."""
    from bot.render.common import local_time

    close = dt.datetime(2024, 8, 5, 21, 0, tzinfo=dt.UTC)
    with i18n.use("ja"):
        assert local_time(close, "Asia/Tokyo") == "8月6日(火) 06:00 JST"
    with i18n.use("zh"):
        assert local_time(close, "Asia/Shanghai") == "8月6日周二 05:00 CST"
    with i18n.use("en"):
        assert local_time(close, "Europe/Berlin") == "Mon 5 Aug 23:00 CEST"
