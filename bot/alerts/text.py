"""Headline and cause of an alert, in plain words, from the rule and its snapshot."""

from __future__ import annotations

from bot.render.units import format_value, indicator_label, op_symbol
from signals.rules import Rule, Transition, TransitionKind
from signals.snapshot import ComponentScore, Snapshot


def headline(t: Transition) -> str:
    """What crossed what: ``40y JGB 3.720% ≥ 3.700%`` or ``… back below 3.600%``."""
    rule = t.rule
    label = indicator_label(rule.indicator)
    now = format_value(rule.indicator, t.value)
    if t.kind is TransitionKind.RESOLVED:
        side = "below" if rule.rising else "above"
        return f"{label} {now}, back {side} {format_value(rule.indicator, rule.clear)}"
    return f"{label} {now} {op_symbol(rule.op)} {format_value(rule.indicator, rule.threshold)}"


def _driver(rule: Rule, snapshot: Snapshot) -> ComponentScore | None:
    available = [c for c in snapshot.components if c.available]
    if not available:
        return None
    series = rule.indicator.split(".chg")[0].split(".z_")[0].split(".drawdown")[0].split(".vol")[0]
    reading = [
        c for c in available if any(k == series or k.startswith(series + ".") for k in c.values)
    ]
    pool = reading or available
    return max(pool, key=lambda c: (c.score or 0.0) * c.weight)


def cause(rule: Rule, snapshot: Snapshot, resolved: bool = False) -> str:
    """One sentence: the rule's meaning and the strongest reading behind it."""
    lead = rule.description or rule.expression
    if resolved:
        lead = f"Cleared — {lead}"
    driver = _driver(rule, snapshot)
    score = (
        f"score {snapshot.score:.0f} ({snapshot.level.label})"
        if snapshot.score is not None and snapshot.level is not None
        else "no score"
    )
    if driver is None:
        return f"{lead}; {score}."
    return f"{lead}. {driver.label}: {driver.reason}; {score}."
