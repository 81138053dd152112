"""/language: which language a chat or server reads carrywatch in.

Platform-neutral, like the rest of ``bot.commands``: the adapters parse, ask
who may change it, call :class:`LanguageService` and render its answer.
A chat is keyed as in :mod:`bot.store.chat_settings` (a Telegram chat, a
Discord DM channel, or ``guild:<id>`` for a Discord server's default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot import i18n
from bot.commands.answers import CommandError
from bot.i18n import _
from bot.store.chat_settings import ChatSettings

Clock = Callable[[], dt.datetime]
USAGE = "/language en|zh|ja"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class LanguageAnswer:
    """The chat's language after the command; ``chosen`` False when only shown."""

    language: str  # what the chat reads now (chosen, or the fallback)
    chosen: bool  # the chat (or server) set it explicitly
    changed: bool = False  # this command changed it
    choices: tuple[str, ...] = i18n.LANGUAGES


def parse_language(raw: str) -> str:
    """``en``/``zh``/``ja`` (or a tag like ``zh-CN``, ``ja-JP``, or a native name)."""
    text = raw.strip()
    by_name = {name.lower(): code for code, name in i18n.NATIVE_NAMES.items()}
    lang = by_name.get(text.lower()) or i18n.normalize(text)
    if lang is None:
        raise CommandError(
            _("{given} is not a language I speak; choose en, zh or ja.").format(given=text[:40]),
            USAGE,
        )
    return lang


class LanguageService:
    def __init__(self, chats: ChatSettings, *, clock: Clock = _utcnow) -> None:
        self._chats = chats
        self._clock = clock

    @property
    def chats(self) -> ChatSettings:
        return self._chats

    async def chosen(self, platform: str, chat_id: str) -> str | None:
        return await self._chats.language(platform, chat_id)

    async def show(self, platform: str, chat_id: str, fallback: str | None) -> LanguageAnswer:
        chosen = await self._chats.language(platform, chat_id)
        return LanguageAnswer(i18n.pick(chosen, fallback), chosen is not None)

    async def adopt(self, platform: str, chat_id: str, app_language: str | None) -> None:
        """Keep a user's app language for a chat that never chose one (a private chat
        subscribing), so its alerts — sent with no user at hand — read like its replies."""
        lang = i18n.normalize(app_language)
        if lang is not None and await self._chats.language(platform, chat_id) is None:
            await self._chats.set_language(platform, chat_id, lang, self._clock())

    async def choose(self, platform: str, chat_id: str, raw: str) -> LanguageAnswer:
        """Set the chat's language from what the user typed; a CommandError when unknown."""
        lang = parse_language(raw)
        before = await self._chats.language(platform, chat_id)
        await self._chats.set_language(platform, chat_id, lang, self._clock())
        return LanguageAnswer(lang, True, changed=before != lang)
