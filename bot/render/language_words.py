"""The words of /language, on both platforms (rendered in the current language)."""

from __future__ import annotations

from typing import Literal

from babel.lists import format_list

from bot import i18n
from bot.commands.language import LanguageAnswer
from bot.i18n import _

Place = Literal["private", "group", "server"]


def language_name(code: str) -> str:
    """A language by its own name, with its code: ``日本語 (ja)``."""
    return f"{i18n.NATIVE_NAMES[code]} ({code})"


def current_sentence(answer: LanguageAnswer, place: Place = "private") -> str:
    """What the chat (or server) reads now, and why when nobody chose it."""
    name = language_name(answer.language)
    if answer.chosen and place == "server":
        return _("This server reads carrywatch in {language}.").format(language=name)
    if answer.chosen:
        return _("This chat reads carrywatch in {language}.").format(language=name)
    if place == "server":
        return _(
            "This server reads carrywatch in {language}, its preferred language, "
            "until someone with Manage Server chooses one."
        ).format(language=name)
    if place == "group":
        return _(
            "This chat reads carrywatch in {language}, the default until an admin chooses one."
        ).format(language=name)
    return _(
        "This chat reads carrywatch in {language}, your app's language, until you choose one."
    ).format(language=name)


def choices_sentence() -> str:
    names = format_list([language_name(c) for c in i18n.LANGUAGES], locale=i18n.babel_locale())
    return _("Choose one: {languages}.").format(languages=names)


def confirmation(answer: LanguageAnswer, place: Place = "private") -> str:
    """Said in the newly chosen language (render it under ``i18n.use(answer.language)``)."""
    name = language_name(answer.language)
    if place == "server":
        return _("Done: this server now reads carrywatch in {language}.").format(language=name)
    return _("Done: this chat now reads carrywatch in {language}.").format(language=name)


def not_admin_sentence() -> str:
    return _("Only this group's admins can change its language.")
