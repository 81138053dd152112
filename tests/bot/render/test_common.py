"""The one value formatter, the time helpers and the no-score /risk: the numbers the
issue quoted as unreadable ("-3.66382%", "38.0079points", "120w6d20h55m ago")."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.commands.answers import RiskAnswer
from bot.render.common import Unit, ago, data_age_text, duration_words, fmt, unit_of
from bot.render.risk_words import risk_summary
from signals.levels import Level


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (-3.66382, Unit.PCT, "−3.7 %"),  # a real minus sign, one decimal
        (5.62, Unit.PCT, "+5.6 %"),
        (38.0079, Unit.POINTS, "38/100"),
        (16.4, Unit.BP, "+16 bp"),
        (-0.2, Unit.BP, "0 bp"),  # never "−0"
        (3.7219, Unit.YIELD, "3.72 %"),
        (146.2049, Unit.JPY, "¥146.20"),
        (70000.0, Unit.USD, "$70,000"),  # thousands separators, no cents
        (2.85, Unit.PP, "2.85 pp"),
    ],
)
def test_values_read_as_people_write_them(value: float, unit: Unit, text: str) -> None:
    assert fmt(value, unit) == text


def test_indicator_units() -> None:
    assert unit_of("usdjpy.chg_5d_pct") is Unit.PCT
    assert unit_of("jgb.30y.chg_5d_bp") is Unit.BP
    assert unit_of("btc.drawdown_30d") is Unit.PCT
    assert unit_of("jgb.40y") is Unit.YIELD
    assert unit_of("score") is Unit.POINTS
    assert unit_of("btc") is Unit.USD and unit_of("usdjpy") is Unit.JPY


def test_durations_in_hours_and_minutes() -> None:
    assert duration_words(dt.timedelta(hours=2, minutes=10)) == "2 h 10 min"
    assert duration_words(dt.timedelta(minutes=1440)) == "1 day"
    assert duration_words(dt.timedelta(days=847, hours=20)) == "847 days"
    assert ago(dt.timedelta(seconds=20)) == "just now"
    assert ago(dt.timedelta(minutes=5)) == "5 min ago"


def test_data_age_in_words() -> None:
    now = dt.datetime(2024, 8, 8, 9, 0, tzinfo=dt.UTC)
    assert data_age_text(dt.date(2024, 8, 6), now) == "as of Tue 6 Aug, 2 days old"


def test_risk_without_a_score_is_not_a_calm_reading() -> None:
    now = dt.datetime(2024, 8, 6, 9, 0, tzinfo=dt.UTC)
    answer = RiskAnswer(None, Level.LOW, dt.date(2024, 8, 5), now, dt.timedelta(0), (), ())
    summary = risk_summary(answer, now)
    assert summary.level is None and summary.stale
    assert summary.title.startswith("⚪ No score") and "🟢" not in summary.title
