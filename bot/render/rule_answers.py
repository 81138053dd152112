"""Words for ``/rule`` answers shared by Telegram and Discord (plain lines)."""

from __future__ import annotations

from bot.commands.rules import RuleAdded, RuleList
from bot.store.personal_rules import PersonalRuleRow


def added_lines(answer: RuleAdded) -> list[str]:
    head = (
        f"Rule '{answer.rule.name}' added ({answer.count} of {answer.limit}): "
        f"I'll alert here when {answer.rule.expr}."
    )
    return [head, *answer.preview.lines]


def list_lines(answer: RuleList) -> list[str]:
    if not answer.rules:
        return [
            f"No personal rules here yet (up to {answer.limit}).",
            "Add one: /rule add jgb.40y >= 3.8 — try it first with /rule test.",
        ]
    lines = [f"Personal rules here ({len(answer.rules)} of {answer.limit}):"]
    lines += [f"• {r.name}: {r.expr}" for r in answer.rules]
    return lines


def removed_line(row: PersonalRuleRow) -> str:
    return f"Rule '{row.name}' removed ({row.expr}). No more alerts from it."
