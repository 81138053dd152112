"""Load alert rules: the packaged defaults, or an operator's TOML file instead."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from signals.backtest import known_indicator
from signals.rules import Rule, RuleConfigError, parse_rules

DEFAULT_RULES = "default_rules.toml"


def default_rules_text() -> str:
    return resources.files("bot.rules").joinpath(DEFAULT_RULES).read_text(encoding="utf-8")


def load_rules(path: Path | None = None) -> list[Rule]:
    """Rules from ``path`` (a TOML file with ``[[rules]]``) or the packaged defaults.

    Raises RuleConfigError naming the file, rule and field on any mistake.
    """
    if path is None:
        return parse_rules(tomllib.loads(default_rules_text()), known_indicator)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleConfigError("-", "rules_file", f"{path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleConfigError("-", "rules_file", f"{path} is not valid TOML: {exc}") from None
    try:
        return parse_rules(data, known_indicator)
    except RuleConfigError as exc:
        raise RuleConfigError(exc.rule, exc.field, f"{exc.problem} (in {path})") from None
