"""The platform-neutral ``/explain`` service: the carry trade, the score, today's place in it.

/explain is a short course with the live numbers filled in: the latest reading
(the same cached snapshot /risk answers from) and where it stands against the
2024 unwind and the last severe episode. The references come from the scored
history the bot already keeps in memory for rule previews
(:class:`~bot.rules.previews.PreviewHistory`), so nothing is loaded per call;
the standing is computed once per (market day, score) and cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.answers import RiskAnswer
from bot.commands.service import CommandService
from bot.rules.previews import PreviewHistory
from signals.episodes import Standing, standing


@dataclass(frozen=True, slots=True)
class ExplainAnswer:
    """Today's reading (score, level, every component's live values) and its standing.

    ``standing`` is None when no history is loaded (no ``CARRYWATCH_HISTORY_DIR``):
    the explanation is then given without the historical comparison, and says so.
    """

    risk: RiskAnswer
    standing: Standing | None


class ExplainService:
    def __init__(self, service: CommandService, previews: PreviewHistory) -> None:
        self._service = service
        self._previews = previews
        self._cached: tuple[tuple[object, ...], Standing] | None = None

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
