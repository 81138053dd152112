"""Command answers as Telegram documents (see ``telegram_text`` for the model).

Each function takes one platform-neutral answer from ``bot.commands.answers``
and returns a :class:`Doc`; the adapter sends ``doc.html`` with
``parse_mode=HTML``. Every user-supplied or data-derived string goes through
a :class:`Span`, so it is escaped exactly once. Words are gettext templates,
one whole sentence each, in the reader's language (set by the adapter).
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
from bot.commands.explain import ExplainAnswer
from bot.i18n import N_, _, ngettext
from bot.render.alert_words import ALERT_LEVEL, headline
from bot.render.common import (
    ago,
    alert_facts,
    clock_range,
    duration_words,
    level_word,
    local_time,
)
from bot.render.explain_words import explain_sections, pointer
from bot.render.risk_words import risk_details, risk_summary
from bot.render.settings_words import change_sentence, subscribed_sentence
from bot.render.status_words import feed_lines, operator_errors
from bot.render.telegram.alerts import marker
from bot.render.telegram.sentence import tline
from bot.render.telegram.text import Doc, Line, b, code, i, line


def help_doc(*, admin: bool = False, start: bool = False) -> Doc:
    lines: list[Line | str] = []
    if start:
        lines += [line(b(_("Welcome to carrywatch."))), ""]
    lines += [_(HELP_INTRO), "", line(b(_("Commands")))]
    for cmd in COMMANDS:
        if cmd.admin and not admin:
            continue
        usage = f"/{cmd.name} {cmd.args}".rstrip()
        lines.append(line(code(usage), f" — {_(cmd.description)}"))
    lines += [
        "",
        _(
            "Alerts: /subscribe here (default level high); /settings sets quiet hours, "
            "mutes and the minimum level. In groups only chat admins change these."
        ),
    ]
    return Doc.of(lines)


def error_doc(err: CommandError) -> Doc:
    lines: list[Line | str] = [line(f"⚠ {err.message}")]
    if err.usage:
        lines.append(tline(_("Usage: {usage}"), usage=code(err.usage)))
    return Doc.of(lines)


def unknown_doc(command: str) -> Doc:
    return Doc.of(
        [
            tline(
                _("I don't know {command}. Try {help} for the list."),
                command=code(command),
                help=code("/help"),
            )
        ]
    )


def risk_doc(answer: RiskAnswer, now: dt.datetime, *, details: bool = False) -> Doc:
    """The short answer (≤ 600 characters); with ``details``, each component below it."""
    summary = risk_summary(answer, now)
    lines: list[Line | str] = [line(b(summary.title)), *(line(t) for t in summary.lines)]
    if details:
        lines.append("")
        for row in risk_details(answer):
            lines.append(line("• ", b(row.title)))
            lines.append(line("   ", row.text))
        lines += ["", line(i(_("How the score works: /help")))]
    return Doc.of(lines).fit()


def history_doc(answer: HistoryAnswer, tz: str | None = None) -> Doc:
    """What this chat received, newest first, times in the chat's zone."""
    zone_name = tz or answer.tz
    if not answer.alerts:
        return Doc.of([_("No alerts in this chat yet. /subscribe to get them here.")])
    count = len(answer.alerts)
    if count < answer.requested:
        title = ngettext(
            "All {count} alert this chat received", "All {count} alerts this chat received", count
        ).format(count=count)
    else:
        title = ngettext(
            "The last {count} alert in this chat", "The last {count} alerts in this chat", count
        ).format(count=count)
    lines: list[Line | str] = [line(b(title))]
    for event in answer.alerts:
        facts = alert_facts(event)
        word = "" if event.kind is EventKind.RESOLVED else f"{_(ALERT_LEVEL[event.level])}: "
        lines += [
            "",
            line(f"{marker(event)} ", b(word + headline(facts))),
            line(i(local_time(event.created_at, zone_name))),
        ]
    return Doc.of(lines).fit(note=_("… (older alerts cut; ask for fewer with /history n)"))


def status_doc(answer: StatusAnswer, now: dt.datetime, *, operator: bool = False) -> Doc:
    """Each feed in words for everyone; delivery counts and raw errors for operators."""
    lines: list[Line | str] = [line(b(_("carrywatch status"))), ""]
    for feed in feed_lines(answer):
        lines.append(line("✅ " if feed.ok else "⚠️ ", b(feed.name), f": {feed.text}"))
    last = answer.last_alert
    if answer.last_snapshot_at:
        score_at = _("Last score computed: {ago}").format(ago=ago(now - answer.last_snapshot_at))
    else:
        score_at = _("Last score computed: never")
    lines += ["", line(score_at)]
    if last is not None:
        facts = alert_facts(last)
        lines.append(
            line(
                _("Last alert ({ago}): {headline}").format(
                    ago=ago(now - last.created_at), headline=headline(facts)
                )
            )
        )
    else:
        lines.append(line(_("Last alert: none yet")))
    lines.append(
        line(
            _("Up {uptime} · version {version}").format(
                uptime=duration_words(answer.uptime), version=answer.version or "?"
            )
        )
    )
    if operator:
        lines += [
            "",
            line(b(_("For operators"))),
            line(
                _(
                    "Deliveries owed: {owed} · broken subscriptions: {broken} · "
                    "data-quality events (24 h): {events}"
                ).format(
                    owed=answer.pending_deliveries,
                    broken=answer.broken_subscriptions,
                    events=answer.quality_events_24h,
                )
            ),
        ]
        lines += [line(code(err[:300])) for err in operator_errors(answer)]
    return Doc.of(lines).fit()


