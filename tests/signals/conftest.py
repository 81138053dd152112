"""Real history panels shared by the engine tests (loaded once per session)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bot.history.loader import load_history_panel


@pytest.fixture(scope="session")
def real_panel(history_dir: Path) -> pd.DataFrame:
    return load_history_panel(history_dir)
