"""The language machinery: tags to languages, the per-task language, the catalogue check."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from bot import i18n
from bot.i18n import catalogues

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("zh-CN", "zh"),
        ("zh-hans", "zh"),
        ("zh_TW", "zh"),
        ("ja", "ja"),
        ("JA-jp", "ja"),
        ("de", None),
        ("", None),
        (None, None),
    ],
)
def test_platform_tags_map_to_supported_languages(tag: str | None, expected: str | None) -> None:
    assert i18n.normalize(tag) == expected


def test_pick_takes_the_first_supported_tag_and_falls_back_to_english() -> None:
    assert i18n.pick(None, "fr", "ja-JP", "zh") == "ja"
    assert i18n.pick("pt-BR") == "en"


async def test_each_task_renders_in_its_own_language() -> None:
    seen: dict[str, str] = {}

    async def reader(lang: str) -> None:
        with i18n.use(lang):
            await asyncio.sleep(0.01)  # the other task switches language meanwhile
            seen[lang] = i18n.current()

    await asyncio.gather(reader("ja"), reader("zh"), reader("en"))
    assert seen == {"ja": "ja", "zh": "zh", "en": "en"}
    assert i18n.current() == "en"


def _catalog(entries: list[tuple[str, str, list[str]]], *, fuzzy: str | None = None) -> Catalog:
    cat = Catalog(locale="ja_JP")
    for msgid, msgstr, comments in entries:
        cat.add(msgid, msgstr, user_comments=comments, flags=("fuzzy",) if msgid == fuzzy else ())
    return cat


def test_the_check_names_every_kind_of_catalogue_fault() -> None:
    template = Catalog()
    for msgid in (
        "Hello {name}",
        "Send /risk",
        "BTC",
        "{value} bp",
        "Gone",
        "Fuzzy one",
        "<b>Bold</b>",
    ):
        template.add(msgid)
    catalog = _catalog(
        [
            ("Hello {name}", "こんにちは {nome}", []),  # broken placeholder
            ("Send /risk", "Send /risk", []),  # left in English
            ("BTC", "BTC", []),  # too short to be "English"
            ("{value} bp", "{value} bp", ["same"]),  # marked as rightly identical
            ("Gone", "", []),  # untranslated
            ("Fuzzy one", "ファジー", []),
            ("<b>Bold</b>", "太字", []),  # markup dropped
        ],
        fuzzy="Fuzzy one",
    )
    found = "\n".join(catalogues.problems_in(catalog, template, "ja"))
    assert "'Hello {name}': placeholders ['nome'] != ['name']" in found
    assert "'Send /risk': left in English" in found
    assert "'Gone': untranslated" in found
    assert "'Fuzzy one': fuzzy" in found
    assert "'<b>Bold</b>': HTML tags differ" in found
    assert "'BTC'" not in found and "{value} bp" not in found
    template.add("New message")
    assert "ja: 'New message': missing" in catalogues.problems_in(catalog, template, "ja")


def test_the_committed_catalogues_match_the_code() -> None:
    assert catalogues.check() == []


def test_a_translation_is_read_from_the_catalogue_even_without_a_compiled_mo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ja" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "carrywatch.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Severe alert"\nmsgstr "深刻な警報"\n\n'
        'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n}日"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        with i18n.use("ja"):
            assert i18n._("Severe alert") == "深刻な警報"
            assert i18n.ngettext("{n} day", "{n} days", 3).format(n=3) == "3日"
        assert i18n._("Severe alert") == "Severe alert"
        assert i18n.ngettext("{n} day", "{n} days", 3) == "{n} days"
    finally:
        i18n.translations.cache_clear()


def test_a_built_wheel_carries_the_compiled_catalogues(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("carrywatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("zh", "ja"):
        assert f"bot/i18n/locale/{lang}/LC_MESSAGES/carrywatch.mo" in names
        assert f"bot/i18n/locale/{lang}/LC_MESSAGES/carrywatch.po" in names
