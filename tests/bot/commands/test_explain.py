"""The /explain service over a real store and the real scored history: today's reading
is the one /risk answers from, and its standing is judged on the days up to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commands.answers import CommandError
from bot.commands.explain import ExplainService
from bot.commands.service import CommandService
from bot.rules.previews import PreviewHistory
from bot.store import Store
from signals.engine import ScoredHistory
from tests.bot.realdata import UNWIND, YCC, at_close, snapshot_on


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'carrywatch.db'}") as started:
        yield started


def _service(store: Store, day: dt.date) -> CommandService:
    return CommandService(store, clock=lambda: at_close(day) + dt.timedelta(minutes=5))


@pytest.mark.parametrize("day", [UNWIND, YCC], ids=["2024-08-05", "2022-12-21"])
async def test_explain_uses_the_latest_snapshot_and_history_up_to_it(
    store: Store, history_dir: Path, scored_history: ScoredHistory, day: dt.date
) -> None:
    snap = snapshot_on(history_dir, day)
    await store.save_evaluation(snap, at_close(snap.as_of))
    service = _service(store, day)
    explain = ExplainService(service, PreviewHistory(history_dir, scored_history))
    answer = await explain.explain()
    risk = await service.risk()
    assert answer.risk.score == risk.score == pytest.approx(snap.score)
    assert [c.name for c in answer.risk.components] == [c.name for c in snap.components]
    standing = answer.standing
    assert standing is not None and standing.as_of == snap.as_of
    assert standing.last_severe is not None and standing.last_severe.end < snap.as_of
    if day == UNWIND:
        assert standing.unwind is not None and standing.unwind.peak_on == snap.as_of
    else:
        assert standing.unwind is None  # Dec 2022 knows nothing of 2024
    again = await explain.explain()
    assert again.standing is standing  # computed once per reading


async def test_without_history_the_answer_has_no_comparison(
    store: Store, history_dir: Path
) -> None:
    snap = snapshot_on(history_dir, UNWIND)
    await store.save_evaluation(snap, at_close(snap.as_of))
    answer = await ExplainService(_service(store, UNWIND), PreviewHistory(None)).explain()
    assert answer.standing is None and answer.risk.score == pytest.approx(snap.score)
    missing = PreviewHistory(history_dir / "no-such-dir")
    answer = await ExplainService(_service(store, UNWIND), missing).explain()
    assert answer.standing is None


async def test_before_the_first_score_it_says_so(store: Store) -> None:
    with pytest.raises(CommandError):
        await ExplainService(_service(store, UNWIND), PreviewHistory(None)).explain()
