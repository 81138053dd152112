"""Checks every rendered answer must pass, in every language.

- Telegram HTML parses (``html.parser``), uses only the tags Telegram allows, is
  balanced, and its text is exactly the document's plain text: every value was
  escaped once (a hostile ``<b>&`` comes out as text, not markup).
- Within the platform's limits (Telegram 4,096 / caption 1,024 UTF-16 units;
  Discord embed parts and 6,000 in all; 2,000 for a message).
- No ``{placeholder}`` left over.
- zh and ja: no English left — no lowercase English word outside what a reader
  types or reads as a symbol (commands and their arguments, series and indicator
  names such as jgb.40y, units, tickers, time zones).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import discord

from bot.render.discord import limits
from bot.render.telegram.text import CAPTION_LIMIT, MESSAGE_LIMIT, Doc, utf16_len
from signals.rule_names import catalog

# https://core.telegram.org/bots/api#html-style
TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
     "tg-spoiler", "span", "blockquote", "tg-emoji"}
)  # fmt: skip
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
# Words a reader types or reads as symbols in any language: command arguments and
# keywords, units, the bot's name, weekday arguments.
_TYPED = (
    "on off all add list remove rm test level quiet mute unmute timezone mute_rule "
    "unmute_rule for low elevated high severe score usdjpy btc jgb ust spread carrywatch "
    "mon tue wed thu fri sat sun bp min expr name rule duration zone text days day "
    "channel alerts ping role private group supergroup"  # + Telegram chat types
)
TYPED = frozenset(_TYPED.split())
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-']*")
_COMMAND = re.compile(r"/[a-z_]+")
_CODE_MD = re.compile(r"`[^`]*`")
_ANGLE = re.compile(r"<[a-z_|]+>")  # <expr>, <rule>, <low|elevated|high|severe>
_ZONE = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Za-z_/]+\b")  # Asia/Tokyo, America/New_York
_QUOTED = re.compile(r"'[^'\s]*'")
_ENV = re.compile(r"\b[A-Z][A-Z0-9_]{2,}\b")


class TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.prose: list[str] = []  # the text outside <code>: what must be translated
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"tag <{tag}> is not allowed by Telegram")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        self.prose.append(" " if "code" in self.stack else data)


def english_left(text: str) -> list[str]:
    """Lowercase English words in ``text`` that no zh/ja reader should see."""
    text = _QUOTED.sub(" ", text.replace("\\_", "_"))  # what the user typed, echoed
    text = _ZONE.sub(" ", _ENV.sub(" ", _ANGLE.sub(" ", text)))
    text = _COMMAND.sub(" ", text)
    names = set(catalog().names)
    out = []
    for word in _WORD.findall(text):
        w = word.strip(".'-").lower()
        bare = w.split("'")[0]
        if word != word.lower() or len(bare) < 3:  # tickers, BTC, JST; short tokens
            continue
        if bare in TYPED or bare in names or any(c.isdigit() for c in bare) or "." in bare:
            continue
        if "_" in bare or "-" in bare:  # rule names, indicator suffixes
            continue
        out.append(word)
    return out


def check_text(text: str, lang: str, where: str) -> None:
    assert not PLACEHOLDER.search(text), f"{where} [{lang}]: leftover placeholder in {text!r}"
    if lang != "en":
        left = english_left(text)
        assert not left, f"{where} [{lang}]: English left {left} in {text!r}"


def check_telegram(
    doc: Doc,
    lang: str,
    where: str,
    *,
    caption: bool = False,
    words: bool = True,
) -> None:
    """``words=False``: markup and length only (a document cut mid-line by ``fit``)."""
    html = doc.html
    parser = TelegramHTML()
    parser.feed(html)
    parser.close()
    assert not parser.errors, f"{where} [{lang}]: {parser.errors} in {html!r}"
    assert not parser.stack, f"{where} [{lang}]: unclosed {parser.stack}"
    assert "".join(parser.text) == doc.plain, f"{where} [{lang}]: escaping broke the text"
    limit = CAPTION_LIMIT if caption else MESSAGE_LIMIT
    assert 0 < utf16_len(doc.plain) <= limit, f"{where} [{lang}]: {utf16_len(doc.plain)} > {limit}"
    if words:
        check_text("".join(parser.prose), lang, where)


def check_embed(embed: discord.Embed, lang: str, where: str) -> None:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    assert len(embed.title or "") <= limits.TITLE
    assert len(embed.description or "") <= limits.DESCRIPTION
    assert len(embed.fields) <= limits.FIELDS
    for field in embed.fields:
        assert 0 < len(field.name or "") <= limits.FIELD_NAME, f"{where} [{lang}]: field name"
        assert 0 < len(field.value or "") <= limits.FIELD_VALUE, f"{where} [{lang}]: value"
        parts += [field.name or "", field.value or ""]
    assert limits.embed_size(embed) <= limits.TOTAL, f"{where} [{lang}]: embed over 6,000"
    check_text(_CODE_MD.sub(" ", "\n".join(parts)), lang, where)


def check_discord_text(text: str, lang: str, where: str) -> None:
    assert 0 < len(text) <= 2000, f"{where} [{lang}]: {len(text)} characters"
    check_text(_CODE_MD.sub(" ", text), lang, where)
