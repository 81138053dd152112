"""Observation upserts are idempotent, report corrections, and datetimes stay aware UTC."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import StatementError

from bot.store import Correction, Store
from signals.observation import Observation

FETCHED = dt.datetime(2024, 8, 5, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def obs(series: str, day: int, value: float, source: str = "mof") -> Observation:
    return Observation(series, dt.date(2024, 8, day), value, source, FETCHED)


async def test_same_values_twice_is_a_no_op(store: Store) -> None:
    batch = [obs("jgb.10y", 1, 1.05), obs("jgb.10y", 2, 0.96), obs("usdjpy", 2, 149.2, "ecb")]
    first = await store.upsert_observations(batch)
    assert (first.inserted, first.unchanged, first.corrected) == (3, 0, ())
    assert first.changed
    again = await store.upsert_observations(batch)
    assert (again.inserted, again.unchanged, again.corrected) == (0, 3, ())
    assert not again.changed
    assert len(await store.load_observations()) == 3


async def test_a_different_value_is_a_correction(store: Store) -> None:
    await store.upsert_observations([obs("jgb.10y", 1, 1.05), obs("jgb.10y", 2, 0.96)])
    result = await store.upsert_observations(
        [obs("jgb.10y", 2, 0.94, "mof-revised"), obs("jgb.10y", 3, 0.83)]
    )
    assert result.inserted == 1
    assert result.corrected == (Correction("jgb.10y", dt.date(2024, 8, 2), 0.96, 0.94),)
    stored = {(o.series, o.date): o for o in await store.load_observations()}
    assert stored[("jgb.10y", dt.date(2024, 8, 2))].value == 0.94
    assert stored[("jgb.10y", dt.date(2024, 8, 2))].source == "mof-revised"
    assert len(stored) == 3


async def test_negative_yields_and_last_value_in_a_batch_wins(store: Store) -> None:
    result = await store.upsert_observations([obs("jgb.10y", 1, -0.1), obs("jgb.10y", 1, -0.2)])
    assert result.inserted == 1
    assert [o.value for o in await store.load_observations()] == [-0.2]


async def test_load_filters_and_orders_by_date_then_series(store: Store) -> None:
    await store.upsert_observations(
        [obs("usdjpy", 2, 147.0), obs("btc", 2, 58000.0), obs("usdjpy", 1, 150.0)]
    )
    everything = await store.load_observations()
    assert [(o.date.day, o.series) for o in everything] == [
        (1, "usdjpy"),
        (2, "btc"),
        (2, "usdjpy"),
    ]
    since = await store.load_observations(since=dt.date(2024, 8, 2), series=["usdjpy"])
    assert [(o.date.day, o.series) for o in since] == [(2, "usdjpy")]
    assert await store.load_observations(series=[]) == []
    assert await store.latest_observation_dates() == {
        "btc": dt.date(2024, 8, 2),
        "usdjpy": dt.date(2024, 8, 2),
    }


async def test_fetched_at_round_trips_as_aware_utc(store: Store) -> None:
    await store.upsert_observations([obs("jgb.40y", 5, 2.4)])
    (loaded,) = await store.load_observations()
    assert loaded.fetched_at == FETCHED
    assert loaded.fetched_at is not None
    assert loaded.fetched_at.utcoffset() == dt.timedelta(0)


async def test_naive_datetimes_are_refused(store: Store) -> None:
    naive = Observation("jgb.10y", dt.date(2024, 8, 1), 1.0, "mof", dt.datetime(2024, 8, 1, 6))
    with pytest.raises(StatementError, match="naive datetime"):
        await store.upsert_observations([naive])
    assert await store.load_observations() == []
