"""The shared argument checks: what they accept, and what their errors say."""

import math

import numpy as np
import pytest

from backprop_lib.validation import check_real, check_whole, is_real, is_whole


@pytest.mark.parametrize("value", [0, 7, np.int64(3), np.uint8(2)])
def test_integers_of_python_and_numpy_are_whole(value):
    assert is_whole(value)


@pytest.mark.parametrize("value", [True, False, 2.0, "2", None, np.float64(2.0)])
def test_bools_floats_and_strings_are_not_whole(value):
    assert not is_whole(value)


@pytest.mark.parametrize("value", [0, -1.5, 3, np.float32(0.25), np.int64(4)])
def test_finite_numbers_are_real(value):
    assert is_real(value)


@pytest.mark.parametrize("value", [True, math.nan, math.inf, -math.inf, "1", None, 1j])
def test_bools_non_finite_numbers_and_strings_are_not_real(value):
    assert not is_real(value)


def test_check_whole_returns_a_python_int():
    value = check_whole("epochs", np.int64(5), 1)
    assert value == 5 and type(value) is int


@pytest.mark.parametrize(
    ("value", "low", "high", "meaning", "message"),
    [
        (0, 1, None, "", "epochs must be a whole number >= 1; got 0"),
        (2.0, 1, None, "", "epochs must be a whole number >= 1; got 2.0"),
        (True, 1, None, "", "epochs must be a whole number >= 1; got True"),
        (9, 1, 8, "", "epochs must be a whole number from 1 to 8; got 9"),
        (0, 1, None, "passes", "epochs must be a whole number >= 1 (passes); got 0"),
    ],
)
def test_check_whole_says_what_it_expected_and_what_came(value, low, high, meaning, message):
    with pytest.raises(ValueError) as caught:
        check_whole("epochs", value, low, high, meaning)
    assert str(caught.value) == message


def test_check_whole_accepts_both_ends_of_its_range():
    assert check_whole("n", 1, 1, 8) == 1
    assert check_whole("n", 8, 1, 8) == 8


def test_check_real_returns_a_python_float():
    value = check_real("noise", np.float32(0.5), low=0.0)
    assert value == 0.5 and type(value) is float


@pytest.mark.parametrize(
    ("value", "options", "message"),
    [
        (-0.1, {"low": 0.0}, "rate must be a finite number >= 0; got -0.1"),
        (0.6, {"low": 0.0, "high": 0.5}, "rate must be a finite number from 0 to 0.5; got 0.6"),
        (math.nan, {}, "rate must be a finite number; got nan"),
        ("0.1", {}, "rate must be a finite number; got '0.1'"),
        (0.0, {"positive": True}, "rate must be a positive finite number; got 0.0"),
        (math.inf, {"positive": True}, "rate must be a positive finite number; got inf"),
    ],
)
def test_check_real_says_what_it_expected_and_what_came(value, options, message):
    with pytest.raises(ValueError) as caught:
        check_real("rate", value, **options)
    assert str(caught.value) == message
