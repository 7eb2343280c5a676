"""Lesson 03 questions: right, typical wrong, untouched and wrong-type answers."""

import pytest
from question_cases import assert_question_behaves

from modlab.exercises import CORRECT
from modlab.exercises import lesson03 as ex

# (question, a right answer worked out by hand, typical wrong answers with a fragment of their message)
CASES = [
    (ex.q1, 0.724, [(72.4, "percentage"), (0.518, "too low")]),
    (ex.q2, 17_502_391 * 0.575, [(17_502_391 * 0.425, "'no' votes"), (17_502_391, "too high")]),
    (ex.q3, "c", [("a", "option a"), ("d", "could not vote")]),
    (ex.q4, 1.959964 * (0.724 * 0.276 / 3_100_000) ** 0.5, [(0.000254, "standard error"), (0.000995, "whole interval"), (0.0498, "percentage")]),
    (ex.q5, 1068, [(1111, "z = 2"), (278, "z squared")]),
    (ex.q6, 2 / 3, [(0.5, "population's share"), (66.7, "percentage")]),
    (ex.q7, (0.724 / 0.276 / 2.5) / (1 + 0.724 / 0.276 / 2.5), [(0.724 / 2.5, "odds"), (0.724, "poll's share")]),
    (ex.q8, 0.0100565 / 0.000025, [(-402, "brackets"), (40_000, "data fraction"), (2.011, "rho squared")]),
    (ex.q9, (3.1e6 / 237.8e6) / (1 - 3.1e6 / 237.8e6) / 0.0001, [(136.0, "US voting population"), (1.32, "rho squared")]),
]


@pytest.mark.parametrize("question, right, wrong", CASES, ids=[c[0].label.split(":")[0] for c in CASES])
def test_question(question, right, wrong):
    assert_question_behaves(question, right, wrong)


def test_expected_values_come_from_the_data():
    assert ex.q1.expected == pytest.approx(0.724)
    assert ex.q2.expected == pytest.approx(10_063_874.8, abs=1)
    assert ex.q5.expected == 1068
    assert ex.q8.expected == pytest.approx(402.27, abs=0.01)
    assert ex.q9.expected == pytest.approx(132.08, abs=0.01)


def test_questions_are_listed_in_order():
    assert [q.label.split(":")[0] for q in ex.QUESTIONS] == [f"Exercise {i}" for i in range(1, 10)]


@pytest.mark.parametrize(
    "question, rounded",
    [(ex.q6, 0.67), (ex.q7, 0.51), (ex.q8, 400), (ex.q9, 130)],
    ids=["q6", "q7", "q8", "q9"],
)
def test_sensibly_rounded_answers_are_accepted(question, rounded):
    # the student trial: 0.67 for two thirds was called "too high", 130 "too low"
    assert question.evaluate(rounded).status == CORRECT


def test_hints_use_the_lessons_variable_names():
    # polls is the modlab.polls module in lesson 03; the table is polls_table
    for question in (ex.q1, ex.q2):
        code_hints = [h for h in question.hints if "[" in h]
        assert code_hints and all("polls_table" in h and "polls[" not in h and "polls.loc" not in h for h in code_hints)
