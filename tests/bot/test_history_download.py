"""``download_history`` against the provider stand-in: real files in, validated, atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.history.download import HistoryDownloadError, download_history
from bot.settings import Settings
from bot.sources.http import HttpFetcher, RetryPolicy
from tests.standins.providers import ProviderStandin

NOW = dt.datetime(2026, 8, 12, 6, tzinfo=dt.UTC)


@pytest.fixture
async def standin(api_samples: Path, history_dir: Path) -> AsyncIterator[ProviderStandin]:
    async with ProviderStandin(api_samples.parent, history_dir) as p:
        yield p


def leftovers(folder: Path) -> list[Path]:
    """Temporary files a download left behind (there must be none)."""
    return list(folder.rglob("*.part"))


def settings_for(p: ProviderStandin) -> Settings:
    names = ("mof", "treasury", "frankfurter", "kraken", "coinbase", "fred")
    return Settings(sources={n: {"url": p.url(n)} for n in names})


async def test_downloads_every_file(
    standin: ProviderStandin, history_dir: Path, tmp_path: Path
) -> None:
    async with HttpFetcher(timeout=2.0, retry=RetryPolicy(attempts=1)) as http:
        written = await download_history(
            tmp_path, settings_for(standin), http, now=NOW,
            btc_start=dt.date(2026, 7, 1), page_pause=0.0,
        )  # fmt: skip
    rel = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert rel == [
        "btc/coinbase_BTC-USD_daily.csv",
        "fx/fred_DEXJPUS_daily.csv",
        "mof/jgbcme_all.csv",
        "ust/fred_DGS10_daily.csv",
        "ust/fred_DGS2_daily.csv",
    ]
    real = (history_dir / "mof/jgbcme_all_to_2026-06-30.csv").read_bytes()
    assert (tmp_path / "mof/jgbcme_all.csv").read_bytes() == real  # bytes as served
    dgs10 = (history_dir / "ust/fred_DGS10_daily.csv").read_bytes()
    assert (tmp_path / "ust/fred_DGS10_daily.csv").read_bytes() == dgs10
    btc = (tmp_path / "btc/coinbase_BTC-USD_daily.csv").read_text().splitlines()
    assert btc[0] == "date,open,high,low,close,volume"
    assert len(btc) == 11  # the 10 recorded candles, 2026-08-01..10
    assert btc[1].startswith("2026-08-01,62826.69,63093.0,62209.81,62764.2,")
    assert btc[-1].startswith("2026-08-10,64848.68,65341.83,63733.03,63911.88,")
    assert not leftovers(tmp_path)
    # Paged: 2026-07-01 .. 2026-08-12 fits one 300-day page
    assert standin.requests["coinbase"] == 1
    assert "start" in standin.log[-1].query


async def test_bad_file_is_not_kept_and_others_are(
    standin: ProviderStandin, tmp_path: Path
) -> None:
    old = tmp_path / "mof/jgbcme_all.csv"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"previous good copy")
    standin.set_fault("mof", "html_200")
    async with HttpFetcher(timeout=2.0, retry=RetryPolicy(attempts=1)) as http:
        with pytest.raises(HistoryDownloadError) as err:
            await download_history(
                tmp_path, settings_for(standin), http, now=NOW,
                btc_start=dt.date(2026, 7, 1), page_pause=0.0,
            )  # fmt: skip
    assert list(err.value.failures) == ["mof/jgbcme_all.csv"]
    assert "html_body" in err.value.failures["mof/jgbcme_all.csv"]
    assert old.read_bytes() == b"previous good copy"  # never replaced by the HTML page
    assert len(err.value.written) == 4
    assert not leftovers(tmp_path)


async def test_fred_root_defaults_and_env_override(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CARRYWATCH_SOURCES__FRED__URL", "http://127.0.0.1:9/fred")
    settings = Settings()
    assert settings.sources["fred"].url == "http://127.0.0.1:9/fred"
    assert settings.sources["mof"].url.startswith("https://www.mof.go.jp/")
