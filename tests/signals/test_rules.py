"""Rule parsing errors and the rule state machine (hysteresis, for, cooldown, keep_firing_for)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.rules.load import load_rules
from signals.backtest import known_indicator
from signals.levels import Level
from signals.rules import (
    Phase,
    RuleBook,
    RuleConfigError,
    RuleState,
    TransitionKind,
    parse_rule,
    step,
)

T0 = dt.datetime(2024, 8, 1, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def rule(**overrides: object) -> object:
    raw = {"name": "r", "when": "usdjpy.chg_5d_pct <= -3", "clear": -1.5, "level": "high"}
    raw.update(overrides)
    return parse_rule(raw, known_indicator)


def test_parse_reads_every_field() -> None:
    r = parse_rule(
        {
            "name": "x",
            "when": "jgb.40y >= 3.7",
            "clear": 3.6,
            "for": "1d",
            "cooldown": "12h",
            "keep_firing_for": "30m",
            "level": "severe",
            "family": "jgb",
        },
        known_indicator,
    )
    assert (r.indicator, r.op, r.threshold, r.clear) == ("jgb.40y", ">=", 3.7, 3.6)
    assert r.for_ == dt.timedelta(days=1) and r.cooldown == dt.timedelta(hours=12)
    assert r.keep_firing_for == dt.timedelta(minutes=30) and r.level is Level.SEVERE


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"when": "jgb.40y => 3"}, "when", "expected"),
        ({"when": "jgb.41y >= 3"}, "when", "unknown series 'jgb.41y' — did you mean jgb.40y?"),
        ({"clear": -5}, "clear", "must be at or above"),
        ({"clear": "low"}, "clear", "expected a number"),
        ({"level": "panic"}, "level", "choose one of"),
        ({"for": "2 fortnights"}, "for", "bad duration"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_parse_errors_name_rule_and_field(
    overrides: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(RuleConfigError) as err:
        rule(**overrides)
    assert err.value.rule == "r"
    assert err.value.field == field
    assert words in str(err.value) and "'r'" in str(err.value)


def test_default_rules_ship_and_parse() -> None:
    rules = load_rules()
    names = {r.name for r in rules}
    assert {"score-high", "score-severe", "jgb40y-record", "yen-surge", "btc-drawdown"} <= names
    assert all(known_indicator(r.indicator) for r in rules)


def test_rules_file_errors_name_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\nname = "a"\nwhen = "score >= 50"\nlevel = "hgih"\n')
    with pytest.raises(RuleConfigError, match=r"rules\.toml"):
        load_rules(path)


def test_hysteresis_keeps_firing_until_clear_level() -> None:
    r = rule()
    s, t = step(r, RuleState(), -3.2, at(0))
    assert t and t.kind is TransitionKind.FIRING and s.phase is Phase.FIRING and s.episode == 1
    s, t = step(r, s, -2.0, at(1))  # back above the threshold but not past clear
    assert t is None and s.phase is Phase.FIRING
    s, t = step(r, s, -1.0, at(2))
    assert t and t.kind is TransitionKind.RESOLVED and t.episode == 1 and s.phase is Phase.INACTIVE


def test_for_duration_delays_firing_and_resets_when_condition_breaks() -> None:
    r = rule(**{"for": "2h"})
    s, t = step(r, RuleState(), -3.5, at(0))
    assert t is None and s.phase is Phase.PENDING
    s, t = step(r, s, -1.0, at(1))
    assert s.phase is Phase.INACTIVE
    s, _ = step(r, s, -3.5, at(2))
    s, t = step(r, s, -3.5, at(3.9))
    assert t is None
    s, t = step(r, s, -3.5, at(4))
    assert t and t.kind is TransitionKind.FIRING


def test_cooldown_holds_a_new_episode_back() -> None:
    r = rule(cooldown="1d")
    s, _ = step(r, RuleState(), -4, at(0))
    s, t = step(r, s, 0.0, at(1))
    assert t and t.kind is TransitionKind.RESOLVED
    s, t = step(r, s, -4, at(5))
    assert t is None and s.phase is Phase.PENDING
    s, t = step(r, s, -4, at(25))
    assert t and t.kind is TransitionKind.FIRING and t.episode == 2


def test_keep_firing_for_needs_a_sustained_clear() -> None:
    r = rule(keep_firing_for="3h")
    s, _ = step(r, RuleState(), -4, at(0))
    s, t = step(r, s, 0.0, at(1))
    assert t is None and s.phase is Phase.RECOVERING
    s, t = step(r, s, -4, at(2))  # re-crossed: back to firing, no new event
    assert t is None and s.phase is Phase.FIRING and s.episode == 1
    s, _ = step(r, s, 0.0, at(3))
    s, t = step(r, s, 0.0, at(6))
    assert t and t.kind is TransitionKind.RESOLVED


def test_missing_value_never_resolves() -> None:
    r = rule()
    book = RuleBook([r])
    assert book.evaluate({"usdjpy.chg_5d_pct": -4.0}, at(0))
    for h in range(1, 48):
        assert book.evaluate({}, at(h)) == []
    assert book.states["r"].phase is Phase.FIRING
