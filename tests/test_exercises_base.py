"""The question types: right, wrong, untouched and wrong-type answers never raise."""

import numpy as np
import pandas as pd
import pytest

from modlab.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, WRONG_TYPE, ChoiceQuestion, NumberQuestion

share = NumberQuestion("share", 0.25, kind="proportion", hints=["first", "second"])
count = NumberQuestion("count", 1200, kind="count")
choice = ChoiceQuestion("pick", {"a": "one", "b": "two"}, "b", explanations={"a": "not that one"})


@pytest.mark.parametrize("value", [0.25, np.float64(0.25), np.float32(0.25), 0.2500001])
def test_number_accepts_right_answers_of_any_numeric_type(value):
    assert share.evaluate(value).status == CORRECT


@pytest.mark.parametrize(
    "value, fragment",
    [
        (25, "looks like a percentage"),
        (1.5, "between 0 and 1"),
        (0.3, "too high"),
        (0.2, "too low"),
        (-0.25, "sign"),
        (float("nan"), "not a finite number"),
    ],
)
def test_number_explains_wrong_values_without_the_answer(value, fragment):
    feedback = share.evaluate(value)
    assert feedback.status == INCORRECT
    assert fragment in feedback.message
    assert "0.25" not in feedback.message


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("0.25", "Remove the quotes"),
        ("a quarter", "text (str)"),
        (None, "None"),
        ([0.25], "list"),
        (pd.Series([0.25]), "pandas Series holding one value"),
        (pd.Series([0.25, 0.5]), "pandas Series"),
        (pd.DataFrame({"a": [1]}), "pandas DataFrame"),
        (True, "bool"),
        (np.array([0.25]), ".item()"),
    ],
)
def test_number_names_the_expected_type(value, fragment):
    feedback = share.evaluate(value)
    assert feedback.status == WRONG_TYPE
    assert fragment in feedback.message
    assert "proportion" in feedback.message


def test_placeholder_is_not_attempted():
    for question in (share, count, choice):
        assert question.evaluate(...).status == NOT_ATTEMPTED


def test_count_diagnostics():
    assert "negative" in count.evaluate(-5).message
    assert "whole number" in count.evaluate(1150.5).message
    assert "factor of 1,000" in count.evaluate(1.2).message


def test_custom_mistakes_come_first():
    question = NumberQuestion("q", 10, mistakes=[(lambda v: v == 5, "half of it")])
    assert question.evaluate(5).message == "half of it"


def test_lazy_expected_is_computed_once():
    calls = []
    question = NumberQuestion("q", lambda: calls.append(1) or 3.0)
    assert question.evaluate(3).status == CORRECT and question.evaluate(4).status == INCORRECT
    assert calls == [1]


def test_choice_accepts_letter_variants_and_explains_wrong_ones():
    for answer in ("b", "B", " b ", "(b)", "b)", "b."):
        assert choice.evaluate(answer).status == CORRECT, answer
    assert choice.evaluate("a").message == "not option a: not that one"
    assert choice.evaluate("z").status == INCORRECT
    assert choice.evaluate("banana").status == INCORRECT
    assert choice.evaluate(2).status == WRONG_TYPE


def test_checker_errors_become_feedback_not_tracebacks():
    broken = NumberQuestion("q", lambda: 1 / 0)
    assert broken.evaluate(1).status == INCORRECT
    assert "could not be checked" in broken.evaluate(1).message


def test_hints_progress_and_stop_at_the_last():
    question = NumberQuestion("q", 1, hints=["one", "two"])
    shown = [question.get_hint() for _ in range(3)]
    assert [hint.text for hint in shown] == ["one", "two", "two"]
    # asking past the last hint says so, in the text and in the notebook display
    assert [hint.repeated for hint in shown] == [False, False, True]
    assert "two" in str(shown[1]) and "last hint" not in str(shown[1])
    assert "That was the last hint" in str(shown[2]) and "That was the last hint" in shown[2]._repr_html_()
    assert question.get_hint(1).number == 1 and not question.get_hint(1).repeated
    assert question.get_hint(2).repeated is False and question.get_hint(5).repeated is True
    assert "no hint" in NumberQuestion("q", 1).get_hint().text


def test_check_prints_outside_a_notebook(capsys):
    share.check(...)
    share.hint(1)
    out = capsys.readouterr().out
    assert "Not attempted (share)" in out and "Hint 1 of 2 (share): first" in out


