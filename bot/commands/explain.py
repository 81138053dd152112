"""The platform-neutral ``/explain`` service: the carry trade, the score, today's place in it.

/explain is a short course with the live numbers filled in: the latest reading
(the same cached snapshot /risk answers from) and where it stands against the
2024 unwind and the last severe episode. The references come from the scored
history the bot already keeps in memory for rule previews
(:class:`~bot.rules.previews.PreviewHistory`), so nothing is loaded per call;
the standing is computed once per (market day, score) and cached.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.commands.answers import RiskAnswer
from bot.commands.service import CommandService
from bot.rules.previews import PreviewHistory
from bot.store.chat_settings import ChatSettings
from signals.episodes import Standing, standing

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExplainAnswer:
    """Today's reading (score, level, every component's live values) and its standing.

    ``standing`` is None when no history is loaded (no ``CARRYWATCH_HISTORY_DIR``):
    the explanation is then given without the historical comparison, and says so.
    """

    risk: RiskAnswer
    standing: Standing | None


class ExplainService:
    """/explain, and the once-per-chat pointer to it under a chat's first /risk.

    ``chats`` None (no store at hand): no pointer is ever shown.
    """

    def __init__(
        self,
        service: CommandService,
        previews: PreviewHistory,
        chats: ChatSettings | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._service = service
        self._previews = previews
        self._chats = chats
        self._clock = clock or service.now
        self._cached: tuple[tuple[object, ...], Standing] | None = None

    async def claim_pointer(self, platform: str, chat_id: str) -> bool:
        """True exactly once per chat (keyed as in ``bot.store.chat_settings``): this
        /risk answer ends with the pointer. A store error costs the pointer, not the
        answer."""
        if self._chats is None:
            return False
        try:
            return await self._chats.claim_explain_hint(platform, chat_id, self._clock())
        except Exception:  # the /risk answer matters more than the hint under it
            log.warning("explain pointer not claimable; answering without it", exc_info=True)
            return False

    async def explain(self) -> ExplainAnswer:
        """A CommandError (from /risk) before the first score; otherwise always an answer.

        A broken history directory is not the reader's problem: the answer comes
        without the comparison (``rules_service.warm`` has already logged why).
        """
        risk = await self._service.risk()
        try:
            history = await self._previews.history()
        except (OSError, ValueError):
            history = None
        if history is None:
            return ExplainAnswer(risk, None)
        key = (id(history), risk.as_of, risk.score)
        if self._cached is None or self._cached[0] != key:
            self._cached = (key, standing(history, risk.score, risk.as_of))
        return ExplainAnswer(risk, self._cached[1])
