"""A rule-expression mistake in the reader's language.

``signals.rule_expr`` reports a mistake as a code, the column of the bad token
and its params (the token as typed, quoted and shortened; the nearest valid
name); this module has one whole sentence per code. The English is the same
as ``str()`` of the error (the TOML loader and the CLI print that), which a
test pins.
"""

from __future__ import annotations

from bot.i18n import N_, _
from bot.i18n.formats import decimal
from signals.rule_expr import RuleExprError

MESSAGES: dict[str, str] = {
    "not_text": N_("expected an expression as text, got {type}"),
    "too_long": N_(
        "expression too long ({length} characters; at most {limit}) — e.g. jgb.40y >= 3.8"
    ),
    "empty": N_("empty expression — e.g. jgb.40y >= 3.8 or score >= 60"),
    "not_indicator": N_("expected an indicator at column 1, got {token} — e.g. jgb.40y >= 3.8"),
    "unknown_series": N_("unknown series {name} — try score, jgb.40y, usdjpy or btc"),
    "unknown_series_guess": N_("unknown series {name} — did you mean {guess}?"),
    "unknown_indicator": N_(
        "unknown indicator {name} for {series} — try score, jgb.40y, usdjpy or btc"
    ),
    "unknown_indicator_guess": N_("unknown indicator {name} for {series} — did you mean {guess}?"),
    "unknown_component": N_("unknown component {name} — try score, jgb.40y, usdjpy or btc"),
    "unknown_component_guess": N_("unknown component {name} — did you mean {guess}?"),
    "missing_op": N_("{name}: missing a comparison — e.g. {name} >= 3.8"),
    "bad_op": N_("expected >=, >, <= or < at column {column}, got {token}"),
    "bad_op_guess": N_(
        "expected >=, >, <= or < at column {column}, got {token} — did you mean {guess}?"
    ),
    "missing_number": N_("missing a number after {op} — e.g. {name} {op_raw} 3.8"),
    "bad_number": N_("expected a number after {op} at column {column}, got {token}"),
    "percent_misfit": N_("'%' does not fit {name}: write the number alone"),
    "unexpected": N_(
        "unexpected {token} at column {column} — only 'for <duration>' may follow the "
        "number, e.g. for 2d"
    ),
    "missing_duration": N_("missing a duration after 'for' — e.g. for 2d"),
    "after_duration": N_("unexpected {token} at column {column} after the duration"),
    "bad_duration": N_("bad duration {token} at column {column} — e.g. 2d, 12h, 1w"),
    "for_too_long": N_("'for' is at most {limit}"),
}


def rule_error_text(err: RuleExprError) -> str:
    """The one line a chat shows for ``err`` (English: exactly ``str(err)``)."""
    template = MESSAGES.get(err.code)
    if template is None:  # a code this table does not know yet: the English, not nothing
        return str(err)
    params: dict[str, object] = {**err.params, "column": err.column}
    if "length" in params:
        params["length"] = decimal(int(err.params["length"]))
    return " ".join(_(template).format(**params).split())
