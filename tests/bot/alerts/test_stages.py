"""The stage pipeline is pure: same context in, same events out, memory never mutated;
and an AlertEvent survives the store's JSON round trip whole."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace

from bot.alerts.events import AlertEvent, EventKind, Reason
from bot.alerts.stages import PIPELINE, Context, Memory, Reading, run_stages
from signals.levels import Level
from signals.rules import Phase, RuleState, parse_rule
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


def test_the_fast_copies_are_dataclasses_replace() -> None:
    """``with_after``/``with_suppressed``/``with_states`` (constructor calls, for speed)
    change the one field ``replace`` would, and carry every other field over."""
    state = parse_rule({"name": "x", "when": "score >= 1"})
    before = Memory({"yen-surge": RuleState(Phase.FIRING, NOW, 3, -4.0)}, {"a": NOW}, {"a": 2},
                    {"a": 3})  # fmt: skip
    after = Memory({}, {"b": NOW}, {"b": 1}, {"b": 1})
    ctx = Context(
        RULES, context(before).reading, NOW, before, before, dt.timedelta(hours=6),
        (("yen-surge", Reason.INHIBITED),),
    )  # fmt: skip
    # a new field must be added to the with_* copies too
    names = ("rules", "reading", "now", "before", "after", "repeat_interval", "suppressed")
    assert tuple(f.name for f in fields(Context)) == names
    assert [f.name for f in fields(Memory)] == ["states", "notified", "repeats", "announced"]
    assert ctx.with_after(after) == replace(ctx, after=after)
    assert ctx.with_after(after).after is after
    dropped = (("yen-squeeze", Reason.UNANNOUNCED),)
    assert ctx.with_suppressed(dropped) == replace(ctx, suppressed=dropped)
    states = {state.name: RuleState()}
    assert before.with_states(states) == replace(before, states=states)
    assert before.with_states(states) != before
