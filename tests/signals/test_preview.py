"""The historical preview over the real history panel.

Pins down: the fast walk gives exactly the transitions of ``walk_rules`` (the
RuleBook semantics, ``for``/hysteresis/cooldown included), known episodes
fire, ``for 2d`` waits two days, the counts and the quiet spell follow from
the fire dates, and a rule that never fires says so.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from signals.backtest import indicator_array, walk_rules
from signals.engine import ScoredHistory, score_history
from signals.preview import SINCE, personal_rule, preview, walk_one
from signals.rule_expr import parse_expression
from signals.rules import TransitionKind

RULES = [
    "jgb.40y >= 3.8",
    "usdjpy.chg_1d_pct <= -2",
    "btc.drawdown_30d <= -20 for 2d",
    "score >= 60",
    "usdjpy > 150 for 3d",
    "jgb.10y.chg_5d_bp >= 15",
]


@pytest.fixture(scope="module")
def history(real_panel: pd.DataFrame) -> ScoredHistory:
    return score_history(real_panel)


@pytest.mark.parametrize("text", RULES)
def test_fast_walk_equals_the_rulebook_walk(history: ScoredHistory, text: str) -> None:
    rule = personal_rule(parse_expression(text), "r")
    column = indicator_array(history, rule.indicator)
    valid = np.flatnonzero(~np.isnan(column))
    slow, _ = walk_rules(history, [rule], int(valid[0]))
    fast = walk_one(history, rule, history.values(rule.indicator), valid.tolist())
    assert [(i, t.kind, t.value, t.episode) for i, t in fast] == [
        (i, t.kind, t.value, t.episode) for i, t in slow
    ]
    assert len(slow) > 0


def test_aug_2024_yen_day_fires(history: ScoredHistory) -> None:
    """2 Aug 2024 (the unwind's first big yen day) is a firing of 'USD/JPY down 2% in a day'."""
    result = preview(history, parse_expression("usdjpy.chg_1d_pct <= -2"))
    dates = {f.date for f in result.fires}
    assert dt.date(2024, 8, 2) in dates
    assert all(f.value <= -2 for f in result.fires)
    assert result.to_json()["expr"] == "usdjpy.chg_1d_pct <= -2"


def test_for_waits_two_days(history: ScoredHistory, real_panel: pd.DataFrame) -> None:
    """Each 'for 2d' firing had the drawdown past -20% on the day and the two before."""
    result = preview(history, parse_expression("btc.drawdown_30d <= -20 for 2d"))
    dd = pd.Series(history.inputs["btc.drawdown_30d"], index=pd.DatetimeIndex(history.dates))
    assert result.fires
    for fire in result.fires:
        span = dd.loc[pd.Timestamp(fire.date - dt.timedelta(days=2)) : pd.Timestamp(fire.date)]
        assert len(span.dropna()) >= 3 and (span.dropna() <= -20).all()


def test_counts_follow_from_the_fire_dates(history: ScoredHistory) -> None:
    result = preview(history, parse_expression("score >= 60"))
    dates = [f.date for f in result.fires]
    assert result.first_date is not None and result.last_date is not None
    # fires per year since 2010, counted here from the dates
    years = ((result.last_date - SINCE).days + 1) / 365.25
    assert result.fires_per_year_since_2010 == round(sum(d >= SINCE for d in dates) / years, 3)
    # longest quiet spell, counted day by day
    fired, run, best = set(dates), 0, 0
    day = result.first_date
    while day <= result.last_date:
        run = 0 if day in fired else run + 1
        best = max(best, run)
        day += dt.timedelta(days=1)
    assert result.longest_quiet_days == best
    assert result.last == result.fires[-5:]


def test_largest_is_the_episode_with_the_record(
    history: ScoredHistory, real_panel: pd.DataFrame
) -> None:
    """The all-time high of the 40y lies above 3.8 %, so the largest episode holds it."""
    result = preview(history, parse_expression("jgb.40y >= 3.8"))
    assert result.largest is not None
    assert result.largest.peak == pytest.approx(real_panel["jgb.40y"].max())
    assert result.largest.peak_date == real_panel["jgb.40y"].idxmax().date()


def test_a_rule_that_never_fires(history: ScoredHistory) -> None:
    result = preview(history, parse_expression("jgb.40y >= 10"))
    assert result.fires == () and result.largest is None
    assert result.first_date is not None and result.last_date is not None
    assert result.longest_quiet_days == (result.last_date - result.first_date).days + 1
    assert result.fires_per_year_since_2010 == 0.0


def test_hysteresis_defaults_end_an_episode_only_past_the_clear_level() -> None:
    """A personal rule clears 10 bp under a yield level, 5 points under the score."""
    assert personal_rule(parse_expression("jgb.40y >= 3.8"), "r").clear == pytest.approx(3.7)
    assert personal_rule(parse_expression("score >= 60"), "r").clear == 55
    assert personal_rule(parse_expression("usdjpy.chg_1d_pct <= -2"), "r").clear == -1.5
    assert personal_rule(parse_expression("usdjpy <= 140"), "r").clear == pytest.approx(141.4)


@pytest.mark.parametrize("text", RULES)
def test_each_fire_peak_is_the_episodes_extreme(history: ScoredHistory, text: str) -> None:
    """The pure-Python walk's fires and peaks, against the RuleBook walk's episodes and
    numpy's nanargmax/nanargmin over each (firing day through its resolve)."""
    result = preview(history, parse_expression(text))
    rule = result.rule
    column = indicator_array(history, rule.indicator)
    valid = np.flatnonzero(~np.isnan(column))
    transitions, _ = walk_rules(history, [rule], int(valid[0]))
    episodes: list[tuple[int, int]] = []
    for i, t in transitions:
        if t.kind is TransitionKind.FIRING:
            episodes.append((i, len(history)))
        else:
            episodes[-1] = (episodes[-1][0], i + 1)
    assert len(result.fires) == len(episodes) > 0
    pick = np.nanargmax if rule.rising else np.nanargmin
    for fire, (start, end) in zip(result.fires, episodes, strict=True):
        at = start + int(pick(column[start:end]))
        assert (fire.date, fire.value) == (history.date(start), column[start])
        assert (fire.peak_date, fire.peak) == (history.date(at), column[at])
