"""A learner's check and the grader's hidden tests must accept the same answers.

An instructor trial found answers that ``q.check`` called Correct (0.0005, 0.67, 130, "(b)")
scoring 0 in nbgrader. For every graded check cell of every solution notebook, this test
runs the hidden tests on a grid of plausible answers (the right value, nearby values,
roundings, option-letter spellings) and requires the same verdict as ``q.is_correct``.
"""

import math
from pathlib import Path

import pytest

from modlab.exercises import ChoiceQuestion, NamesQuestion, NumberQuestion
from modlab.grading.engine import hidden_tests_pass
from modlab.grading.lesson_spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
# relative offsets chosen between the kit's tolerances, so no value sits on a boundary
OFFSETS = [0, 3e-7, 4e-4, 1.5e-3, 4e-3, 7e-3, 0.012, 0.018, 0.025, 0.04, 0.08, 0.3]


def _check_cells():
    # The grader's own reading of the solutions (modlab.grading.lesson_spec), so this test holds what
    # `modlab grade` runs, not a copy of it.
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        spec = load_spec(path.stem)
        for question in spec.questions:
            yield pytest.param(spec.question_object(question), question, id=f"{path.stem}-{question.grade_id}")


def _candidates(question):
    if isinstance(question, NamesQuestion):
        return question.candidate_answers()
    if isinstance(question, ChoiceQuestion):
        return [form.format(letter) for letter in question.options for form in ("{}", "{}", " {} ", "({})", "{})", "{}.")] + [
            letter.upper() for letter in question.options
        ]
    target = question.expected
    values = {target * (1 + sign * offset) for offset in OFFSETS for sign in (1, -1)}
    for digits in range(0, 5):
        values.add(round(target, digits))
    for figures in range(1, 5):
        values.add(float(f"{target:.{figures}g}"))
    values.update({math.floor(target), math.ceil(target), target + 0.5, target - 0.5, target + 1.5})
    return sorted(values)


@pytest.mark.parametrize("question, spec", list(_check_cells()))
def test_check_and_hidden_tests_agree(question, spec):
    assert isinstance(question, (NumberQuestion, ChoiceQuestion, NamesQuestion))
    disagreements = [
        (value, question.is_correct(value))
        for value in _candidates(question)
        if hidden_tests_pass(spec, value) != question.is_correct(value)
    ]
    assert not disagreements, f"{question.label}: (answer, check says correct) where hidden tests disagree: {disagreements}"


def test_the_grid_covers_every_graded_question():
    found = {p.values[0].label for p in _check_cells()}
    assert len(found) >= 36  # lesson 00: 3, lesson 01: 8, lesson 02: 8, lesson 03: 9, lesson 09: 8
    assert {p.values[0].label.split(':')[0] for p in _check_cells() if p.id.startswith('02_')} == {f'Exercise {i}' for i in range(1, 9)}


def test_the_capstone_checks_are_all_in_the_grid():
    assert {p.values[0].label.split(':')[0] for p in _check_cells() if p.id.startswith('09_')} == {f'Exercise {i}' for i in range(1, 9)}
