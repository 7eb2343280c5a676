"""Lesson 02 questions: right, typical wrong, untouched and wrong-type answers."""

import pytest
from question_cases import assert_question_behaves

from modlab.exercises import CORRECT
from modlab.exercises import lesson02 as ex

# Worked by hand from the datasets: 11 posts carry a masked slur, 7 of them left up; the trainee agrees on
# 13 of 24 cases; kappa = (13/24 - 206/576) / (1 - 206/576) = 106/370; 5,500 x 200 x 11/24 wrong decisions a day;
# the poll's wording brings back 1,583 of 5,000 simulated accounts, 322 of them suspended for hateful conduct.
CASES = [
    (ex.q1, 7, [(11, "every post with a masked slur"), (12, "every case left up"), (3, "too low")]),
    (ex.q2, 13 / 24, [(11 / 24, "disagree"), (54.2, "percentage")]),
    (ex.q3, 106 / 370, [(13 / 24, "percent agreement"), (206 / 576, "expected by chance"), (0.9, "too high")]),
    (ex.q4, "c", [("a", "easy cases"), ("d", "two coded posts")]),
    (ex.q5, 5_500 * 200 * 11 / 24, [(5_500 * 200 * 13 / 24, "agree with the reference"), (1_100_000, "all decisions"),
                                    (1_100 * 200 * 11 / 24, "after the cuts"), (11 / 24, "a rate")]),
    (ex.q6, 1583, [(5000 - 1583, "stay suspended"), (1584, "too high")]),
    (ex.q7, 322, [(392, "every hateful-conduct suspension")]),
    (ex.q8, "b", [("a", "simulated"), ("c", "never saw")]),
]


@pytest.mark.parametrize("question, right, wrong", CASES, ids=[c[0].label.split(":")[0] for c in CASES])
def test_question(question, right, wrong):
    assert_question_behaves(question, right, wrong)


def test_filter_mistakes_are_named():
    from modlab import data

    accounts = data.load("suspended_accounts")
    either = int((~accounts["plausibly_illegal"] | ~accounts["egregious_spam"]).sum())
    only_law = int((~accounts["plausibly_illegal"]).sum())
    assert "&" in ex.q6.evaluate(either).message
    assert "spam" in ex.q6.evaluate(only_law).message


def test_expected_values_come_from_the_data():
    assert ex.q1.expected == 7
    assert ex.q2.expected == pytest.approx(13 / 24)
    assert ex.q3.expected == pytest.approx(106 / 370)
    assert ex.q4.answer == "c" and ex.q4.options["c"] == "counter-speech"
    assert ex.q5.expected == pytest.approx(504_166.67, abs=0.01)
    assert ex.q6.expected == 1583 and ex.q7.expected == 322


@pytest.mark.parametrize("question, rounded", [(ex.q2, 0.54), (ex.q3, 0.29), (ex.q5, 1_100_000 * 0.46)], ids=["q2", "q3", "q5"])
def test_sensibly_rounded_answers_are_accepted(question, rounded):
    assert question.evaluate(rounded).status == CORRECT


def test_questions_are_listed_in_order():
    assert [q.label.split(":")[0] for q in ex.QUESTIONS] == [f"Exercise {i}" for i in range(1, 9)]
