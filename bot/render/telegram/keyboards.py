"""The /settings inline keyboard and its callback data.

Button labels are in the reader's language; callback data never is (it is parsed back).

Callback data is ``cw:<action>[:<arg>]`` (at most 64 bytes, Telegram's limit):
``cw:level:high``, ``cw:quiet:22:00-07:00``, ``cw:quiet:off``, ``cw:mute:8h``,
``cw:unmute``. :func:`parse_callback` is the only reader, so the adapter never
splits strings itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.commands.answers import SettingsAnswer
from bot.i18n import _
from bot.render.common import level_word
from signals.levels import Level

PREFIX = "cw"
QUIET_PRESETS = (("22:00", "07:00"), ("23:00", "08:00"), ("00:00", "06:00"))
MUTE_PRESETS = ("1h", "8h", "24h")
ACTIONS = frozenset({"level", "quiet", "mute", "unmute"})


@dataclass(frozen=True, slots=True)
class ButtonPress:
    action: str
    arg: str = ""


def data(action: str, arg: str = "") -> str:
    return f"{PREFIX}:{action}:{arg}" if arg else f"{PREFIX}:{action}"


def parse_callback(raw: str | None) -> ButtonPress | None:
    """The press, or None for data this keyboard never produced."""
    if not raw:
        return None
    prefix, _sep, rest = raw.partition(":")
    action, _sep, arg = rest.partition(":")
    if prefix != PREFIX or action not in ACTIONS:
        return None
    return ButtonPress(action, arg)


def _quiet_label(start: str, end: str, current: SettingsAnswer) -> str:
    on = current.quiet_start == dt.time.fromisoformat(
        start
    ) and current.quiet_end == dt.time.fromisoformat(end)
    return f"{'✓ ' if on else ''}🌙 {start}–{end}"


def settings_keyboard(current: SettingsAnswer) -> InlineKeyboardMarkup | None:
    """Level row, quiet-hours row, mute row; None when the chat is not subscribed."""
    if not current.subscribed:
        return None
    levels = [
        InlineKeyboardButton(
            f"{'✓ ' if lv == current.min_level else ''}{level_word(lv)}",
            callback_data=data("level", lv.label),
        )
        for lv in Level
    ]
    quiet = [
        InlineKeyboardButton(_quiet_label(s, e, current), callback_data=data("quiet", f"{s}-{e}"))
        for s, e in QUIET_PRESETS
    ]
    quiet.append(InlineKeyboardButton(_("quiet off"), callback_data=data("quiet", "off")))
    mute = [InlineKeyboardButton(f"🔕 {d}", callback_data=data("mute", d)) for d in MUTE_PRESETS]
    mute.append(InlineKeyboardButton(_("🔔 unmute"), callback_data=data("unmute")))
    return InlineKeyboardMarkup([levels, quiet, mute])


RISK_DETAILS = "cwrisk:details"  # not under PREFIX: /settings' handler never sees it


def risk_keyboard() -> InlineKeyboardMarkup:
    """The "Details" button under the short /risk answer."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(_("Details"), callback_data=RISK_DETAILS)]])
