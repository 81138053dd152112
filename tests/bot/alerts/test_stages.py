"""The stage pipeline is pure: same context in, same events out, memory never mutated;
and an AlertEvent survives the store's JSON round trip whole."""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import AlertEvent, EventKind, Reason
from bot.alerts.stages import PIPELINE, Context, Memory, Reading, run_stages
from signals.levels import Level
from signals.rules import parse_rule
from signals.snapshot import ComponentScore

NOW = dt.datetime(2024, 8, 5, 22, tzinfo=dt.UTC)
RULES = (
    parse_rule({"name": "yen-surge", "when": "usdjpy.chg_5d_pct <= -3", "level": "high",
                "family": "yen"}),
    parse_rule({"name": "yen-squeeze", "when": "usdjpy.chg_5d_pct <= -5", "level": "severe",
                "family": "yen", "description": "forced yen buying"}),
)  # fmt: skip
YEN = ComponentScore(
    "yen_squeeze", "Yen squeeze", 100.0, 0.25, 0.25, True, False,
    {"usdjpy.chg_5d_pct": -5.6}, dt.date(2024, 8, 5), "USD/JPY -5.6% in 5 days",
)  # fmt: skip


def context(memory: Memory) -> Context:
    reading = Reading(dt.date(2024, 8, 5), 62.0, Level.HIGH, {"usdjpy.chg_5d_pct": -5.6},
                      lambda: (YEN,))  # fmt: skip
    return Context(RULES, reading, NOW, memory, memory)


def test_the_pipeline_is_pure_and_deterministic() -> None:
    memory = Memory()
    first_ctx, first = run_stages(PIPELINE, context(memory))
    second_ctx, second = run_stages(PIPELINE, context(memory))
    assert first == second and first_ctx.after == second_ctx.after
    assert memory == Memory()  # the input memory is untouched
    assert [(e.rule, e.kind) for e in first] == [("yen-squeeze", EventKind.FIRING)]
    assert first_ctx.suppressed == (("yen-surge", Reason.INHIBITED),)
    assert first_ctx.after.notified == {"yen-squeeze": NOW}
    assert first_ctx.after.announced == {"yen-squeeze": 1}


def test_event_carries_structured_facts_and_round_trips_through_json() -> None:
    _, (event,) = run_stages(PIPELINE, context(Memory()))
    assert (event.indicator, event.operator, event.value, event.threshold) == (
        "usdjpy.chg_5d_pct", "<=", -5.6, -5.0,
    )  # fmt: skip
    assert event.score_level is Level.HIGH and event.reasons == (Reason.CROSSED,)
    assert event.driver is not None and event.driver.component == "yen_squeeze"
    assert event.episode == "yen-squeeze#1"
    assert AlertEvent.from_json(event.to_json()) == event
