"""Whether a setting is given at all, without loading the settings model.

Loading :class:`bot.settings.Settings` costs pydantic and pydantic-settings
(~0.25 s of start-up). ``carrywatch backtest`` needs one setting,
``alerts.repeat_interval``; when neither the environment nor the config file
mentions it, the model would only hand back its default, so the command uses
that default and skips the model. Anything that could set it — the variable,
an ``[alerts]`` table, a file that does not parse — goes through the model,
which validates it and reports problems as every command does.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

DEFAULT_CONFIG_FILE = "carrywatch.toml"
REPEAT_INTERVAL_DEFAULT = "0"  # AlertSettings.repeat_interval: never remind


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The config file every command reads (``CARRYWATCH_CONFIG`` or ./carrywatch.toml)."""
    env = os.environ if environ is None else environ
    return Path(env.get("CARRYWATCH_CONFIG", DEFAULT_CONFIG_FILE))


def section_given(section: str, environ: Mapping[str, str] | None = None) -> bool:
    """True when the environment or the config file may set something in ``section``.

    Names are matched as pydantic-settings matches them: without regard to case,
    ``CARRYWATCH_<SECTION>`` (JSON) or ``CARRYWATCH_<SECTION>__<FIELD>``.
    """
    env = os.environ if environ is None else environ
    prefix = f"CARRYWATCH_{section.upper()}"
    if any(name.upper() == prefix or name.upper().startswith(prefix + "__") for name in env):
        return True
    path = config_path(env)
    if not path.exists():
        return False
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
        return True  # let the settings model say what is wrong with it
    return section in data
