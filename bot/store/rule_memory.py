"""The alert policy's memory <-> rule-state rows, so it resumes exactly where it stopped.

The store imports the alert types, never the reverse: the policy hands back a
:class:`~bot.alerts.stages.Memory` and this module turns it into rows (and
rows back into it at start-up).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from bot.alerts.stages import Memory
from bot.alerts.stages.base import episode_key, firing
from bot.store.records import RuleStateRow
from signals.rules import Phase, Rule, RuleState


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def _dt(v: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(v) if isinstance(v, str) else None


def memory_rows(rules: Iterable[Rule], memory: Memory) -> tuple[RuleStateRow, ...]:
    """One row per rule: its state machine, when it last notified, its repeat count."""
    rows = []
    for rule in rules:
        state = memory.state(rule.name)
        repeats = memory.repeats.get(rule.name, 0)
        rows.append(
            RuleStateRow(
                rule=rule.name,
                state=state.phase.value,
                since=state.since,
                active_since=state.since if firing(state) else None,
                last_value=state.last_value,
                level=rule.level,
                episode=episode_key(rule.name, state.episode) if state.episode else None,
                last_notified_at=memory.notified.get(rule.name),
                payload={
                    "phase": state.phase.value,
                    "since": _iso(state.since),
                    "episode": state.episode,
                    "last_value": state.last_value,
                    "last_resolved_at": _iso(state.last_resolved_at),
                    "repeats": repeats,
                    "announced": memory.announced.get(rule.name),
                },
            )
        )
    return tuple(rows)


def memory_from_rows(rows: Mapping[str, RuleStateRow]) -> Memory:
    """The memory the stored rows describe (rules without a row start afresh)."""
    states: dict[str, RuleState] = {}
    notified: dict[str, dt.datetime] = {}
    repeats: dict[str, int] = {}
    announced: dict[str, int] = {}
    for name, row in rows.items():
        p: Mapping[str, Any] = row.payload or {}
        states[name] = RuleState(
            phase=Phase(p.get("phase", row.state)),
            since=_dt(p.get("since")),
            episode=int(p.get("episode", 0)),
            last_value=p.get("last_value"),
            last_resolved_at=_dt(p.get("last_resolved_at")),
        )
        if row.last_notified_at is not None:
            notified[name] = row.last_notified_at
        repeats[name] = int(p.get("repeats", 0))
        told = p.get("announced", states[name].episode)  # rows from before it was kept: told
        if told is not None:
            announced[name] = int(told)
    return Memory(states, notified, repeats, announced)
