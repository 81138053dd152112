"""Every word carrywatch sends, in the reader's language: English, 简体中文, 日本語.

gettext catalogues managed with Babel (``bot/i18n/locale``: one ``carrywatch.pot``
extracted from the code, a ``.po`` per language, compiled to ``.mo`` by the build).
The language is a context variable, set by whoever renders for a reader (an adapter
answering a command, a notifier sending to a chat) with :func:`use`; the render
layer calls :func:`_` / :func:`ngettext` at render time, so a module-level table
marks its strings with :func:`N_` and translates them where they are used.

``en`` is the source language: its "catalogue" is the code itself.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Final

DOMAIN: Final = "carrywatch"
LOCALE_DIR: Final = Path(__file__).with_name("locale")
DEFAULT: Final = "en"
LANGUAGES: Final = ("en", "zh", "ja")
# The reader's name for each language, in that language (for /language).
NATIVE_NAMES: Final = {"en": "English", "zh": "简体中文", "ja": "日本語"}
# Babel locale used for numbers, dates and plural rules of each language.
BABEL_LOCALES: Final = {"en": "en_US", "zh": "zh_Hans_CN", "ja": "ja_JP"}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("carrywatch_language")


def normalize(code: str | None) -> str | None:
    """A platform's language tag as one of :data:`LANGUAGES`, or None when unsupported.

    Telegram sends IETF tags (``en``, ``zh-hans``, ``ja``); Discord its locales
    (``en-US``, ``zh-CN``, ``zh-TW``, ``ja``). Traditional Chinese readers get the
    simplified catalogue: far closer than English.
    """
    if not code:
        return None
    head = code.strip().replace("_", "-").split("-")[0].lower()
    return head if head in LANGUAGES else None


def pick(*codes: str | None) -> str:
    """The first supported language among ``codes`` (chat setting, user, server), else en."""
    for code in codes:
        lang = normalize(code)
        if lang:
            return lang
    return DEFAULT


def current() -> str:
    return _current.get(DEFAULT)


@contextlib.contextmanager
def use(language: str | None) -> Iterator[str]:
    """Render in ``language`` (normalized; unknown → en) inside the block."""
    lang = pick(language)
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def babel_locale(language: str | None = None) -> str:
    return BABEL_LOCALES[pick(language or current())]


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language``; a missing ``.mo`` (a source checkout
    that never ran the build) is compiled in memory from its ``.po``."""
    if language == DEFAULT:
        return _gettext.NullTranslations()
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; known: {', '.join(LANGUAGES)}")
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    po = folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    from babel.messages.mofile import write_mo  # deferred: only a source checkout needs it
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=BABEL_LOCALES[language])
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def _(message: str) -> str:
    """``message`` in the current language (the template; call ``.format`` on it)."""
    lang = current()
    if lang == DEFAULT:
        return message
    return translations(lang).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (module-level tables)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form for ``n`` by the current language's rules (zh/ja have one form)."""
    lang = current()
    if lang == DEFAULT:
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` disambiguated by ``context`` (a level word vs. the same English word)."""
    lang = current()
    if lang == DEFAULT:
        return message
    return translations(lang).pgettext(context, message)
