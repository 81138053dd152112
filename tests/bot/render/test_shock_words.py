"""The one-day shock component reads as the market that moved and by how much."""

from __future__ import annotations

from bot.commands.answers import ComponentView
from bot.render.risk_words import NO_SHOCK, component_sentence


def shock(code: str, **params: float | str) -> ComponentView:
    return ComponentView(
        "day_shock", "One-day shock", 100.0, 0.0, True, False, "", {}, code, params
    )


def test_a_jgb_rally_reads_as_a_fall_in_the_yield_with_its_own_sigma() -> None:
    text = component_sentence(shock("shock", series="jgb.10y", chg_1d=-19.0, z_1d=-7.4, sigmas=3.0))
    assert text == "the 10-year JGB yield fell 19 bp today, 7× its usual daily move"


def test_a_usdjpy_drop_reads_as_the_yen_jumping() -> None:
    text = component_sentence(shock("shock", series="usdjpy", chg_1d=-3.1, z_1d=-5.2, sigmas=3.0))
    assert text.startswith("the yen jumped 3.1 % against the dollar today, 5×")


def test_no_shock_and_malformed_params_say_so_in_words() -> None:
    assert component_sentence(shock("no_shock")) == NO_SHOCK
    assert component_sentence(shock("shock", series="btc")) == NO_SHOCK
