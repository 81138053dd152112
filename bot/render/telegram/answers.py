"""Command answers as Telegram documents (see ``telegram_text`` for the model).

Each function takes one platform-neutral answer from ``bot.commands.answers``
and returns a :class:`Doc`; the adapter sends ``doc.html`` with
``parse_mode=HTML``. Every user-supplied or data-derived string goes through
a :class:`Span`, so it is escaped exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.alerts.events import EventKind
from bot.commands.answers import (
    COMMANDS,
    HELP_INTRO,
    CommandError,
    HistoryAnswer,
    RiskAnswer,
    SettingsAnswer,
    StatsAnswer,
    StatusAnswer,
)
from bot.render.alert_words import ALERT_LEVEL, headline
from bot.render.common import ago, alert_facts, clock_range, duration_words, local_time
from bot.render.risk_words import risk_details, risk_summary
from bot.render.settings_words import change_sentence, subscribed_sentence
from bot.render.status_words import feed_lines, operator_errors
from bot.render.telegram.alerts import marker
from bot.render.telegram.text import Doc, Line, b, code, i, line


def help_doc(*, admin: bool = False, start: bool = False) -> Doc:
    lines: list[Line | str] = []
    if start:
        lines += [line(b("Welcome to carrywatch.")), ""]
    lines += [HELP_INTRO, "", line(b("Commands"))]
    for cmd in COMMANDS:
        if cmd.admin and not admin:
            continue
        usage = f"/{cmd.name} {cmd.args}".rstrip()
        lines.append(line(code(usage), f" — {cmd.description}"))
    lines += [
        "",
        "Alerts: /subscribe here (default level high); /settings sets quiet hours, "
        "mutes and the minimum level. In groups only chat admins change these.",
    ]
    return Doc.of(lines)


def error_doc(err: CommandError) -> Doc:
    lines: list[Line | str] = [line(f"⚠ {err.message}")]
    if err.usage:
        lines.append(line("Usage: ", code(err.usage)))
    return Doc.of(lines)


def unknown_doc(command: str) -> Doc:
    return Doc.of([line("I don't know ", code(command), ". Try ", code("/help"), " for the list.")])


def risk_doc(answer: RiskAnswer, now: dt.datetime, *, details: bool = False) -> Doc:
    """The short answer (≤ 600 characters); with ``details``, each component below it."""
    summary = risk_summary(answer, now)
    lines: list[Line | str] = [line(b(summary.title)), *(line(t) for t in summary.lines)]
    if details:
        lines.append("")
        for row in risk_details(answer):
            lines.append(line("• ", b(row.title)))
            lines.append(line("   ", row.text))
        lines += ["", line(i("How the score works: /help"))]
    return Doc.of(lines).fit()


def history_doc(answer: HistoryAnswer, tz: str | None = None) -> Doc:
    """What this chat received, newest first, times in the chat's zone."""
    zone_name = tz or answer.tz
    if not answer.alerts:
        return Doc.of(["No alerts in this chat yet. /subscribe to get them here."])
    count = len(answer.alerts)
    if count < answer.requested:
        title = f"All {count} alert{'s' if count != 1 else ''} this chat received"
    else:
        title = f"The last {count} alert{'s' if count != 1 else ''} in this chat"
    lines: list[Line | str] = [line(b(title))]
    for event in answer.alerts:
        facts = alert_facts(event)
        word = "" if event.kind is EventKind.RESOLVED else f"{ALERT_LEVEL[event.level]}: "
        lines += [
            "",
            line(f"{marker(event)} ", b(word + headline(facts))),
            line(i(local_time(event.created_at, zone_name))),
        ]
    return Doc.of(lines).fit(note="… (older alerts cut; ask for fewer with /history n)")


