"""The alert policy: escalation and inhibition within a family, repeats, restart memory."""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import EventKind
from bot.alerts.policy import AlertPolicy, Suppressed
from bot.render.event_text import headline, unit
from bot.store.rule_memory import memory_from_rows, memory_rows
from signals.levels import Level
from signals.rules import parse_rule
from signals.snapshot import Snapshot

T0 = dt.datetime(2024, 8, 1, 22, tzinfo=dt.UTC)
RULES = [
    parse_rule({"name": "yen-surge", "when": "usdjpy.chg_5d_pct <= -3", "clear": -1.5,
                "level": "high", "family": "yen"}),
    parse_rule({"name": "yen-squeeze", "when": "usdjpy.chg_5d_pct <= -5", "clear": -2.5,
                "level": "severe", "family": "yen"}),
    parse_rule({"name": "jgb40y", "when": "jgb.40y >= 3.7", "clear": 3.6, "level": "high"}),
]  # fmt: skip


def snap(day: int, **indicators: float) -> Snapshot:
    return Snapshot(dt.date(2024, 8, day), 55.0, Level.HIGH, (), indicators)


def at(day: int) -> dt.datetime:
    return T0 + dt.timedelta(days=day - 1)


def kinds(result) -> list[tuple[str, EventKind]]:  # type: ignore[no-untyped-def]
    return [(e.rule, e.kind) for e in result.events]


def test_escalation_then_inhibited_resolve_of_the_lower_rule() -> None:
    p = AlertPolicy(RULES)
    assert kinds(p.evaluate(snap(1, **{"usdjpy.chg_5d_pct": -3.5}), at(1))) == [
        ("yen-surge", EventKind.FIRING)
    ]
    r = p.evaluate(snap(2, **{"usdjpy.chg_5d_pct": -5.6}), at(2))
    assert kinds(r) == [("yen-squeeze", EventKind.ESCALATED)]
    assert r.events[0].level is Level.SEVERE and "yen jumped 5.6 %" in headline(r.events[0])
    # the severe rule clears while the high one still fires: one resolve, for severe
    assert kinds(p.evaluate(snap(3, **{"usdjpy.chg_5d_pct": -2.0}), at(3))) == [
        ("yen-squeeze", EventKind.RESOLVED)
    ]
    assert kinds(p.evaluate(snap(4, **{"usdjpy.chg_5d_pct": -1.0}), at(4))) == [
        ("yen-surge", EventKind.RESOLVED)
    ]


def test_a_lower_rule_firing_under_a_higher_one_is_inhibited() -> None:
    p = AlertPolicy(RULES)
    r = p.evaluate(snap(1, **{"usdjpy.chg_5d_pct": -6.0}), at(1))
    # both cross at once: severe fires; high is inhibited by it
    assert kinds(r) == [("yen-squeeze", EventKind.FIRING)]
    assert ("yen-surge", Suppressed.INHIBITED) in r.suppressed


def test_events_of_one_evaluation_share_a_snapshot_and_carry_cause() -> None:
    p = AlertPolicy(RULES)
    r = p.evaluate(snap(1, **{"usdjpy.chg_5d_pct": -3.2, "jgb.40y": 3.72}), at(1))
    assert {e.rule for e in r.events} == {"yen-surge", "jgb40y"}
    jgb = next(e for e in r.events if e.rule == "jgb40y")
    assert "40-year Japanese bond yield is at 3.72 %" in headline(jgb) and unit(jgb) == "%"
    assert jgb.episode == "jgb40y#1" and jgb.as_of == dt.date(2024, 8, 1)


def test_repeat_reminders_while_still_firing() -> None:
    p = AlertPolicy(RULES, repeat_interval=dt.timedelta(hours=36))
    p.evaluate(snap(1, **{"jgb.40y": 3.8}), at(1))
    assert kinds(p.evaluate(snap(2, **{"jgb.40y": 3.8}), at(2))) == []
    r = p.evaluate(snap(3, **{"jgb.40y": 3.8}), at(3))
    assert kinds(r) == [("jgb40y", EventKind.REPEAT)] and r.events[0].seq == 1
    assert kinds(p.evaluate(snap(4, **{"jgb.40y": 3.8}), at(4))) == []
    assert p.evaluate(snap(5, **{"jgb.40y": 3.8}), at(5)).events[0].seq == 2


def test_restart_resumes_from_stored_rows_without_renotifying() -> None:
    first = AlertPolicy(RULES, repeat_interval=dt.timedelta(days=2))
    r = first.evaluate(snap(1, **{"jgb.40y": 3.8}), at(1))
    stored = {row.rule: row for row in memory_rows(RULES, r.memory)}
    second = AlertPolicy(RULES, memory_from_rows(stored), repeat_interval=dt.timedelta(days=2))
    assert kinds(second.evaluate(snap(2, **{"jgb.40y": 3.8}), at(2))) == []
    resolved = second.evaluate(snap(3, **{"jgb.40y": 3.5}), at(3))
    assert kinds(resolved) == [("jgb40y", EventKind.RESOLVED)]
    assert resolved.events[0].episode == "jgb40y#1"


def test_missing_feed_never_resolves() -> None:
    p = AlertPolicy(RULES)
    p.evaluate(snap(1, **{"jgb.40y": 3.8}), at(1))
    for day in range(2, 9):
        assert kinds(p.evaluate(snap(day), at(day))) == []  # JGB stale: no value at all


def test_a_resolve_of_an_episode_never_announced_stays_silent() -> None:
    """yen-surge fired under yen-squeeze (inhibited), so nobody hears it resolve."""
    p = AlertPolicy(RULES)
    assert kinds(p.evaluate(snap(1, **{"usdjpy.chg_5d_pct": -6.0}), at(1))) == [
        ("yen-squeeze", EventKind.FIRING)
    ]
    assert kinds(p.evaluate(snap(2, **{"usdjpy.chg_5d_pct": -2.0}), at(2))) == [
        ("yen-squeeze", EventKind.RESOLVED)
    ]
    r = p.evaluate(snap(3, **{"usdjpy.chg_5d_pct": -1.0}), at(3))
    assert kinds(r) == [] and ("yen-surge", Suppressed.UNANNOUNCED) in r.suppressed
    # the next episode of yen-surge is announced, and so is its resolve
    assert kinds(p.evaluate(snap(4, **{"usdjpy.chg_5d_pct": -3.5}), at(4))) == [
        ("yen-surge", EventKind.FIRING)
    ]
    assert kinds(p.evaluate(snap(5, **{"usdjpy.chg_5d_pct": -1.0}), at(5))) == [
        ("yen-surge", EventKind.RESOLVED)
    ]
