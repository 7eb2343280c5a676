"""Lesson 09 questions: right, typical wrong, untouched and wrong-type answers.

Right answers are worked out here without modlab.exercises' helpers: with pandas from the shipped
simulated pack, and Cohen's kappa, Wilson and Newcombe intervals written out from their formulas
(Cohen 1960; Wilson 1927; Newcombe 1998, method 10).
"""

import math

import pytest
from question_cases import assert_question_behaves

from modlab import data
from modlab.exercises import lesson09 as ex

POSTS = data.load("reinstated_posts")
LABELLED = POSTS[POSTS["annotated"]]
Z = 1.959963984540054
AFTER, BEFORE = "after_reinstatement", "before_suspension"


def _hateful(column, period=None):
    rows = LABELLED if period is None else LABELLED[LABELLED["period"] == period]
    return rows[column].astype(str) == "hateful"


def _kappa(a, b):
    po = (a == b).mean()
    pe = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
    return float((po - pe) / (1 - pe))


def _wilson(s, n):
    centre, half = s + Z**2 / (2 * n), Z * math.sqrt(s * (1 - s) / n + Z**2 / (4 * n**2))
    return (centre - half) / (1 + Z**2 / n), (centre + half) / (1 + Z**2 / n)


S1, S2 = _hateful("adjudicated", AFTER).mean(), _hateful("adjudicated", BEFORE).mean()
N1, N2 = len(_hateful("adjudicated", AFTER)), len(_hateful("adjudicated", BEFORE))
L1, U1 = _wilson(S1, N1)
L2, U2 = _wilson(S2, N2)
NEWCOMBE_LOW = S1 - S2 - math.sqrt((S1 - L1) ** 2 + (U2 - S2) ** 2)
NEWCOMBE_HIGH = S1 - S2 + math.sqrt((U1 - S1) ** 2 + (S2 - L2) ** 2)
WALD_DIFF_LOW = S1 - S2 - Z * math.sqrt(S1 * (1 - S1) / N1 + S2 * (1 - S2) / N2)
KAPPA = _kappa(_hateful("annotator_a"), _hateful("annotator_b"))
AFTER_POSTS = POSTS[POSTS["period"] == AFTER]
KEYWORD_SHARE = float(AFTER_POSTS.loc[AFTER_POSTS["has_keyword"], "true_hateful"].mean())

CASES = [
    (ex.q1, "b", [("a", "whole platform"), ("c", "virality"), ("d", "opt-in")]),
    (ex.q2, 385, [(400, "z = 2"), (400, "annotators labelled"), (100, "z^2 is missing"), (384, "round *up*")]),
    (ex.q3, KEYWORD_SHARE, [(float(AFTER_POSTS["true_hateful"].mean()), "*all* posts"), (KEYWORD_SHARE * 100, "percentage"),
                            (float(AFTER_POSTS["has_keyword"].mean()), "match a keyword"),
                            (float(AFTER_POSTS.loc[AFTER_POSTS["true_hateful"], "has_keyword"].mean()), "reverse conditional")]),
    (ex.q4, KAPPA, [(float((_hateful("annotator_a") == _hateful("annotator_b")).mean()), "percent agreement"),
                    (_kappa(_hateful("annotator_a", AFTER), _hateful("annotator_b", AFTER)), "one period"),
                    (_kappa(_hateful("annotator_a"), _hateful("adjudicated")), "adjudicated")]),
    (ex.q5, L1, [(S1 - Z * math.sqrt(S1 * (1 - S1) / N1), "Wald"), (U1, "upper end"), (L2, "before suspension"),
                 (_wilson(_hateful("annotator_a", AFTER).mean(), N1)[0], "one annotator")]),
    (ex.q6, S1 - S2, [(float(AFTER_POSTS["true_hateful"].mean() - POSTS.loc[POSTS["period"] == BEFORE, "true_hateful"].mean()), "hidden true label"),
                      (_hateful("annotator_a", AFTER).mean() - _hateful("annotator_a", BEFORE).mean(), "one annotator"),
                      (100 * (S1 - S2), "percentage points"), (S2 - S1, "sign")]),
    (ex.q7, NEWCOMBE_LOW, [(WALD_DIFF_LOW, "Wald"), (NEWCOMBE_HIGH, "upper end"), (-NEWCOMBE_HIGH, "before minus after")]),
    (ex.q8, "c", [("a", "Exercises 6-7"), ("d", "kappa")]),
]


