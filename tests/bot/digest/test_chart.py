"""The digest chart from stored real scores: which points it is drawn from, and that the
PNG is real, the same on a retry, and in the reader's language.

Pins down: the week's market dates only, every computation up to the spec's cutoff
(intraday recomputations included, later ones not), each day's final value the
engine's score; two drawings of one spec are byte-identical even after a newer
recomputation was stored; zh/ja draw with their own words (no missing glyph: warnings
are errors); an empty week refuses to draw; the PNG of the spec is cached per language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import i18n
from bot.alerts.attachments import DIGEST_SCORE, ChartSpec
from bot.charts.digest import NoWeekScores, chart_title
from bot.digest.chart import DigestCharts, week_data
from bot.store import Store
from tests.bot.digest.realweek import RealWeeks, png_size, real_weeks, store_weeks

FIRST, LAST = dt.date(2026, 3, 23), dt.date(2026, 3, 29)
CUTOFF = dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC)  # Mon 08:00 CEST
SPEC = ChartSpec(DIGEST_SCORE, FIRST, LAST, "Europe/Berlin", CUTOFF)
TIMES = (dt.time(9), dt.time(21))


@pytest.fixture(scope="module")
def weeks(history_dir: Path) -> RealWeeks:
    return real_weeks(history_dir, FIRST - dt.timedelta(days=7), LAST)


@pytest.fixture
async def store(tmp_path: Path, weeks: RealWeeks) -> AsyncIterator[Store]:
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'carrywatch.db'}") as st:
        await store_weeks(st, weeks, TIMES)
        yield st


async def test_points_are_the_weeks_computations_up_to_the_cutoff(
    store: Store, weeks: RealWeeks
) -> None:
    late = weeks.snapshots[-1]  # recomputed after the digest was queued: not drawn
    await store.save_evaluation(late, CUTOFF + dt.timedelta(minutes=1))
    data = await week_data(store, SPEC)
    expected = weeks.scores(FIRST, LAST)
    assert len(expected) == 7  # BTC trades every day: the engine scores all seven
    assert [(p.day, p.score) for p in data.daily] == expected
    assert len(data.points) == 2 * len(expected) and data.intraday
    assert {p.day for p in data.points} == {d for d, _ in expected}
    assert all(p.at <= CUTOFF for p in data.points)
    assert [data.x(p) for p in data.points] == sorted(data.x(p) for p in data.points)
    # 09:00 UTC is 10:00 CET on Mon 23 Mar: the first point sits 10/24 into slot 0
    assert data.x(data.points[0]) == pytest.approx(10 / 24)


async def test_png_is_real_and_the_same_on_a_retry(store: Store, weeks: RealWeeks) -> None:
    first = await DigestCharts(store).render(SPEC, "en")
    await store.save_evaluation(weeks.snapshots[-1], CUTOFF + dt.timedelta(hours=1))
    again = await DigestCharts(store).render(SPEC, "en")  # a fresh renderer: no cache
    assert again.png == first.png
    width, height = png_size(first.png)
    assert (width, height) == (780, 342)
    assert 15_000 < first.size < 200_000
    assert first.filename == "carrywatch-digest-20260323-20260329.png"
    assert first.title == "Stress score this week: Mar 23\u2009–\u200929, 2026"


async def test_languages_draw_their_own_words(store: Store) -> None:
    charts = DigestCharts(store)
    en = await charts.render(SPEC, "en")
    zh = await charts.render(SPEC, "zh")
    ja = await charts.render(SPEC, "ja")
    assert len({en.png, zh.png, ja.png}) == 3
    assert zh.title.startswith("本周压力分数") and "2026年3月23日" in zh.title
    assert ja.title.startswith("今週のストレススコア") and "2026年3月23日" in ja.title
    assert await charts.render(SPEC, "zh") is zh and charts.drawn == 3  # cached per language


async def test_an_empty_week_is_not_drawn(store: Store) -> None:
    spec = ChartSpec(DIGEST_SCORE, dt.date(2025, 1, 6), dt.date(2025, 1, 12), "UTC", CUTOFF)
    with pytest.raises(NoWeekScores):
        await DigestCharts(store).render(spec, "en")
    with i18n.use("en"):
        assert chart_title(await week_data(store, spec)) == (
            "Stress score this week: Jan 6\u2009–\u200912, 2025"
        )


def test_spec_round_trips_and_bad_specs_say_why() -> None:
    from bot.alerts.attachments import BadChartSpec

    assert ChartSpec.from_json(SPEC.to_json()) == SPEC
    with pytest.raises(BadChartSpec, match="unknown chart kind 'pie'"):
        ChartSpec.from_json({**SPEC.to_json(), "kind": "pie"})
    with pytest.raises(BadChartSpec, match="no time zone"):
        ChartSpec.from_json({**SPEC.to_json(), "cutoff": "2026-03-30T06:00:00"})
    with pytest.raises(BadChartSpec, match="bad chart spec"):
        ChartSpec.from_json({"kind": DIGEST_SCORE})
