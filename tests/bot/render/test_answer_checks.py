"""The all-languages checker catches what it promises to (so its passes mean something)."""

from __future__ import annotations

import pytest

from bot import i18n
from bot.i18n import _
from tests.bot.render.answer_checks import TelegramHTML, check_text


def test_the_checks_catch_what_they_should() -> None:
    """The checker itself: English left in zh, a placeholder, bad or unbalanced markup."""
    with pytest.raises(AssertionError, match="English left"):
        check_text("免打扰时段：off until they end", "zh", "probe")
    check_text("jgb.40y ≥ 3.8 · /rule add · BTC · 17 bp · Asia/Tokyo · 'typed'", "ja", "ok")
    with pytest.raises(AssertionError, match="placeholder"):
        check_text("时区：{zone}", "zh", "probe")
    parser = TelegramHTML()
    parser.feed("<b>ok</i><blink>x</blink>")
    assert len(parser.errors) == 2  # </i> closes nothing open; <blink> is not Telegram's
    with i18n.use("zh"):
        assert _("Quiet hours: off") != "Quiet hours: off"
