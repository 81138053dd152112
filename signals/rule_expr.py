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
one :class:`RuleExprError`: a ``code`` with ``params`` (the bad token as typed,
its column, the nearest valid name) that ``bot/render`` turns into words for a
reader in their language; ``str()`` is the same sentence in English, for the
TOML loader, the CLI and logs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from signals.durations import format_duration, parse_duration
from signals.rule_names import Catalog, catalog

MAX_EXPR = 200
MAX_FOR = dt.timedelta(days=90)
_OPS = (">=", "<=", ">", "<")
_ALIASES = {"≥": ">=", "≤": "<="}
_MEANT = {"=>": ">=", "=<": "<=", "=": ">=", "==": ">="}
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")


ErrorParam = str | int


# The English sentence of each error code (str() of the error: TOML loader, CLI, logs).
# bot/render/rule_errors.py says the same for chat readers, in their language; a test
# pins the English of both together.
MESSAGES: Mapping[str, str] = {
    "not_text": "expected an expression as text, got {type}",
    "too_long": "expression too long ({length:,} characters; at most {limit}) — "
    "e.g. jgb.40y >= 3.8",
    "empty": "empty expression — e.g. jgb.40y >= 3.8 or score >= 60",
    "not_indicator": "expected an indicator at column 1, got {token} — e.g. jgb.40y >= 3.8",
    "unknown_series": "unknown series {name} — try score, jgb.40y, usdjpy or btc",
    "unknown_series_guess": "unknown series {name} — did you mean {guess}?",
    "unknown_indicator": "unknown indicator {name} for {series} — "
    "try score, jgb.40y, usdjpy or btc",
    "unknown_indicator_guess": "unknown indicator {name} for {series} — did you mean {guess}?",
    "unknown_component": "unknown component {name} — try score, jgb.40y, usdjpy or btc",
    "unknown_component_guess": "unknown component {name} — did you mean {guess}?",
    "missing_op": "{name}: missing a comparison — e.g. {name} >= 3.8",
    "bad_op": "expected >=, >, <= or < at column {column}, got {token}",
    "bad_op_guess": "expected >=, >, <= or < at column {column}, got {token} — "
    "did you mean {guess}?",
    "missing_number": "missing a number after {op} — e.g. {name} {op_raw} 3.8",
    "bad_number": "expected a number after {op} at column {column}, got {token}",
    "percent_misfit": "'%' does not fit {name}: write the number alone",
    "unexpected": "unexpected {token} at column {column} — only 'for <duration>' may follow "
    "the number, e.g. for 2d",
    "missing_duration": "missing a duration after 'for' — e.g. for 2d",
    "after_duration": "unexpected {token} at column {column} after the duration",
    "bad_duration": "bad duration {token} at column {column} — e.g. 2d, 12h, 1w",
    "for_too_long": "'for' is at most {limit}",
}


class RuleExprError(ValueError):
    """An expression is wrong: ``code`` (a key of :data:`MESSAGES`), its ``params``
    (tokens already quoted and shortened for display) and the 1-based ``column`` of
    the bad token. ``str()`` is the one English line."""

    def __init__(self, code: str, column: int | None = None, **params: ErrorParam) -> None:
        self.code = code
        self.params: Mapping[str, ErrorParam] = params
        self.column = column
        super().__init__(
            " ".join(MESSAGES[code].format(column=column, **params).split())
        )  # one line


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
        raise RuleExprError("not_text", type=type(text).__name__)
    if len(text) > MAX_EXPR:
        raise RuleExprError("too_long", length=len(text), limit=MAX_EXPR)
    catalog_ = names or catalog()
    toks = _tokens(text.lower())
    if not toks:
        raise RuleExprError("empty")
    name = toks[0]
    if not (name.text[0].isalpha() and name.text.isascii() and set(name.text) <= _NAME_CHARS):
        raise RuleExprError("not_indicator", 1, token=_show(name.text))
    exists = known(name.text) if known is not None else name.text in catalog_
    if not exists:
        code, params = catalog_.unknown(name.text)
        raise RuleExprError(code, 1, **params)
    if len(toks) < 2:
        raise RuleExprError("missing_op", name=name.text)
    op_tok = toks[1]
    op = _ALIASES.get(op_tok.text, op_tok.text)
    if op not in _OPS:
        meant = _MEANT.get(op_tok.text)
        shown = _show(op_tok.text)
        if meant:
            raise RuleExprError("bad_op_guess", op_tok.column, token=shown, guess=meant)
        raise RuleExprError("bad_op", op_tok.column, token=shown)
    if len(toks) < 3:
        raise RuleExprError("missing_number", op=repr(op), op_raw=op, name=name.text)
    num_tok = toks[2]
    threshold = _number(num_tok)
    if threshold is None:
        raise RuleExprError("bad_number", num_tok.column, op=repr(op), token=_show(num_tok.text))
    rest = toks[3:]
    if rest and rest[0].text == "%":
        if not _in_percent(name.text):
            raise RuleExprError("percent_misfit", rest[0].column, name=name.text)
        rest = rest[1:]
    for_ = _for_clause(rest)
    return RuleExpr(name.text, op, threshold, for_)


def _for_clause(rest: list[_Token]) -> dt.timedelta:
    if not rest:
        return dt.timedelta(0)
    head = rest[0]
    if head.text != "for":
        raise RuleExprError("unexpected", head.column, token=_show(head.text))
    if len(rest) < 2:
        raise RuleExprError("missing_duration", head.column)
    if len(rest) > 2:
        extra = rest[2]
        raise RuleExprError("after_duration", extra.column, token=_show(extra.text))
    tok = rest[1]
    try:
        value = parse_duration(tok.text)
    except ValueError:
        raise RuleExprError("bad_duration", tok.column, token=_show(tok.text)) from None
    if value > MAX_FOR:
        raise RuleExprError("for_too_long", tok.column, limit=format_duration(MAX_FOR))
    return value
