"""Rule state <-> store row, so the policy resumes exactly where it stopped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.store.records import RuleStateRow
from signals.rules import Phase, Rule, RuleState


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def _dt(v: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(v) if isinstance(v, str) else None


def episode_key(rule: str, episode: int) -> str:
    return f"{rule}#{episode}"


def to_row(
    rule: Rule, state: RuleState, notified_at: dt.datetime | None, repeats: int
) -> RuleStateRow:
    firing = state.phase in (Phase.FIRING, Phase.RECOVERING)
    return RuleStateRow(
        rule=rule.name,
        state=state.phase.value,
        since=state.since,
        active_since=state.since if firing else None,
        last_value=state.last_value,
        level=rule.level,
        episode=episode_key(rule.name, state.episode) if state.episode else None,
        last_notified_at=notified_at,
        payload={
            "phase": state.phase.value,
            "since": _iso(state.since),
            "episode": state.episode,
            "last_value": state.last_value,
            "last_resolved_at": _iso(state.last_resolved_at),
            "repeats": repeats,
        },
    )


def from_row(row: RuleStateRow) -> tuple[RuleState, dt.datetime | None, int]:
    """The state, when it last notified, and how many repeats this episode sent."""
    p: Mapping[str, Any] = row.payload or {}
    state = RuleState(
        phase=Phase(p.get("phase", row.state)),
        since=_dt(p.get("since")),
        episode=int(p.get("episode", 0)),
        last_value=p.get("last_value"),
        last_resolved_at=_dt(p.get("last_resolved_at")),
    )
    return state, row.last_notified_at, int(p.get("repeats", 0))
