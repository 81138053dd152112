"""Words for ``/rule`` answers shared by Telegram and Discord (plain lines)."""

from __future__ import annotations

from bot.commands.rules import RuleAdded, RuleList
from bot.i18n import _
from bot.store.personal_rules import PersonalRuleRow


def added_lines(answer: RuleAdded) -> list[str]:
    head = _("Rule '{name}' added ({count} of {limit}): I'll alert here when {expr}.").format(
        name=answer.rule.name, count=answer.count, limit=answer.limit, expr=answer.rule.expr
    )
    return [head, *answer.preview.lines]


def list_lines(answer: RuleList) -> list[str]:
    if not answer.rules:
        return [
            _("No personal rules here yet (up to {limit}).").format(limit=answer.limit),
            _("Add one: /rule add jgb.40y >= 3.8 — try it first with /rule test."),
        ]
    lines = [
        _("Personal rules here ({count} of {limit}):").format(
            count=len(answer.rules), limit=answer.limit
        )
    ]
    lines += [f"• {r.name}: {r.expr}" for r in answer.rules]
    return lines


def removed_line(row: PersonalRuleRow) -> str:
    return _("Rule '{name}' removed ({expr}). No more alerts from it.").format(
        name=row.name, expr=row.expr
    )
