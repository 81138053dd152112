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


def test_a_joint_yen_jgb_shock_names_the_confirming_jgb_move() -> None:
    text = component_sentence(
        shock(
            "shock",
            series="usdjpy",
            chg_1d=-1.9,
            z_1d=-3.6,
            with_series="jgb.10y",
            with_chg_1d=5.8,
            with_z_1d=2.3,
        )
    )
    assert text.startswith("the yen jumped 1.9 % against the dollar today, 4×")
    assert text.endswith(", with the 10-year JGB yield rising 6 bp the same day")


def test_no_shock_and_malformed_params_say_so_in_words() -> None:
    assert component_sentence(shock("no_shock")) == NO_SHOCK
    assert component_sentence(shock("shock", series="btc")) == NO_SHOCK


def test_a_btc_fall_while_the_yen_squeeze_is_heavy_names_both_markets() -> None:
    text = component_sentence(
        shock(
            "shock",
            series="btc",
            chg_1d=-7.1,
            z_1d=-2.6,
            with_component="yen_squeeze",
            with_score=100.0,
            with_at=75.0,
        )
    )
    assert text.startswith("BTC fell 7.1 % today, 3× its usual daily move")
    assert text.endswith(
        ", while the yen squeeze is already at 100 of 100: two markets under heavy stress at once"
    )


def test_a_move_short_of_a_shock_never_drives_a_calm_reading() -> None:
    """The unweighted shock component names a driver only when it lifted the score."""
    import datetime as dt

    from bot.commands.answers import RiskAnswer
    from bot.render.risk_words import drivers

    near = ComponentView(
        "day_shock", "One-day shock", 38.0, 0.0, True, False, "", {}, "shock_approach",
        {"series": "jgb.10y", "chg_1d": 5.0, "z_1d": 2.1},
    )  # fmt: skip
    full = shock("shock", series="usdjpy", chg_1d=-3.1, z_1d=-5.2, sigmas=3.0)
    now = dt.datetime(2024, 9, 30, 22, tzinfo=dt.UTC)

    def answer(c: ComponentView) -> RiskAnswer:
        return RiskAnswer(0.0, None, now.date(), now, dt.timedelta(0), (c,), ())

    assert drivers(answer(near)) == []
    assert drivers(answer(full)) == [component_sentence(full)]


def test_a_yield_move_that_rounds_to_zero_reads_as_unchanged() -> None:
    flat = ComponentView(
        "jgb_10y", "JGB 10y", 0.0, 0.15, True, False, "",
        {"jgb.10y": 0.89, "jgb.10y.chg_5d_bp": -0.3},
    )  # fmt: skip
    text = component_sentence(flat)
    assert text.startswith("the 10-year JGB yield is unchanged over five days")
    assert "0 bp" not in text
