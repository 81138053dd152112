"""Plain ``str``/``Path`` options without Pydantic: typer's coercion costs a fifth of a second.

typer (0.29) converts every command-line value through a Pydantic
``TypeAdapter`` it builds on first use. For this CLI's options — a string, a
path, a flag — that means importing Pydantic's validator machinery and
generating a schema per option: ~0.2 s before ``carrywatch rules test`` can
answer, more than the answer itself takes from the history cache. For those
annotations only (no parser, no bounds, no list), the value typer's parser
hands over is already the string; the conversion is ``str(value)`` or
``Path(value)``, exactly what Pydantic's lax mode does. Anything else keeps
typer's own coercion.

This relies on typer's ``_TyperParameter._runtime_param`` slot (typer builds
it lazily when it is None); if a typer release renames it, nothing is
replaced and typer coerces as before — only slower.
``tests/bot/cli/test_coercion.py`` pins the values and the import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer._coercion import RuntimeParam

_PLAIN: tuple[type, ...] = (str, Path, bool)


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """``str``/``Path`` of what the parser read, a flag's bool as it is (None stays
    None, in ``coerce``); any other value goes to typer's own coercion."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, self.annotation):
            return value
        if isinstance(value, str) and self.annotation is not bool:
            return self.annotation(value)
        from typer._coercion import TypeDescriptor, build_runtime_param

        typer_own = build_runtime_param(TypeDescriptor(self.annotation, self.parameter_info, None))
        return typer_own.coerce(value, param=param, ctx=ctx)


def _plain(param: Any) -> bool:
    desc = getattr(param, "type_descriptor", None)
    if desc is None or getattr(param, "_runtime_param", False) is not None:
        return False
    info = desc.parameter_info
    return (
        desc.annotation in _PLAIN
        and desc.file_annotation is None
        and getattr(info, "parser", None) is None
        and getattr(info, "click_type", None) is None
        and getattr(info, "min", None) is None
        and getattr(info, "max", None) is None
        and not param.multiple
        and param.nargs == 1
    )


def plain_flag(param: Any) -> Any:
    """``param`` (None too), with the plain coercion when its annotation allows."""
    if _plain(param):
        desc = param.type_descriptor
        param._runtime_param = PlainRuntimeParam(desc.parameter_info, desc.annotation)
    return param


def plain_coercion(command: Any) -> None:
    """Give ``command``'s (and its sub-commands') plain options, and the ``--help``
    flag click adds to each, the plain coercion."""
    for param in getattr(command, "params", ()):
        plain_flag(param)
    help_option = getattr(command, "get_help_option", None)
    if help_option is not None:
        command.get_help_option = lambda ctx: plain_flag(help_option(ctx))
    for sub in getattr(command, "commands", {}).values():
        plain_coercion(sub)
