"""Answers a learner can plausibly type that the checks mishandled (found by trying to break them).

Each case pins the status and the advice: the advice must be something the learner can
follow (a dict has no ``.item()``; removing the quotes from ``"1,068"`` makes a tuple).
"""

import decimal
import fractions

import numpy as np
import pandas as pd
import pytest

from modlab.exercises import CORRECT, INCORRECT, WRONG_TYPE, NumberQuestion
from modlab.exercises import lesson00, lesson03

share = NumberQuestion("share", 0.25, kind="proportion")
count = NumberQuestion("count", 1068, kind="count")


@pytest.mark.parametrize("value", [decimal.Decimal("0.25"), fractions.Fraction(1, 4)])
def test_exact_number_types_are_numbers(value):
    assert share.evaluate(value).status == CORRECT


@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_int_too_large_for_a_float_is_just_wrong(value):
    feedback = count.evaluate(value)
    assert feedback.status == INCORRECT
    assert "could not be checked" not in feedback.message
    assert "far too large" in feedback.message


@pytest.mark.parametrize(
    "value, advice",
    [
        (pd.DataFrame({"a": [0.25]}), ".iloc[0, 0]"),
        ([0.25], "[0]"),
        ((0.25,), "[0]"),
        (pd.Series([0.25]), ".item() or .iloc[0]"),
        (np.array(0.25), ".item()"),
        (np.array([[0.25]]), ".item()"),
    ],
)
def test_one_value_containers_get_advice_that_works_for_that_type(value, advice):
    feedback = share.evaluate(value)
    assert feedback.status == WRONG_TYPE
    assert f"with {advice}." in feedback.message
    # the advice really takes the number out
    for way in advice.split(" or "):
        taken = eval(f"value{way}", {"value": value})
        assert share.evaluate(taken).status == CORRECT


@pytest.mark.parametrize(
    "value",
    [{"a": 0.25}, range(1), np.bool_(True), np.complex128(1), np.datetime64("2022-11-23"), [True], pd.Categorical([0.25])],
)
def test_no_item_advice_for_things_without_a_number_inside(value):
    feedback = share.evaluate(value)
    assert feedback.status == WRONG_TYPE
    assert "holding one value" not in feedback.message
    assert ".item()" not in feedback.message


def test_numpy_timedelta_is_a_wrong_type_not_an_uncheckable_answer():
    feedback = lesson03.q5.evaluate(np.timedelta64(3, "D"))
    assert feedback.status == WRONG_TYPE
    assert "timedelta64" in feedback.message
    # lesson 00's day question still explains .days
    assert ".days" in lesson00.q1.evaluate(np.timedelta64(27, "D")).message


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("72.4%", "without the % sign"),
        ("1,068", "without the thousands separators"),
        ("0,724", "with a point for the decimals"),
        ("0.25", "Remove the quotes"),
    ],
)
def test_numbers_typed_as_text_get_advice_that_gives_a_number(text, fragment):
    feedback = count.evaluate(text)
    assert feedback.status == WRONG_TYPE
    assert fragment in feedback.message
    assert "1068" not in feedback.message and "1,068" not in feedback.message.replace(text, "")


def test_text_advice_never_echoes_the_answer():
    for question in lesson03.QUESTIONS:
        if not isinstance(question, NumberQuestion):
            continue
        for text in ("72.4%", "1,068", "0,5"):
            message = question.evaluate(text).message
            assert f"{question.expected:.3g}" not in message
