"""Lesson 01 questions: right, typical wrong, untouched and wrong-type answers (values worked out by hand)."""

import pytest
from question_cases import assert_question_behaves

from modlab.exercises import CORRECT
from modlab.exercises import lesson01 as ex

# (question, a right answer worked out by hand, typical wrong answers with a fragment of their message)
CASES = [
    (ex.q1, "c", [("a", "detection"), ("b", "automated detection"), ("d", "action")]),
    (ex.q2, 1_269_477 / 4_257_617, [(4_257_617 / 1_269_477, "upside down"), (1_269_477 / 5_103_156, "content removed"),
                                    (29.8165, "percentage")]),
    (ex.q3, 104_565 / 1_269_477, [(104_565 / 1_236_182, "seven listed"), (104_565 / 4_257_617, "actioned accounts"),
                                  (8.2369, "percentage")]),
    (ex.q4, 1_126_990 / 2_361, [(2_361 / 1_126_990, "upside down"), (400, "too low")]),
    (ex.q5, 2_361 / 67_000_000 * 1_000_000, [(67_000_000 / 2_361, "upside down"), (2_361 / 67_000_000, "factor of 1,000,000")]),
    (ex.q6, "b", [("a", "errors"), ("c", "denominator"), ("d", "language")]),
    (ex.q7, 1 - (1_100 * 60 * 0.05) / (500_000 * 0.5 * 0.15), [(0.56, "before Nov 2022"), (1 - 66_000 / 250_000, "all languages"),
                                                              (91.2, "percentage")]),
    (ex.q8, 500_000 * 0.5 * 0.15 / (0.05 * 60), [(250_000 / 60, "every language"), (6_944, "Arabic"), (5_500, "too low")]),
]


@pytest.mark.parametrize("question, right, wrong", CASES, ids=[c[0].label.split(":")[0] for c in CASES])
def test_question(question, right, wrong):
    assert_question_behaves(question, right, wrong)


def test_expected_values_come_from_the_data():
    assert ex.q2.expected == pytest.approx(0.298166, abs=1e-6)
    assert ex.q3.expected == pytest.approx(0.082369, abs=1e-6)
    assert ex.q4.expected == pytest.approx(477.336, abs=1e-3)
    assert ex.q5.expected == pytest.approx(35.239, abs=1e-3)
    assert ex.q7.expected == pytest.approx(0.912)
    assert ex.q8.expected == 12_500


@pytest.mark.parametrize("question, rounded", [(ex.q2, 0.298), (ex.q3, 0.082), (ex.q4, 477), (ex.q4, 480), (ex.q5, 35),
                                               (ex.q7, 0.91), (ex.q8, 12_500)])
def test_sensibly_rounded_answers_are_accepted(question, rounded):
    assert question.evaluate(rounded).status == CORRECT


def test_questions_are_listed_in_order():
    assert [q.label.split(":")[0] for q in ex.QUESTIONS] == [f"Exercise {i}" for i in range(1, 9)]


def test_hints_use_the_lessons_variable_names():
    # in lesson 01 the table is `transparency` and the capacity module is `moderation`
    assert any("transparency[" in h for h in ex.q2.hints)
    assert any("moderation.summarise" in h for h in ex.q7.hints)
