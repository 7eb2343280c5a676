"""Lesson 05 questions: right, typical wrong, untouched and wrong-type answers."""

import pandas as pd
import pytest
from question_cases import assert_question_behaves

from modlab.exercises import CORRECT, WRONG_TYPE
from modlab.exercises import lesson05 as ex

# Figures worked out independently in tests/test_keyword_filter.py: 1,699 of 24,783 tweets match,
# 740 of them hate, 1,661 hate or offensive; 1,430 hate tweets in all (Davidson et al. 2017).
# HateCheck: the starter filter flags 692 of 3,728 cases, 393 of the 2,563 hateful ones.
CASES = [
    (ex.q1, "b", [("a", "covers the most"), ("d", "E5")]),
    (ex.q2, 1699 / 24783, [(1699, "number of tweets"), (6.856, "percentage")]),
    (ex.q3, 740 / 1699, [(740 / 1430, "recall"), (1430 / 24783, "base rate"), (1661 / 1699, "offensive tweets too")]),
    (ex.q4, 1661 / 1699, [(740 / 1699, "hate alone"), (38 / 1699, "neither"),
                         ((1661 - 740) / 1699, "class 1) only"), (1 - 740 / 1699, "1 minus the precision for hate")]),
    (ex.q5, "hate you", [("[slur-19]", "most"), ("[slur-17]", "not this one")]),
    (ex.q6, ["counter_quote_nh", "slur_reclaimed_nh", "slur_homonym_nh"],
     [(["ident_neutral_nh", "ident_pos_nh", "profanity_nh"], "does best"),
      (["counter_quote_nh", "slur_reclaimed_nh"], "exactly 3"),
      (["counter_quote_nh", "slur_reclaimed_nh", "negate_neg_nh"], "2 of your 3")]),
    (ex.q7, 393 / 2563, [(393 / 692, "precision"), ((393 + 3728 - 2563 - (692 - 393)) / 3728, "accuracy"),
                       (692 / 3728, "share of all cases")]),
]


@pytest.mark.parametrize("question, right, wrong", CASES, ids=[c[0].label.split(":")[0] for c in CASES])
def test_question(question, right, wrong):
    assert_question_behaves(question, right, wrong)


def test_expected_values_come_from_the_data():
    assert ex.q2.expected == pytest.approx(1699 / 24783)
    assert ex.q3.expected == pytest.approx(740 / 1699)
    assert ex.q4.expected == pytest.approx(1661 / 1699)
    assert ex.q7.expected == pytest.approx(393 / 2563)


def test_three_worst_accept_any_order_case_and_pandas_index():
    right = pd.Index(["SLUR_HOMONYM_NH", "counter_quote_nh", " slur_reclaimed_nh"])
    assert ex.q6.evaluate(right).status == CORRECT
    assert ex.q6.evaluate({"counter_quote_nh", "slur_reclaimed_nh", "slur_homonym_nh"}).status == CORRECT


def test_passing_the_accuracy_series_says_use_its_index():
    series = pd.Series([0.0, 0.2, 0.45], index=["slur_reclaimed_nh", "slur_homonym_nh", "counter_quote_nh"])
    feedback = ex.q6.evaluate(series)
    assert feedback.status == WRONG_TYPE and ".index" in feedback.message


def test_overall_three_worst_are_told_to_look_at_non_hateful_only():
    feedback = ex.q6.evaluate(["negate_pos_h", "slur_reclaimed_nh", "spell_char_swap_h"])
    assert "_nh" in feedback.message


def test_questions_are_listed_in_order():
    assert [q.label.split(":")[0] for q in ex.QUESTIONS] == [f"Exercise {i}" for i in range(1, 8)]


@pytest.mark.parametrize("question, typed, correct", [
    # Three decimal places are enough (the prompt says so): 1699/24783 = 0.06856, 740/1699 = 0.43555.
    (ex.q2, 0.069, True), (ex.q2, 0.0686, True), (ex.q2, 0.07, False),
    (ex.q3, 0.436, True), (ex.q3, 0.4356, True), (ex.q3, 0.44, False), (ex.q3, 0.434, False),
    (ex.q4, 0.978, True), (ex.q4, 0.98, False),
    (ex.q7, 0.153, True), (ex.q7, 0.15, False),
])
def test_proportions_are_accepted_to_three_decimals(question, typed, correct):
    assert (question.evaluate(typed).status == CORRECT) is correct


def test_two_decimals_is_told_to_give_three():
    for question, typed in [(ex.q2, 0.07), (ex.q3, 0.44), (ex.q4, 0.98), (ex.q7, 0.15)]:
        assert "three decimal places" in question.evaluate(typed).message


@pytest.mark.parametrize("question", ex.QUESTIONS, ids=lambda q: q.label.split(":")[0])
def test_hints_go_from_idea_to_near_code(question):
    # Three steps: the first names no code, the last is the (near) full answer, an assignment or call.
    first, *_, last = question.hints
    assert len(question.hints) == 3
    assert not any(code in first for code in ("[", "()", ".mean", ".idxmin", ".sum"))
    assert "=" in last or "==" in last or ".sum()" in last
