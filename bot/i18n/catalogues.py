"""Keep the catalogues in step with the code: ``python -m bot.i18n.catalogues CMD``.

- ``extract``: write ``carrywatch.pot`` from every ``_()``, ``N_()``, ``ngettext()``
  and ``pgettext()`` in ``bot/`` (sorted, no line numbers, a fixed header: the file
  changes only when a message does).
- ``update``: merge the template into each language's ``.po`` (new messages come in
  untranslated, removed ones go).
- ``check`` (``make lint``): fails when the template is out of date with the code,
  or a catalogue has a message missing, untranslated, fuzzy, left in English, or
  with placeholders that differ from the English ones.
- ``compile``: ``.po`` → ``.mo`` (the build does this too).

A translation that is rightly the same as the English (``BTC``, ``{value} bp``)
carries the translator comment ``# same`` in its ``.po``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import string
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import BABEL_LOCALES, DEFAULT, DOMAIN, LANGUAGES, LOCALE_DIR
from bot.i18n.build_backend import compile_catalogues

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot",)
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # no churn from timestamps
SAME_MARK = "same"
HEADER = "# carrywatch messages. Edit the .po files; run `make catalogues` after a code change.\n#"
_HTML_TAG = re.compile(r"</?([a-z]+)[^>]*>")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    catalog = Catalog(
        domain=DOMAIN,
        project="carrywatch",
        version="0.1",
        copyright_holder="the carrywatch authors",
        msgid_bugs_address="carrywatch maintainers",
        last_translator="carrywatch translators",
        header_comment=HEADER,
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        fuzzy=False,
    )
    keywords = dict(DEFAULT_KEYWORDS)
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source,
            method_map=[("**.py", "python")],
            keywords=keywords,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            if filename.endswith(("catalogues.py", "build_backend.py")):
                continue
            catalog.add(
                message,
                None,
                [(f"{source}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    buf = io.BytesIO()
    write_po(
        buf,
        catalog,
        width=100,
        no_location=True,
        omit_header=False,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=False,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=BABEL_LOCALES[language] if language else None)


def update() -> None:
    template = extract()
    _write(template, TEMPLATE)
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        path = po_path(language)
        if path.exists():
            catalog = _read(path, language)
        else:
            catalog = Catalog(
                locale=BABEL_LOCALES[language],
                domain=DOMAIN,
                project="carrywatch",
                version="0.1",
                copyright_holder="the carrywatch authors",
                msgid_bugs_address="carrywatch maintainers",
                last_translator="carrywatch translators",
                language_team=f"carrywatch {language}",
                header_comment=HEADER,
            )
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = FIXED_DATE
        catalog.revision_date = FIXED_DATE
        catalog.fuzzy = False
        _write(catalog, path)


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


def _fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:  # an unbalanced brace: report, never crash the check
        return {f"<malformed: {exc}>"}


def _ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def _strs(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(message.string or ())


def problems_in(catalog: Catalog, template: Catalog, language: str) -> list[str]:
    """Every way ``catalog`` falls short of ``template``, one line each."""
    out: list[str] = []
    have = {_key(m): m for m in catalog if m.id}
    for wanted in template:
        if not wanted.id:
            continue
        key = _key(wanted)
        label = f"{language}: {key[0]!r}" + (f" (context {key[1]})" if key[1] else "")
        message = have.get(key)
        if message is None:
            out.append(f"{label}: missing")
            continue
        strings = _strs(message)
        if message.fuzzy:
            out.append(f"{label}: fuzzy")
        if not all(strings):
            out.append(f"{label}: untranslated")
            continue
        english = set().union(*(_fields(i) for i in _ids(message)))
        for s in strings:
            if _fields(s) != english:
                out.append(f"{label}: placeholders {sorted(_fields(s))} != {sorted(english)}")
            if sorted(_HTML_TAG.findall(s)) != sorted(_HTML_TAG.findall(_ids(message)[0])):
                out.append(f"{label}: HTML tags differ from the English")
        same = any(c.strip() == SAME_MARK for c in message.user_comments)
        if (
            not same
            and any(s == i for s in strings for i in _ids(message))
            and re.search(r"[a-z]{3,}", _FIELD.sub("", _ids(message)[0]))
        ):
            out.append(f"{label}: left in English (mark '# {SAME_MARK}' if that is right)")
    return out


_FIELD = re.compile(r"\{[^{}]*\}")


def check() -> list[str]:
    template = extract()
    out: list[str] = []
    committed = _read(TEMPLATE) if TEMPLATE.exists() else Catalog()
    code_keys = {_key(m) for m in template if m.id}
    pot_keys = {_key(m) for m in committed if m.id}
    for key in sorted(code_keys - pot_keys, key=str):
        out.append(f"template: {key[0]!r} is in the code but not in carrywatch.pot")
    for key in sorted(pot_keys - code_keys, key=str):
        out.append(f"template: {key[0]!r} is in carrywatch.pot but no longer in the code")
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        path = po_path(language)
        if not path.exists():
            out.append(f"{language}: {path.relative_to(ROOT)} is missing")
            continue
        out.extend(problems_in(_read(path, language), template, language))
    return out


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "check"
    if command == "extract":
        _write(extract(), TEMPLATE)
    elif command == "update":
        update()
    elif command == "compile":
        for mo in compile_catalogues():
            print(mo.relative_to(ROOT))
    elif command == "check":
        found = check()
        for line in found:
            print(line, file=sys.stderr)
        if found:
            print(
                f"catalogues: {len(found)} problem(s); run `python -m bot.i18n.catalogues update`"
                " and translate what it adds",
                file=sys.stderr,
            )
            return 1
        print("catalogues: up to date")
    else:
        print(
            f"unknown command {command!r}; use extract, update, check or compile", file=sys.stderr
        )
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