def test_feedback_html_carries_meaning_in_words():
    html = share.evaluate(0.25)._repr_html_()
    assert "Correct" in html and "role='status'" in html


def test_bad_definitions_fail_early():
    with pytest.raises(ValueError):
        NumberQuestion("q", 1, kind="ratio")
    with pytest.raises(ValueError):
        ChoiceQuestion("q", {"a": "x"}, "b")


# A proportion of 0.324251 (tolerance: three decimal places) and its percentage as learners round it.
fine_share = NumberQuestion("fine share", 0.324251, kind="proportion", rel_tol=1e-9, abs_tol=5e-4)
fine_percentage = NumberQuestion("fine percentage", 32.4251, kind="percentage", rel_tol=1e-9, abs_tol=0.05)


@pytest.mark.parametrize("value", [32.4251, 32.425, 32.43, 32.4, 32.0])
def test_a_rounded_percentage_is_called_a_percentage(value):
    feedback = fine_share.evaluate(value)
    assert feedback.status == INCORRECT and "looks like a percentage" in feedback.message, feedback


@pytest.mark.parametrize("value", [0.3243, 0.324, 0.32])
def test_a_rounded_proportion_is_called_a_proportion(value):
    feedback = fine_percentage.evaluate(value)
    assert feedback.status == INCORRECT and "looks like a proportion" in feedback.message, feedback


@pytest.mark.parametrize("value", [32.5, 33.1, 40.0])
def test_other_numbers_above_one_are_not_called_percentages(value):
    assert "looks like a percentage" not in fine_share.evaluate(value).message


# --- NamesQuestion (one name, or a set of names in any order) ----------------------------------
from modlab.exercises import NamesQuestion  # noqa: E402

one_name = NamesQuestion("term", lambda: "blorp you", mistakes=[(lambda: "zib", "that is the most precise")], hints=["h"])
three_names = NamesQuestion("three", lambda: ["a_nh", "b_nh", "c_nh"], hints=["h"])


def test_names_question_one_name():
    assert one_name.evaluate(" Blorp You ").status == CORRECT
    assert "most precise" in one_name.evaluate("zib").message
    assert one_name.evaluate(["blorp you"]).status == WRONG_TYPE
    assert one_name.evaluate(...).status == NOT_ATTEMPTED


def test_names_question_set_of_names():
    assert three_names.evaluate(pd.Index(["C_NH", "a_nh", "b_nh"])).status == CORRECT
    assert three_names.evaluate(np.array(["b_nh", "c_nh", "a_nh"])).status == CORRECT
    assert "exactly 3" in three_names.evaluate(["a_nh", "b_nh"]).message
    assert "2 of your 3" in three_names.evaluate(["a_nh", "b_nh", "x_nh"]).message
    assert ".index" in three_names.evaluate(pd.Series([0.1, 0.2, 0.3], index=["a_nh", "b_nh", "c_nh"])).message
    assert three_names.evaluate("a_nh").status == WRONG_TYPE
    assert three_names.evaluate([1, 2, 3]).status == WRONG_TYPE


def test_type_names_take_the_right_article():
    from modlab.exercises.base import describe_type

    assert describe_type(3) == "an int" and describe_type(0.5) == "a float" and describe_type({}) == "a dict"


def test_a_value_exactly_halfway_is_rounded_too_far_both_ways():
    # 11/400 = 0.0275 asked to 4 places: 0.028 (half up) and 0.027 (the float's own rounding) are the same mistake
    question = NumberQuestion("q", 11 / 400, abs_tol=0.00005, places=4)
    for coarse in (0.027, 0.028, 0.03):
        assert "rounded too far" in question.evaluate(coarse).message
    assert "too high" in question.evaluate(0.029).message
    negative = NumberQuestion("q", -11 / 400, abs_tol=0.00005, places=4)
    assert "rounded too far" in negative.evaluate(-0.028).message and "rounded too far" in negative.evaluate(-0.027).message
    hundreds = NumberQuestion("q", 1250, abs_tol=0.5, places=0)
    assert "rounded too far" in hundreds.evaluate(1300).message and "rounded too far" in hundreds.evaluate(1200).message
    plain = NumberQuestion("q", 0.0261, abs_tol=0.00005, places=4)  # not halfway: only the one rounding
    assert "rounded too far" in plain.evaluate(0.026).message and "rounded too far" not in plain.evaluate(0.027).message
