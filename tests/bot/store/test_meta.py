"""Data-quality events and the meta key/value table; every time comes back aware UTC."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from bot.store import QualityEvent, Store

from .conftest import T0

JST = dt.timezone(dt.timedelta(hours=9))


async def test_quality_events_newest_first_in_utc(store: Store) -> None:
    older = QualityEvent(
        dt.datetime(2024, 8, 5, 9, 0, tzinfo=JST), "mof", None, "html_body", "<html>"
    )
    newer = QualityEvent(
        T0, "kraken", "btc", "disagreement", "kraken 56000 vs coinbase 61000", dt.date(2024, 8, 5)
    )
    await store.add_quality_event(older)
    await store.add_quality_event(newer)
    got = await store.recent_quality_events(10)
    assert got == [newer, older]
    assert got[1].at.tzinfo == dt.UTC
    assert got[1].at == older.at
    assert await store.recent_quality_events(1) == [newer]


async def test_meta_set_get_overwrite(store: Store) -> None:
    assert await store.meta_get("discord.command_hash") is None
    await store.meta_set("discord.command_hash", "abc")
    await store.meta_set("discord.command_hash", "def")
    assert await store.meta_get("discord.command_hash") == "def"


async def test_gate_events_with_enum_kinds_are_accepted(store: Store) -> None:
    """Any object with the QualityEvent attributes goes in; ``kind`` is stored as text."""

    class Kind(enum.StrEnum):
        STALE = "stale"

    @dataclasses.dataclass(frozen=True)
    class GateEvent:
        at: dt.datetime
        source: str
        series: str | None
        kind: Kind
        detail: str
        date: dt.date | None = None

    await store.add_quality_event(GateEvent(T0, "mof", "jgb.40y", Kind.STALE, "3 days old"))
    (got,) = await store.recent_quality_events(5)
    assert got == QualityEvent(T0, "mof", "jgb.40y", "stale", "3 days old")
    assert type(got.kind) is str