@pytest.mark.parametrize("question, right, wrong", CASES, ids=[c[0].label.split(":")[0] for c in CASES])
def test_question(question, right, wrong):
    assert_question_behaves(question, right, wrong)


def test_expected_values_match_the_independent_computation():
    assert ex.q2.expected == math.ceil(Z**2 * 0.25 / 0.05**2) == 385
    assert ex.q3.expected == pytest.approx(KEYWORD_SHARE, abs=1e-12) and ex.q3.expected == pytest.approx(0.6728, abs=1e-4)
    assert ex.q4.expected == pytest.approx(KAPPA, abs=1e-12) and ex.q4.expected == pytest.approx(0.6192, abs=1e-4)
    assert ex.q5.expected == pytest.approx(L1, abs=1e-12) and ex.q5.expected == pytest.approx(0.0961, abs=1e-4)
    assert (N1, N2, round(S1 * N1), round(S2 * N2)) == (400, 400, 50, 39)
    assert ex.q6.expected == pytest.approx(0.0275, abs=1e-12)
    assert ex.q7.expected == pytest.approx(NEWCOMBE_LOW, abs=1e-12) and ex.q7.expected == pytest.approx(-0.0164, abs=1e-4)
    assert NEWCOMBE_LOW < 0 < NEWCOMBE_HIGH  # the lesson's reading: the interval includes 0
    assert len(ex.QUESTIONS) == 8


@pytest.mark.parametrize("question, printed, too_coarse", [
    (ex.q3, 0.67, 0.7),  # 0.6728, asked to 2 decimal places
    (ex.q4, 0.62, 0.6),  # 0.6192
    (ex.q5, 0.096, 0.1),  # 0.0961, asked to 3 decimal places
    (ex.q6, 0.0275, 0.03),  # exactly 11 of 400, asked to 4 decimal places
    (ex.q7, -0.0164, -0.016),  # -0.01637, asked to 4 decimal places
])
def test_the_precision_the_prompt_asks_for_is_accepted(question, printed, too_coarse):
    assert question.is_correct(printed)
    feedback = question.evaluate(too_coarse)
    assert not feedback.correct and "rounded too far" in feedback.message


def test_the_wald_difference_is_told_apart_from_newcombe():
    # why Exercise 7 asks for 4 decimal places: the two lower ends differ by about 0.0003
    assert abs(WALD_DIFF_LOW - NEWCOMBE_LOW) > 2 * ex.q7.tolerance
    assert "Wald" in ex.q7.evaluate(WALD_DIFF_LOW).message


@pytest.mark.parametrize("question, close_but_wrong", [
    (ex.q3, 0.676),  # 0.6728: rounds to 0.68, not the 0.67 asked
    (ex.q4, 0.615),  # 0.6192: given to 3 places, and wrong there
    (ex.q5, 0.0965),  # 0.0961: given to 4 places, and wrong there
])
def test_more_places_than_asked_must_be_right_places(question, close_but_wrong):
    # the prompt says "N decimal places or more": the rounding is accepted, a looser value is not
    assert question.is_correct(round(question.expected, question.places))
    assert not question.is_correct(close_but_wrong)


def test_a_halfway_difference_rounded_either_way_is_rounded_too_far():
    assert S1 - S2 == pytest.approx(0.0275, abs=1e-12)  # 11 of 400: exactly halfway at 3 places
    for coarse in (0.027, 0.028):
        assert "rounded too far" in ex.q6.evaluate(coarse).message


def test_the_wald_end_rounded_to_four_places_is_diagnosed_as_wald_first():
    assert round(WALD_DIFF_LOW, 4) == round(NEWCOMBE_LOW, 3)  # the same number: Wald to 4 places, Newcombe to 3
    message = ex.q7.evaluate(round(WALD_DIFF_LOW, 4)).message
    assert message.startswith("that matches the Wald interval") and "rounded too far" in message
