"""The rule-expression parser: the grammar, one-line errors with suggestions, any input.

Pins down that the four expressions of issue 13 parse to the right rule, that
each kind of mistake names the bad token and the nearest valid name, that the
catalog of names agrees with ``known_indicator``, and that arbitrary text only
ever yields a ``RuleExpr`` or a one-line ``RuleExprError``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.backtest import known_indicator
from signals.rule_expr import MAX_EXPR, RuleExpr, RuleExprError, parse_expression
from signals.rule_names import catalog


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jgb.40y >= 3.8", RuleExpr("jgb.40y", ">=", 3.8)),
        ("usdjpy.chg_1d_pct <= -2", RuleExpr("usdjpy.chg_1d_pct", "<=", -2.0)),
        (
            "btc.drawdown_30d <= -20 for 2d",
            RuleExpr("btc.drawdown_30d", "<=", -20.0, dt.timedelta(days=2)),
        ),
        ("score >= 60", RuleExpr("score", ">=", 60.0)),
        ("  SCORE>60  ", RuleExpr("score", ">", 60.0)),
        ("jgb.40y ≥ 3.8%", RuleExpr("jgb.40y", ">=", 3.8)),
        ("usdjpy < +140.5 for 1d12h", RuleExpr("usdjpy", "<", 140.5, dt.timedelta(hours=36))),
    ],
)
def test_valid_expressions(text: str, expected: RuleExpr) -> None:
    assert parse_expression(text) == expected


def test_round_trip_through_str() -> None:
    """What a rule shows (``str``) parses back to the same rule."""
    expr = parse_expression("btc.drawdown_30d <= -20 for 2d")
    assert str(expr) == "btc.drawdown_30d <= -20 for 2d"
    assert parse_expression(str(expr)) == expr


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 6)))
def test_any_threshold_round_trips(value: float) -> None:
    """A stored rule's text (typed thresholds: up to 6 decimals) parses back exactly."""
    expr = RuleExpr("score", ">=", value)
    assert parse_expression(str(expr)).threshold == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("jgb.40 >= 3.8", "unknown series 'jgb.40' — did you mean jgb.40y?"),
        ("usdjpi <= 140", "unknown series 'usdjpi' — did you mean usdjpy?"),
        (
            "jgb.40.chg_5d_bp >= 10",
            "unknown series 'jgb.40' — did you mean jgb.40y.chg_5d_bp?",
        ),
        (
            "btc.drawdown_20d <= -20",
            "unknown indicator 'btc.drawdown_20d' for btc — did you mean btc.drawdown_30d?",
        ),
        ("score => 60", "expected >=, >, <= or < at column 7, got '=>' — did you mean >=?"),
        ("score >= lots", "expected a number after '>=' at column 10, got 'lots'"),
        ("score >= 60 for ever", "bad duration 'ever' at column 17 — e.g. 2d, 12h, 1w"),
        ("score >= 60 for 1000d", "'for' is at most 12w6d"),
        ("score >= 60 and btc < 1", "unexpected 'and' at column 13"),
        ("jgb.30y.chg_5d_bp >= 20%", "'%' does not fit jgb.30y.chg_5d_bp"),
        ("", "empty expression"),
        ("score", "score: missing a comparison"),
        ("9 >= score", "expected an indicator at column 1, got '9'"),
    ],
)
def test_errors_point_at_the_token(text: str, message: str) -> None:
    with pytest.raises(RuleExprError) as err:
        parse_expression(text)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_hostile_long_input_is_refused_before_scanning() -> None:
    """5,000 characters get the length error, not a scan or a suggestion over them."""
    with pytest.raises(RuleExprError) as err:
        parse_expression("jgb." + "4" * 4996)
    assert str(err.value).startswith("expression too long (5,000 characters; at most 200)")


def test_catalog_agrees_with_known_indicator() -> None:
    """Every catalog name is valid for the backtest, and near-misses are not."""
    names = catalog().names
    assert {"score", "jgb.40y", "usdjpy.chg_1d_pct", "btc.drawdown_30d"} <= set(names)
    assert all(known_indicator(n) for n in names)
    assert not any(known_indicator(n + "x") for n in names)


def test_toml_rules_share_the_parser() -> None:
    """The TOML loader's 'when' goes through the same parser and the same suggestions."""
    from signals.rules import RuleConfigError, parse_rule

    with pytest.raises(RuleConfigError) as err:
        parse_rule({"name": "r", "when": "jgb.40 >= 3.8"}, known_indicator)
    assert "did you mean jgb.40y?" in str(err.value)
    rule = parse_rule({"name": "r", "when": "btc.drawdown_30d <= -20 for 2d"}, known_indicator)
    assert rule.for_ == dt.timedelta(days=2)


_ALPHABET = st.sampled_from(
    [*"abcjgbusdtcporex0123456789._-+%<>=≥≤ \t\n", "for", "jgb.40y", "score", "\x00", "é"]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_ALPHABET, max_size=80).map("".join)))
def test_any_text_is_a_rule_or_a_one_line_error(text: str) -> None:
    try:
        expr = parse_expression(text)
    except RuleExprError as exc:
        message = str(exc)
    else:
        message = ""
    if message:
        assert "\n" not in message and len(message) < 240
        return
    assert len(text) <= MAX_EXPR
    assert expr.indicator in catalog()
    assert expr.op in (">=", ">", "<=", "<")
    assert parse_expression(str(expr)) == expr
