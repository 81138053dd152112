"""The alert path as a list of pure stages (after Alertmanager's notify pipeline):

    rule states ─▶ inhibit ─▶ escalate ─▶ repeat ─▶ group

The live policy and the backtest run this same list, so they tell the same story.
"""

from __future__ import annotations

from bot.alerts.stages.base import Context, Memory, Reading, Stage, run_stages
from bot.alerts.stages.escalate import escalate
from bot.alerts.stages.group import group
from bot.alerts.stages.inhibit import inhibit
from bot.alerts.stages.repeat import repeat
from bot.alerts.stages.rule_states import rule_states

PIPELINE: tuple[Stage, ...] = (rule_states, inhibit, escalate, repeat, group)

__all__ = ["PIPELINE", "Context", "Memory", "Reading", "Stage", "run_stages"]
