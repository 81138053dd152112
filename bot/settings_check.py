"""What the settings model cannot see by itself: misspelt names and a broken file.

pydantic-settings reads only the variables it knows, so ``CARRYWATCH_TELEGRAM__TOKN``
would be dropped without a word, and a TOML key it does not know likewise. Here
the names in the environment and in ``carrywatch.toml`` are checked against the
model's fields, with a "did you mean" from :mod:`difflib`; the file is parsed
here too, so a syntax error is one line with the file and the line number.

Every problem is a :class:`SettingsError` whose lines each name the setting and
what is wrong — never its value when it is a secret.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

PREFIX = "CARRYWATCH_"
# Variables with the prefix that are not settings of the model.
OTHER_VARIABLES = frozenset(
    {
        "CARRYWATCH_CONFIG",  # where the TOML file is
        "CARRYWATCH_CACHE_DIR",  # rules test's history cache (bot/rules/preview_cache.py)
        "CARRYWATCH_HEALTHCHECK_HOST",  # deploy/healthcheck.py
    }
)
OTHER_PREFIXES = ("CARRYWATCH_TEST_",)  # the test suite's own switches


class SettingsError(ValueError):
    """One or more invalid settings; each line names the setting and the problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _suggest(name: str, known: Iterable[str], template: str = "; did you mean {}?") -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return template.format(close[0]) if close else ""


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def env_names(model: type[BaseModel], known_sources: Iterable[str]) -> set[str]:
    """Every ``CARRYWATCH_*`` variable the model reads (``<NAME>`` stands for a provider)."""
    names: set[str] = set()
    for field, info in model.model_fields.items():
        top = PREFIX + field.upper()
        names.add(top)
        if (sub := _model_of(info.annotation)) is not None:
            names.update(f"{top}__{f.upper()}" for f in sub.model_fields)
        elif field == "sources":
            from bot.settings import SourceSettings

            for source in known_sources:
                names.add(f"{top}__{source.upper()}")
                names.update(
                    f"{top}__{source.upper()}__{f.upper()}" for f in SourceSettings.model_fields
                )
    return names


def unknown_variables(
    environ: Mapping[str, str], model: type[BaseModel], known_sources: Iterable[str]
) -> list[str]:
    """One line per ``CARRYWATCH_*`` variable that no setting reads."""
    known = env_names(model, known_sources) | OTHER_VARIABLES
    problems = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith(PREFIX) or upper in known or upper.startswith(OTHER_PREFIXES):
            continue
        problems.append(f"{name}: not a carrywatch setting{_suggest(upper, known)}")
    return problems


def _check_keys(
    data: Mapping[str, Any],
    model: type[BaseModel],
    where: str,
    known_sources: Iterable[str],
    problems: list[str],
) -> None:
    fields = model.model_fields
    for key, value in data.items():
        label = f"[{where}] key {key!r}" if where else f"key {key!r}"
        if key not in fields:
            if isinstance(value, dict) and not where:
                sections = [f for f in fields if _model_of(fields[f].annotation) or f == "sources"]
                hint = _suggest(key, sections, "; did you mean [{}]?")
                problems.append(f"unknown section [{key}]{hint}")
            else:
                hint = _suggest(key, fields, "; did you mean {!r}?")
                problems.append(f"{label}: not a setting{hint}")
            continue
        sub = _model_of(fields[key].annotation)
        if sub is not None and isinstance(value, dict):
            _check_keys(value, sub, f"{where}.{key}" if where else key, known_sources, problems)
        elif key == "sources" and not where and isinstance(value, dict):
            from bot.settings import SourceSettings

            sources = list(known_sources)
            for name, cfg in value.items():
                if name.lower() not in sources:
                    hint = _suggest(name.lower(), sources, "; did you mean [sources.{}]?")
                    problems.append(f"unknown provider [sources.{name}]{hint}")
                elif isinstance(cfg, dict):
                    _check_keys(cfg, SourceSettings, f"sources.{name}", (), problems)


def read_config_file(
    path: Path, model: type[BaseSettings], known_sources: Iterable[str]
) -> dict[str, Any]:
    """The TOML file as a dict ({} when it does not exist); SettingsError when it is wrong."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([f"{path}: not valid TOML: {exc}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError([f"{path}: cannot be read: {exc}"]) from None
    problems: list[str] = []
    _check_keys(data, model, "", known_sources, problems)
    if problems:
        raise SettingsError(f"{path}: {p}" for p in problems)
    return data


def _setting_name(loc: tuple[int | str, ...]) -> str:
    path = [str(part) for part in loc]
    dotted = ".".join(path)
    env = PREFIX + "__".join(p.upper() for p in path)
    return f"{dotted} ({env})"


SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a SQLite database file, or None (absent and empty are fine)."""
    if path.parent.exists() and not path.parent.is_dir():
        return f"{path}: {path.parent} is a file, not a folder"
    if not path.exists():
        return None
    if not path.is_file():
        return f"{path} is not a file"
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head and head != SQLITE_HEADER:
        return f"{path} is not a SQLite database (left untouched)"
    return None


def explain(exc: ValidationError) -> SettingsError:
    """A pydantic error as one line per setting: name, env variable, problem; no secrets."""
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        problems.append(f"{_setting_name(loc)}: {message}")
    return SettingsError(problems)
