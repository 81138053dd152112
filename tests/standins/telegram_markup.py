"""Minimal formatting checks: reject what Telegram rejects, return the visible text.

Telegram answers 400 "Bad Request: can't parse entities: ..." for broken HTML
or MarkdownV2 and counts the 4096/1024 length limits on the text *after*
entity parsing. The checks here cover what a renderer gets wrong in practice:
unknown or unbalanced HTML tags, unsupported HTML entities, unescaped
MarkdownV2 reserved characters and unterminated entities. They do not build
``entities`` arrays.
"""

from __future__ import annotations

import html
import re

from tests.standins.telegram_objects import ApiError

HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
_HTML_NAMED = frozenset({"lt", "gt", "amp", "quot"})
MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


def _parse_error(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {detail}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text a user reads, or ApiError(400) as Telegram would answer."""
    if not parse_mode:
        return text
    mode = parse_mode.lower()
    if mode == "html":
        return _visible_html(text)
    if mode == "markdownv2":
        return _visible_markdown(text, v2=True)
    if mode == "markdown":
        return _visible_markdown(text, v2=False)
    raise ApiError(400, "Bad Request: unsupported parse_mode")


def _visible_html(text: str) -> str:
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            tag = _TAG.match(text, i)
            if tag is None:
                snippet = text[i + 1 : i + 10].split(">")[0]
                raise _parse_error(
                    f'Unsupported start tag "{snippet}" at byte offset {_byte_offset(text, i)}'
                )
            closing, name = tag[1] == "/", tag[2].lower()
            if closing:
                if not stack or stack[-1] != name:
                    expected = f', expected "</{stack[-1]}>"' if stack else ""
                    raise _parse_error(
                        f"Unmatched end tag at byte offset {_byte_offset(text, i)}"
                        f'{expected}, found "</{name}>"'
                    )
                stack.pop()
            elif name not in HTML_TAGS:
                raise _parse_error(
                    f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                )
            else:
                stack.append(name)
            i = tag.end()
            continue
        if char == "&" and (entity := _ENTITY.match(text, i)):
            name = entity[1]
            if not name.startswith("#") and name not in _HTML_NAMED:
                raise _parse_error(
                    f'Unsupported HTML entity "&{name};" at byte offset {_byte_offset(text, i)}'
                )
            out.append(html.unescape(entity[0]))
            i = entity.end()
            continue
        out.append(char)
        i += 1
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _visible_markdown(text: str, *, v2: bool) -> str:
    """MarkdownV2 (escaping enforced) or legacy Markdown (only * _ ` [ balance)."""
    out: list[str] = []
    open_at: dict[str, int] = {}  # marker -> byte offset where it opened
    code: str | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and (v2 or text[i + 1] in "_*`["):
            out.append(text[i + 1])
            i += 2
            continue
        if code is not None:
            if text.startswith(code, i):
                del open_at[code]
                i += len(code)
                code = None
            else:
                out.append(char)
                i += 1
            continue
        multi = ("```", "||", "__") if v2 else ("```",)
        marker = next(
            (m for m in multi if text.startswith(m, i)),
            char if char in ("*_~`" if v2 else "*_`") else None,
        )
        if marker in ("`", "```"):
            code = marker
            open_at[marker] = _byte_offset(text, i)
        elif marker is not None:
            if marker in open_at:
                del open_at[marker]
            else:
                open_at[marker] = _byte_offset(text, i)
        elif char == "[":
            open_at.setdefault("[", _byte_offset(text, i))
        elif char == "]" and "[" in open_at and text.startswith("(", i + 1):
            end = text.find(")", i + 2)
            if end < 0:
                break
            del open_at["["]
            i = end + 1
            continue
        elif char == ">" and v2 and (i == 0 or text[i - 1] == "\n"):
            pass  # blockquote line
        elif v2 and char in MDV2_RESERVED:
            raise _parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            out.append(char)
        i += len(marker) if marker else 1
    if open_at:
        start = min(open_at.values())
        raise _parse_error(f"Can't find end of the entity starting at byte offset {start}")
    return "".join(out)
