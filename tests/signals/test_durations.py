"""Human durations used by rules and /settings mute."""

import datetime as dt

import pytest

from signals.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0", 0),
        ("90s", 90),
        ("30m", 1800),
        ("2h", 7200),
        ("1d12h", 129600),
        ("1w", 604800),
        (45, 45),
    ],
)
def test_parse(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["soon", "2 fortnights", "h2", "1d-3h", "-5"])
def test_bad_durations_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match=r"e\.g\. 30m"):
        parse_duration(text)


def test_format_round_trips() -> None:
    for text in ("1d12h", "30m", "1w2d", "0s"):
        assert format_duration(parse_duration(text)) == text


@pytest.mark.parametrize("text", ["9" * 5000, "1" * 4999 + "h", "1h" * 2500])
def test_huge_input_is_refused_by_length_in_one_line(text: str) -> None:
    """Bounded before any matching (the unanchored regex was quadratic on digit runs)."""
    with pytest.raises(ValueError, match="at most 32 characters") as err:
        parse_duration(text)
    assert "\n" not in str(err.value) and len(str(err.value)) < 80


@pytest.mark.parametrize("text", ["1234567890h", "1.1234567h", "999999999w"])
def test_out_of_range_numbers_are_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="bad duration"):
        parse_duration(text)
