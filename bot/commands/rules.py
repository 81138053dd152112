"""The platform-neutral ``/rule`` service: add, list, remove and test personal rules.

Adapters pass the owner (a chat, a topic, a Discord DM or ``guild:<id>`` for a
server) and the text as typed; every mistake comes back as a one-line
``CommandError`` in the reader's language. ``add`` and ``test`` answer with the
historical preview (lines + a chart) so nobody subscribes blind.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.commands.answers import CommandError
from bot.i18n import N_, _
from bot.notify.base import Target
from bot.render.rule_errors import rule_error_text
from bot.render.rule_preview import preview_lines
from bot.rules.previews import PreviewHistory
from bot.store.personal_rules import (
    PersonalRuleRow,
    PersonalRules,
    RuleLimitError,
    RuleNameTakenError,
)
from signals.preview import Preview
from signals.rule_expr import MAX_EXPR, RuleExpr, RuleExprError, parse_expression

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
# Usage lines and messages are translated when raised: _(ADD_USAGE).
ADD_USAGE = N_("/rule add <expr> [name] — e.g. /rule add jgb.40y >= 3.8 jgb40")
TEST_USAGE = N_("/rule test <expr> — e.g. /rule test btc.drawdown_30d <= -20 for 2d")
REMOVE_USAGE = N_("/rule remove <name> — see /rule list for the names")
MAX_NAME = 32
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
NO_HISTORY = N_("No history is loaded here, so there is no preview (set CARRYWATCH_HISTORY_DIR).")


def server_owner(guild_id: int | str) -> Target:
    """A Discord server as the owner of its rules (alerts go to its alert channel)."""
    return Target("discord", f"guild:{guild_id}")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def valid_name(name: str) -> bool:
    return 0 < len(name) <= MAX_NAME and set(name) <= _NAME_CHARS and name[0].isalnum()


@dataclass(frozen=True, slots=True)
class PreviewAnswer:
    expr: str
    lines: tuple[str, ...]
    chart: bytes | None
    preview: Preview | None


@dataclass(frozen=True, slots=True)
class RuleAdded:
    rule: PersonalRuleRow
    count: int
    limit: int
    preview: PreviewAnswer


@dataclass(frozen=True, slots=True)
class RuleList:
    rules: tuple[PersonalRuleRow, ...]
    limit: int


class RulesService:
    """Personal rules for every platform: parse once, store, preview."""

    def __init__(
        self, rules: PersonalRules, previews: PreviewHistory, *, clock: Clock = _utcnow
    ) -> None:
        self._rules = rules
        self._previews = previews
        self._clock = clock
        self._listeners: list[Callable[[], Awaitable[None]]] = []

    def on_change(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Call ``callback`` after every add or remove (the live policy reloads)."""
        self._listeners.append(callback)

    async def _changed(self) -> None:
        for callback in self._listeners:
            await callback()

    async def warm(self) -> None:
        """Load and score the preview history now, so the first /rule test is quick.

        A broken history directory is logged, not raised: the bot runs without
        previews and ``/rule test`` says why when asked.
        """
        try:
            await self._previews.history()
        except (OSError, ValueError) as exc:  # HistoryDirError, HistoryFormatError
            log.warning("rule previews off: %s", exc)

    @property
    def previews(self) -> PreviewHistory:
        """The in-memory scored history (shared with /explain's comparisons)."""
        return self._previews

    @property
    def limit(self) -> int:
        return self._rules.limit

    def check(self, text: str, name: str | None = None, *, adding: bool = True) -> None:
        """Raise the CommandError ``add``/``test`` would for a bad expression or name.

        Cheap and synchronous, so an adapter can refuse before it acknowledges
        (a Discord error then stays private instead of following a public defer).
        """
        usage = _(ADD_USAGE if adding else TEST_USAGE)
        expr_text, name = split_name(text, name) if adding else (text, None)
        _parse(expr_text, usage)
        if name is not None and not valid_name(name):
            raise CommandError(_bad_name(name), usage)

    async def test(self, text: str, *, chart: bool = True) -> PreviewAnswer:
        expr = _parse(text, _(TEST_USAGE))
        return await self._preview(str(expr), chart)

    async def add(
        self, owner: Target, text: str, name: str | None = None, *, created_by: str = ""
    ) -> RuleAdded:
        """Store a rule; ``name`` None takes a last name-like word of ``text``, or makes one."""
        expr_text, name = split_name(text, name)
        expr = _parse(expr_text, _(ADD_USAGE))
        existing = await self._rules.owned(owner)
        if name is None:
            name = _free_name(expr.indicator, {r.name for r in existing})
        elif not valid_name(name):
            raise CommandError(_bad_name(name), _(ADD_USAGE))
        try:
            row = await self._rules.add(owner, name, str(expr), created_by, self._clock())
        except RuleLimitError as exc:
            raise CommandError(
                _(
                    "this chat already has {limit} rules, the most it can hold — remove one "
                    "first (/rule list, /rule remove <name>)"
                ).format(limit=exc.limit)
            ) from None
        except RuleNameTakenError:
            raise CommandError(
                _("there is already a rule called {name} here — pick another name").format(
                    name=repr(name)
                ),
                _(ADD_USAGE),
            ) from None
        await self._changed()
        return RuleAdded(row, len(existing) + 1, self.limit, await self._preview(str(expr), True))

    async def owned(self, owner: Target) -> RuleList:
        return RuleList(tuple(await self._rules.owned(owner)), self.limit)

    async def remove(self, owner: Target, name: str) -> PersonalRuleRow:
        name = name.strip().lower()
        if not name:
            raise CommandError(_("which rule? give its name"), _(REMOVE_USAGE))
        current = {r.name: r for r in await self._rules.owned(owner)}
        if name not in current or not await self._rules.remove(owner, name):
            if current:
                message = _("no rule called {name} here (rules: {rules})").format(
                    name=_show(name), rules=_(", ").join(sorted(current)[:10])
                )
            else:
                message = _("no rule called {name} here (rules: none yet)").format(name=_show(name))
            raise CommandError(message, _(REMOVE_USAGE))
        await self._changed()
        return current[name]

    async def names(self, owner: Target) -> tuple[str, ...]:
        return tuple(r.name for r in await self._rules.owned(owner))

    async def _preview(self, expr: str, chart: bool) -> PreviewAnswer:
        try:
            result = await self._previews.run(expr, chart=chart)
        except (OSError, ValueError) as exc:  # the history directory is broken
            log.warning("rule preview failed: %s", exc)
            result = None
        if result is None:
            return PreviewAnswer(expr, (expr, _(NO_HISTORY)), None, None)
        lines = tuple(preview_lines(result.preview))
        return PreviewAnswer(expr, lines, result.chart, result.preview)


def _bad_name(name: str) -> str:
    return _("bad rule name {name}: 1–{limit} lowercase letters, digits, - or _").format(
        name=_show(name), limit=MAX_NAME
    )


def _show(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:27] + "…")


def _parse(text: str, usage: str) -> RuleExpr:
    try:
        return parse_expression(text)
    except RuleExprError as exc:
        raise CommandError(rule_error_text(exc), usage) from None


def split_name(text: str, name: str | None) -> tuple[str, str | None]:
    """``jgb.40y >= 3.8 jgb40`` -> (``jgb.40y >= 3.8``, ``jgb40``) when the whole is no rule."""
    text = text.strip()
    if name is not None or len(text) > MAX_EXPR:
        return text, name
    head, _sep, last = text.rpartition(" ")
    if not head or not valid_name(last.lower()):
        return text, None
    try:
        parse_expression(text)
    except RuleExprError:
        try:
            parse_expression(head)
        except RuleExprError:
            return text, None
        return head, last.lower()
    return text, None


def _free_name(indicator: str, taken: set[str]) -> str:
    base = indicator.replace(".", "-")[: MAX_NAME - 3]
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
