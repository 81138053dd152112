"""Telegram message text as styled spans: one model, two outputs (HTML and plain).

Renderers never concatenate HTML strings. They build :class:`Doc` lines of
:class:`Span` (plain text plus an optional tag), and this module escapes them
for ``parse_mode=HTML``, produces the plain-text fallback, and fits a message
into Telegram's limit. The limit counts the *visible* text in UTF-16 code units
(what Telegram measures after parsing entities), so truncation works on spans
and can never cut a tag or an ``&amp;`` in half.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Tag = Literal["b", "i", "code", "pre", "u"]

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    tag: Tag | None = None

    @property
    def html(self) -> str:
        escaped = escape(self.text)
        return f"<{self.tag}>{escaped}</{self.tag}>" if self.tag and self.text else escaped


Line = tuple[Span, ...]


def escape(text: str) -> str:
    """Escape ``<``, ``>`` and ``&`` for Telegram HTML (quotes need no escaping in text)."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def line(*parts: str | Span) -> Line:
    """A line from plain strings and spans; strings are untagged."""
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts if p)


def b(text: str) -> Span:
    return Span(text, "b")


def i(text: str) -> Span:
    return Span(text, "i")


def code(text: str) -> Span:
    return Span(text, "code")


@dataclass(frozen=True, slots=True)
class Doc:
    """A message as lines of spans; empty lines separate paragraphs."""

    lines: tuple[Line, ...]

    @classmethod
    def of(cls, lines: Iterable[Line | str]) -> Doc:
        return cls(tuple(line(x) if isinstance(x, str) else x for x in lines))

    @property
    def html(self) -> str:
        return "\n".join("".join(s.html for s in ln) for ln in self.lines).strip("\n")

    @property
    def plain(self) -> str:
        return "\n".join("".join(s.text for s in ln) for ln in self.lines).strip("\n")

    def __add__(self, other: Doc) -> Doc:
        return Doc(self.lines + other.lines)

    def fit(self, limit: int = MESSAGE_LIMIT, note: str = ELLIPSIS) -> Doc:
        """The longest prefix whose visible text fits ``limit``, ending in ``note`` if cut."""
        if utf16_len(self.plain) <= limit:
            return self
        budget = limit - utf16_len(note) - 1  # the newline before the note
        kept: list[Line] = []
        for ln in self.lines:
            cost = sum(utf16_len(s.text) for s in ln) + (1 if kept else 0)
            if cost <= budget:
                kept.append(ln)
                budget -= cost
                continue
            if kept:
                budget -= 1
            partial = _cut_line(ln, budget)
            if partial:
                kept.append(partial)
            break
        return Doc((*kept, line(note)))


def _cut_line(ln: Sequence[Span], budget: int) -> Line:
    """The first ``budget`` UTF-16 units of a line, never splitting a character."""
    out: list[Span] = []
    for span in ln:
        if budget <= 0:
            break
        size = utf16_len(span.text)
        if size <= budget:
            out.append(span)
            budget -= size
            continue
        chars: list[str] = []
        for ch in span.text:
            width = utf16_len(ch)
            if width > budget:
                break
            chars.append(ch)
            budget -= width
        out.append(Span("".join(chars), span.tag))
        break
    return tuple(out)
