"""Plain-text rendering: the console notifier and ``carrywatch risk``.

The same words as Telegram and Discord (``alert_words``, ``risk_words``), without
markup: the console shows exactly what a chat would read, in the current language.
"""

from __future__ import annotations

import datetime as dt

from bot.alerts.events import AlertMessage
from bot.commands.answers import RiskAnswer
from bot.i18n import _
from bot.render.risk_words import risk_details, risk_summary
from bot.render.telegram.alerts import alert_doc


def render_message(message: AlertMessage, tz: str = "UTC") -> str:
    return alert_doc(message, tz).plain


def render_risk(answer: RiskAnswer, now: dt.datetime | None = None) -> str:
    """The short answer, then one line per component."""
    at = now or (answer.computed_at + answer.age)
    summary = risk_summary(answer, at)
    lines = [summary.title, *summary.lines, ""]
    for row in risk_details(answer):
        lines.append(_("• {component}: {reading}").format(component=row.title, reading=row.text))
    return "\n".join(lines).rstrip()
