"""Per-chat settings of issue 12: the chat's language, and the once-per-chat /explain hint.

Keyed by ``(platform, chat_id)``: a Telegram chat (all its forum topics share
one language), a Discord DM channel, or a Discord server written ``guild:<id>``
(the server's default). ``language`` NULL means "not chosen": the adapter falls
back to the user's or server's own locale, then English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import insert_ignoring, insert_updating
from bot.store.models import Base
from bot.store.store import Store


class ChatSettingsModel(Base):
    __tablename__ = "chat_settings"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8))
    explain_hint_at: Mapped[dt.datetime | None]  # when the /explain pointer was shown
    updated_at: Mapped[dt.datetime]


class ChatSettings:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def language(self, platform: str, chat_id: str) -> str | None:
        async with self._store.transaction() as s:
            row = await s.get(ChatSettingsModel, (platform, chat_id))
            return row.language if row is not None else None

    async def languages(self, platform: str, chat_ids: Iterable[str]) -> dict[str, str]:
        """The chosen language of each of ``chat_ids`` that has one (one query, for fan-out)."""
        ids = list(dict.fromkeys(chat_ids))
        if not ids:
            return {}
        m = ChatSettingsModel
        async with self._store.transaction() as s:
            rows = await s.execute(
                select(m.chat_id, m.language).where(
                    m.platform == platform, m.chat_id.in_(ids), m.language.is_not(None)
                )
            )
            return {chat: lang for chat, lang in rows if lang}

    async def set_language(
        self, platform: str, chat_id: str, language: str | None, now: dt.datetime
    ) -> None:
        """Choose (or, with None, forget) the chat's language."""
        async with self._store.transaction() as s:
            await s.execute(
                insert_updating(
                    s, ChatSettingsModel, ("platform", "chat_id"), ("language", "updated_at")
                ).values(platform=platform, chat_id=chat_id, language=language, updated_at=now)
            )

    async def claim_explain_hint(self, platform: str, chat_id: str, now: dt.datetime) -> bool:
        """True exactly once per chat: the first caller shows the /explain pointer.

        A conditional update after an insert-if-absent, so two replicas answering
        the same chat's first /risk at once show it once.
        """
        m = ChatSettingsModel
        async with self._store.transaction() as s:
            await s.execute(
                insert_ignoring(s, m, ("platform", "chat_id")).values(
                    platform=platform, chat_id=chat_id, updated_at=now
                )
            )
            claimed = await s.execute(
                update(m)
                .where(m.platform == platform, m.chat_id == chat_id, m.explain_hint_at.is_(None))
                .values(explain_hint_at=now, updated_at=now)
            )
            return bool(claimed.rowcount)  # type: ignore[attr-defined]
