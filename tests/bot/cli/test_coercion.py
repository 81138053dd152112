"""Plain str/Path/flag options skip typer's Pydantic adapters and still arrive as typer's would."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand
from typer.testing import CliRunner

from bot.cli.coercion import PlainRuntimeParam, plain_coercion

runner = CliRunner()
seen: dict[str, Any] = {}


def _command(
    name: Annotated[str, typer.Argument()],
    where: Annotated[Path | None, typer.Option("--where")] = None,
    flag: Annotated[bool, typer.Option("--flag")] = False,
    count: Annotated[int, typer.Option("--count")] = 1,
) -> None:
    seen.update(name=name, where=where, flag=flag, count=count)


class _PlainCommand(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_coercion(self)


def _app(plain: bool) -> typer.Typer:
    app = typer.Typer()
    app.command(cls=_PlainCommand if plain else TyperCommand)(_command)
    return app


def _run(plain: bool, args: list[str]) -> tuple[int, dict[str, Any], str]:
    seen.clear()
    result = runner.invoke(_app(plain), args)
    return result.exit_code, dict(seen), result.output


def test_same_values_as_typer_for_every_form() -> None:
    for args in (
        ["x"],
        ["héllo wörld", "--where", "a/b c", "--flag", "--count", "3"],
        ["--where=/tmp", "y"],
        ["", "--where", ""],
    ):
        assert _run(True, args) == _run(False, args), args
    code, values, _ = _run(True, ["x", "--where", "a/b"])
    assert code == 0 and values["where"] == Path("a/b") and isinstance(values["where"], Path)


def test_only_plain_options_are_replaced_and_errors_stay_typers() -> None:
    command = typer.main.get_command(_app(True))
    kinds = {p.name: type(p._runtime_param).__name__ for p in command.params}
    assert kinds["name"] == kinds["where"] == kinds["flag"] == "PlainRuntimeParam"
    assert kinds["count"] == "NoneType"  # an int keeps typer's own (Pydantic) coercion
    bad_plain, bad_typer = (
        _run(True, ["x", "--count", "many"]),
        _run(False, ["x", "--count", "many"]),
    )
    assert bad_plain[0] == bad_typer[0] == 2 and bad_plain[2] == bad_typer[2]
    assert isinstance(command.params[0]._runtime_param, PlainRuntimeParam)
