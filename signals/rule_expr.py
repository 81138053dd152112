"""The one parser for rule expressions, shared by the TOML rules and chat commands.

Grammar (whitespace between tokens is optional)::

    expr      := indicator op number ["%"] ["for" duration]
    indicator := letter (letter | digit | "_" | ".")*       e.g. jgb.40y, usdjpy.chg_1d_pct
    op        := ">=" | ">" | "<=" | "<"   (also "≥", "≤")
    number    := ["-" | "+"] digits ["." digits]
    duration  := (digits ["." digits] unit)+  unit in s m h d w   e.g. 2d, 1d12h

Safety, because anyone in a chat can send one: no ``eval``, no regular
expressions (a hand-written scanner that looks at each character once), and
input longer than :data:`MAX_EXPR` is refused before scanning. Every failure is
one :class:`RuleExprError` whose one-line message quotes the bad token, says
where it is, and suggests the nearest valid name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from signals.durations import format_duration, parse_duration
from signals.rule_names import Catalog, catalog

MAX_EXPR = 200
MAX_FOR = dt.timedelta(days=90)
_OPS = (">=", "<=", ">", "<")
_ALIASES = {"≥": ">=", "≤": "<="}
_MEANT = {"=>": ">=", "=<": "<=", "=": ">=", "==": ">="}
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")


class RuleExprError(ValueError):
    """An expression is wrong; ``str()`` is one line naming the token and the fix."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(" ".join(message.split()))  # never more than one line
        self.column = column


@dataclass(frozen=True, slots=True)
class RuleExpr:
    """A parsed expression: what to watch, against what, for how long."""

    indicator: str
    op: str
    threshold: float
    for_: dt.timedelta = dt.timedelta(0)

    @property
    def rising(self) -> bool:
        return self.op in (">=", ">")

    def __str__(self) -> str:
        text = f"{self.indicator} {self.op} {format_number(self.threshold)}"
        return f"{text} for {format_duration(self.for_)}" if self.for_ else text


def format_number(value: float) -> str:
    """Shortest text that parses back to exactly ``value``, never in e-notation."""
    text = repr(value)
    if "e" in text:
        text = f"{value:.20f}".rstrip("0").rstrip(".")
    return text.removesuffix(".0")


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    column: int  # 1-based, as a person counts


def _show(text: str) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return repr(text if len(text) <= 30 else text[:27] + "…")


def _tokens(text: str) -> list[_Token]:
    """Split into names/numbers/durations, operators and single odd characters."""
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if c in "<>=≥≤":
            i += 2 if i + 1 < n and text[i + 1] in "=<>" and c in "<>=" else 1
        elif c.isascii() and (c.isalnum() or c in "_.+-"):
            i += 1
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] in "_."):
                i += 1
        else:
            i += 1
        out.append(_Token(text[start:i], start + 1))
    return out


def _number(tok: _Token) -> float | None:
    body = tok.text[1:] if tok.text[:1] in "+-" else tok.text
    whole, dot, frac = body.partition(".")
    digits = whole.isascii() and whole.isdigit()
    if not digits or (dot and not (frac.isascii() and frac.isdigit())):
        return None
    if len(body) > 20:
        return None
    value = float(tok.text)
    return value if math.isfinite(value) else None


def _in_percent(name: str) -> bool:
    """Whether a trailing ``%`` after the number reads right for ``name``."""
    if name == "score" or name.startswith("component.") or name.endswith("_bp"):
        return False
    return ".z_" not in name


def parse_expression(
    text: str, names: Catalog | None = None, *, known: Callable[[str], bool] | None = None
) -> RuleExpr:
    """Parse one expression; raise :class:`RuleExprError` on anything else.

    ``names`` (default: the engine's catalog) decides which indicators exist and
    what to suggest; ``known``, when given, decides existence instead (the TOML
    loader passes the config's own check).
    """
    if not isinstance(text, str):
        raise RuleExprError(f"expected an expression as text, got {type(text).__name__}")
    if len(text) > MAX_EXPR:
        raise RuleExprError(
            f"expression too long ({len(text):,} characters; at most {MAX_EXPR}) — "
            "e.g. jgb.40y >= 3.8"
        )
    catalog_ = names or catalog()
    toks = _tokens(text.lower())
    if not toks:
        raise RuleExprError("empty expression — e.g. jgb.40y >= 3.8 or score >= 60")
    name = toks[0]
    if not (name.text[0].isalpha() and name.text.isascii() and set(name.text) <= _NAME_CHARS):
        raise RuleExprError(
            f"expected an indicator at column 1, got {_show(name.text)} — e.g. jgb.40y >= 3.8", 1
        )
    exists = known(name.text) if known is not None else name.text in catalog_
    if not exists:
        raise RuleExprError(catalog_.unknown(name.text), 1)
    if len(toks) < 2:
        raise RuleExprError(f"{name.text}: missing a comparison — e.g. {name.text} >= 3.8")
    op_tok = toks[1]
    op = _ALIASES.get(op_tok.text, op_tok.text)
    if op not in _OPS:
        meant = _MEANT.get(op_tok.text)
        hint = f" — did you mean {meant}?" if meant else ""
        raise RuleExprError(
            f"expected >=, >, <= or < at column {op_tok.column}, got {_show(op_tok.text)}{hint}",
            op_tok.column,
        )
    if len(toks) < 3:
        raise RuleExprError(f"missing a number after {op!r} — e.g. {name.text} {op} 3.8")
    num_tok = toks[2]
    threshold = _number(num_tok)
    if threshold is None:
        raise RuleExprError(
            f"expected a number after {op!r} at column {num_tok.column}, got {_show(num_tok.text)}",
            num_tok.column,
        )
    rest = toks[3:]
    if rest and rest[0].text == "%":
        if not _in_percent(name.text):
            raise RuleExprError(
                f"'%' does not fit {name.text}: write the number alone", rest[0].column
            )
        rest = rest[1:]
    for_ = _for_clause(rest)
    return RuleExpr(name.text, op, threshold, for_)


def _for_clause(rest: list[_Token]) -> dt.timedelta:
    if not rest:
        return dt.timedelta(0)
    head = rest[0]
    if head.text != "for":
        raise RuleExprError(
            f"unexpected {_show(head.text)} at column {head.column} — only 'for <duration>' "
            "may follow the number, e.g. for 2d",
            head.column,
        )
    if len(rest) < 2:
        raise RuleExprError("missing a duration after 'for' — e.g. for 2d", head.column)
    if len(rest) > 2:
        extra = rest[2]
        raise RuleExprError(
            f"unexpected {_show(extra.text)} at column {extra.column} after the duration",
            extra.column,
        )
    tok = rest[1]
    try:
        value = parse_duration(tok.text)
    except ValueError:
        raise RuleExprError(
            f"bad duration {_show(tok.text)} at column {tok.column} — e.g. 2d, 12h, 1w",
            tok.column,
        ) from None
    if value > MAX_FOR:
        raise RuleExprError(f"'for' is at most {format_duration(MAX_FOR)}", tok.column)
    return value
