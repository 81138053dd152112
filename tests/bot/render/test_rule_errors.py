"""Rule-expression mistakes in words: the English is exactly the CLI's (``str()`` of the
signals error), and every language gives one short line for any input at all."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import i18n
from bot.render.rule_errors import rule_error_text
from signals.rule_expr import RuleExprError, parse_expression
from tests.bot.render.answer_checks import PLACEHOLDER

_ALPHABET = st.sampled_from(
    [*"abcjgbusdtcporex0123456789._-+%<>=≥≤ \t", "for", "jgb.40y", "score", "component.", "é"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=260), st.lists(_ALPHABET, max_size=60).map("".join)))
def test_any_mistake_reads_as_one_line_in_every_language(text: str) -> None:
    try:
        parse_expression(text)
    except RuleExprError as exc:
        err = exc
    else:
        return
    with i18n.use("en"):
        assert rule_error_text(err) == str(err)
    for lang in ("zh", "ja"):
        with i18n.use(lang):
            words = rule_error_text(err)
        assert words != str(err)  # translated, not the English fallback
        assert "\n" not in words and len(words) < 300
        assert not PLACEHOLDER.search(words), words