def status_doc(answer: StatusAnswer, now: dt.datetime, *, operator: bool = False) -> Doc:
    """Each feed in words for everyone; delivery counts and raw errors for operators."""
    lines: list[Line | str] = [line(b("carrywatch status")), ""]
    for feed in feed_lines(answer):
        lines.append(line("✅ " if feed.ok else "⚠️ ", b(feed.name), f": {feed.text}"))
    last = answer.last_alert
    score_at = ago(now - answer.last_snapshot_at) if answer.last_snapshot_at else "never"
    lines += ["", line(f"Last score computed: {score_at}")]
    if last is not None:
        facts = alert_facts(last)
        lines.append(line(f"Last alert ({ago(now - last.created_at)}): ", headline(facts)))
    else:
        lines.append(line("Last alert: none yet"))
    lines.append(line(f"Up {duration_words(answer.uptime)} · version {answer.version or '?'}"))
    if operator:
        lines += [
            "",
            line(b("For operators")),
            line(
                f"Deliveries owed: {answer.pending_deliveries} · broken subscriptions: "
                f"{answer.broken_subscriptions} · data-quality events (24 h): "
                f"{answer.quality_events_24h}"
            ),
        ]
        lines += [line(code(err[:300])) for err in operator_errors(answer)]
    return Doc.of(lines).fit()


def settings_doc(answer: SettingsAnswer, now: dt.datetime) -> Doc:
    if not answer.subscribed:
        lines: list[Line | str] = [
            line(b("This chat is not subscribed.")),
            line("Send ", code("/subscribe [level]"), " to get alerts here."),
        ]
        if answer.broken_reason:
            lines.append(line(i(f"Stopped: {answer.broken_reason}")))
        return Doc.of(lines)
    quiet = "off"
    if answer.quiet_start and answer.quiet_end:
        quiet = f"{clock_range(answer.quiet_start, answer.quiet_end)} {answer.tz}"
    muted = "not muted"
    if answer.mute_until and answer.mute_until > now:
        muted = f"muted until {local_time(answer.mute_until, answer.tz)} (severe still alerts)"
    lines = [
        line(b("Alert settings for this chat")),
        line("Minimum level: ", b(answer.min_level.label)),
        line(f"Quiet hours: {quiet}"),
        line(f"Time zone: {answer.tz}"),
        line(f"Mute: {muted}"),
        line(f"Muted rules: {', '.join(answer.muted_rules) or 'none'}"),
        line(i(f"Rules: {', '.join(answer.rules)}")) if answer.rules else line(),
        "",
        line(
            i(
                "Change with the buttons, or: /settings level high · /settings quiet 22:00 07:00 "
                "Europe/Berlin · /settings quiet off · /settings timezone Asia/Tokyo · "
                "/settings mute 2h · /settings unmute · "
                "/settings mute_rule <rule> · /settings unmute_rule <rule>"
            )
        ),
    ]
    return Doc.of(lines)


def changed_doc(answer: SettingsAnswer, now: dt.datetime) -> Doc:
    """One sentence saying what a /settings change did."""
    return Doc.of([line("✅ ", change_sentence(answer, now))])


def subscribed_doc(answer: SettingsAnswer, now: dt.datetime) -> Doc:
    """One sentence on what /subscribe did; the settings follow only for a new chat."""
    head = Doc.of([line("✅ ", subscribed_sentence(answer))])
    if answer.created:
        return head + Doc.of([""]) + settings_doc(answer, now)
    return head


def unsubscribed_doc(was_subscribed: bool) -> Doc:
    if was_subscribed:
        return Doc.of(["Unsubscribed: no more alerts here. /subscribe to come back."])
    return Doc.of(["This chat was not subscribed."])


def _counts(title: str, counts: Iterable[tuple[str, int]]) -> list[Line | str]:
    rows = sorted(counts)
    lines: list[Line | str] = [line(b(title))]
    lines += [line(f"• {k}: {v}") for k, v in rows] or ["• none"]
    return lines


def stats_doc(answer: StatsAnswer) -> Doc:
    lines = _counts("Active subscriptions", answer.subscriptions.items())
    lines += ["", *_counts("Deliveries", answer.deliveries.items())]
    return Doc.of(lines)


def chatid_doc(chat_id: int, chat_type: str, thread_id: int | None, title: str | None) -> Doc:
    lines: list[Line | str] = [
        line("Chat id: ", code(str(chat_id)), f" ({chat_type})"),
        line("Topic id: ", code(str(thread_id)) if thread_id is not None else "none"),
    ]
    if title:
        lines.append(line(f"Title: {title}"))
    return Doc.of(lines)


def refusal_doc(command: str) -> Doc:
    return Doc.of(
        [
            line(
                "Sorry, ",
                code(f"/{command}"),
                " is for carrywatch operators only. /help lists what you can use.",
            )
        ]
    )


def queued_doc(what: str, chats: int) -> Doc:
    return Doc.of([line(f"Queued {what} to {chats} chat(s); delivery follows the usual limits.")])
