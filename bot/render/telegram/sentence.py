"""A whole translated sentence with some of its placeholders styled (``<code>``, ``<b>``).

``line("I don't know ", code(cmd), ". Try ", ...)`` glues English fragments in
English order; zh and ja need the whole sentence as one template. :func:`tline`
takes the translated template and fills each ``{name}`` with a plain string or
a :class:`Span`, so the styling follows the placeholder wherever the
translation puts it, and every value is still escaped exactly once.
"""

from __future__ import annotations

import string

from bot.render.telegram.text import Line, Span, line

_FORMATTER = string.Formatter()


def tline(template: str, **values: str | Span) -> Line:
    """``template`` (already translated) as a line; ``values`` fill its placeholders."""
    parts: list[str | Span] = []
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        if literal:
            parts.append(literal)
        if field is None:
            continue
        value = values[field]
        if isinstance(value, Span):
            parts.append(value)
        else:
            parts.append(
                _FORMATTER.format_field(_FORMATTER.convert_field(value, conversion), spec or "")
            )
    return line(*parts)
