"""Command answers as Telegram documents (see ``telegram_text`` for the model).

Each function takes one platform-neutral answer from ``bot.commands.answers``
and returns a :class:`Doc`; the adapter sends ``doc.html`` with
``parse_mode=HTML``. Every user-supplied or data-derived string goes through
a :class:`Span`, so it is escaped exactly once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

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
from bot.render.telegram import LEVEL_MARKER, marker, when
from bot.render.telegram_text import Doc, Line, b, code, i, line
from bot.render.units import format_value, indicator_label
from signals.durations import format_duration

MAX_VALUES = 4  # indicator values shown per component in /risk


def ago(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return "just now"
    return f"{format_duration(dt.timedelta(minutes=seconds // 60))} ago"


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


def risk_doc(answer: RiskAnswer) -> Doc:
    score = f"{answer.score:.0f}/100" if answer.score is not None else "n/a"
    lines: list[Line | str] = [
        line(
            f"{LEVEL_MARKER[answer.level]} ",
            b(f"Stress score {score} — {answer.level.label.upper()}"),
        ),
        line(i(f"market date {answer.as_of.isoformat()} · computed {ago(answer.age)}")),
    ]
    if answer.stale_feeds:
        lines.append(line(f"⚠ stale feeds: {', '.join(answer.stale_feeds)}"))
    lines.append("")
    for comp in answer.components:
        if not comp.available or comp.score is None:
            lines.append(line("• ", b(comp.label), f": no data — {comp.reason}".rstrip(" —")))
            continue
        stale = " (stale)" if comp.stale else ""
        lines.append(
            line(
                "• ",
                b(comp.label),
                f": {comp.score:.0f}/100, weight {comp.weight:.0%}{stale}",
            )
        )
        shown = [(k, v) for k, v in comp.values.items() if math.isfinite(v)][:MAX_VALUES]
        values = ", ".join(f"{indicator_label(k)} {format_value(k, v)}" for k, v in shown)
        if values:
            lines.append(line("   ", values))
        if comp.reason:
            lines.append(line("   ", i(comp.reason)))
    return Doc.of(lines).fit()


def history_doc(answer: HistoryAnswer, tz: str | None = None) -> Doc:
    if not answer.alerts:
        return Doc.of(["No alerts yet."])
    lines: list[Line | str] = [line(b(f"Last {len(answer.alerts)} alert(s)"))]
    for event in answer.alerts:
        lines += [
            "",
            line(f"{marker(event)} ", b(event.level.label.upper()), f" · {event.headline}"),
            line(i(when(event.created_at, tz))),
        ]
        if event.cause:
            lines.append(line(event.cause))
    return Doc.of(lines).fit(note="… (older alerts cut; ask for fewer with /history n)")


def _stamp(at: dt.datetime | None, now: dt.datetime) -> str:
    return f"{when(at)} ({ago(now - at)})" if at else "never"


def status_doc(answer: StatusAnswer, now: dt.datetime) -> Doc:
    lines: list[Line | str] = [line(b("carrywatch status")), ""]
    for feed in answer.feeds:
        mark = "⚠" if feed.stale else "✅"
        date = feed.last_date.isoformat() if feed.last_date else "no data"
        extra = f", polled {ago(now - feed.last_poll)}" if feed.last_poll else ""
        lines.append(line(f"{mark} ", b(feed.series), f": {date}{extra}"))
        if feed.last_error:
            lines.append(line("   ", i(f"last error: {feed.last_error}")))
    last = answer.last_alert
    lines += [
        "",
        line("Last score: ", _stamp(answer.last_snapshot_at, now)),
        line(
            "Last alert: ",
            f"{last.level.label} · {last.headline} ({when(last.created_at)})" if last else "none",
        ),
        line(f"Uptime: {format_duration(answer.uptime)} · version {answer.version or '?'}"),
        line(
            f"Pending deliveries: {answer.pending_deliveries} · broken subscriptions: "
            f"{answer.broken_subscriptions} · data-quality events (24h): "
            f"{answer.quality_events_24h}"
        ),
    ]
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
        quiet = f"{answer.quiet_start:%H:%M}–{answer.quiet_end:%H:%M} {answer.tz}"
    muted = "not muted"
    if answer.mute_until and answer.mute_until > now:
        muted = f"muted until {when(answer.mute_until, answer.tz)} (severe still alerts)"
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
                "Europe/Berlin · /settings quiet off · /settings mute 2h · /settings unmute · "
                "/settings mute_rule <rule> · /settings unmute_rule <rule>"
            )
        ),
    ]
    return Doc.of(lines)


def subscribed_doc(answer: SettingsAnswer, now: dt.datetime) -> Doc:
    head = Doc.of(
        [line("✅ Subscribed: alerts at ", b(answer.min_level.label), " or above come here."), ""]
    )
    return head + settings_doc(answer, now)


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