def settings_doc(answer: SettingsAnswer, now: dt.datetime) -> Doc:
    if not answer.subscribed:
        lines: list[Line | str] = [
            line(b(_("This chat is not subscribed."))),
            tline(_("Send {command} to get alerts here."), command=code("/subscribe [level]")),
        ]
        if answer.broken_reason:
            lines.append(line(i(_("Stopped: {reason}").format(reason=answer.broken_reason))))
        return Doc.of(lines)
    quiet = _("Quiet hours: off")
    if answer.quiet_start and answer.quiet_end:
        quiet = _("Quiet hours: {hours} {zone}").format(
            hours=clock_range(answer.quiet_start, answer.quiet_end), zone=answer.tz
        )
    muted = _("Mute: not muted")
    if answer.mute_until and answer.mute_until > now:
        muted = _("Mute: muted until {until} (severe still alerts)").format(
            until=local_time(answer.mute_until, answer.tz)
        )
    muted_rules = (
        _("Muted rules: {rules}").format(rules=_(", ").join(answer.muted_rules))
        if answer.muted_rules
        else _("Muted rules: none")
    )
    rules = _("Rules: {rules}").format(rules=_(", ").join(answer.rules))
    lines = [
        line(b(_("Alert settings for this chat"))),
        tline(_("Minimum level: {level}"), level=b(level_word(answer.min_level))),
        line(quiet),
        line(_("Time zone: {zone}").format(zone=answer.tz)),
        line(muted),
        line(muted_rules),
        line(i(rules)) if answer.rules else line(),
        "",
        line(
            i(
                _(
                    "Change with the buttons, or: /settings level high · /settings quiet "
                    "22:00 07:00 Europe/Berlin · /settings quiet off · /settings timezone "
                    "Asia/Tokyo · /settings mute 2h · /settings unmute · "
                    "/settings mute_rule <rule> · /settings unmute_rule <rule>"
                )
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
        return Doc.of([_("Unsubscribed: no more alerts here. /subscribe to come back.")])
    return Doc.of([_("This chat was not subscribed.")])


def _counts(title: str, counts: Iterable[tuple[str, int]]) -> list[Line | str]:
    rows = sorted(counts)
    lines: list[Line | str] = [line(b(title))]
    lines += [line("• ", code(k), f": {v}") for k, v in rows] or [_("• none")]
    return lines


def stats_doc(answer: StatsAnswer) -> Doc:
    lines = _counts(_("Active subscriptions"), answer.subscriptions.items())
    lines += ["", *_counts(_("Deliveries"), answer.deliveries.items())]
    return Doc.of(lines)


def chatid_doc(chat_id: int, chat_type: str, thread_id: int | None, title: str | None) -> Doc:
    lines: list[Line | str] = [
        tline(_("Chat id: {id} ({type})"), id=code(str(chat_id)), type=chat_type),
        tline(_("Topic id: {id}"), id=code(str(thread_id)))
        if thread_id is not None
        else line(_("Topic id: none")),
    ]
    if title:
        lines.append(line(_("Title: {title}").format(title=title)))
    return Doc.of(lines)


def refusal_doc(command: str) -> Doc:
    return Doc.of(
        [
            tline(
                _(
                    "Sorry, {command} is for carrywatch operators only. "
                    "/help lists what you can use."
                ),
                command=code(f"/{command}"),
            )
        ]
    )


_QUEUED = {
    "the announcement": N_(
        "Queued the announcement to {chats} chat(s); delivery follows the usual limits."
    ),
    "a test alert": N_(
        "Queued a test alert to {chats} chat(s); delivery follows the usual limits."
    ),
}


def queued_doc(what: str, chats: int) -> Doc:
    """``what``: "the announcement" (/broadcast) or "a test alert" (/test_alert)."""
    template = _QUEUED.get(what, _QUEUED["the announcement"])
    return Doc.of([line(_(template).format(chats=chats))])


def explain_docs(answer: ExplainAnswer, now: dt.datetime) -> tuple[Doc, ...]:
    """/explain as three messages (each within Telegram's 4,096)."""
    docs = []
    for section in explain_sections(answer, now):
        lines: list[Line | str] = [line(b(section.title))]
        for block in section.blocks:
            lines.append("")
            if block.head:
                lines.append(line(b(block.head)))
            lines += [line(text) for text in block.text.split("\n")]
        docs.append(Doc.of(lines).fit())
    return tuple(docs)


def pointer_doc() -> Doc:
    """The once-per-chat line after a first /risk."""
    return Doc.of([line(i(pointer()))])
