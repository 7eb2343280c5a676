"""What every self-check question must do, shared by the per-lesson question tests.

Right answer: Correct. Each typical wrong answer: Incorrect, with a message containing a given
fragment. The ``...`` placeholder: Not attempted. ``None``, a list, a two-value Series, and a
value of the other kind (text for numbers, a number for letters): Wrong type. At least one hint.
"""

from __future__ import annotations

import pandas as pd

from modlab.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, WRONG_TYPE


def assert_question_contract(question, right, wrong) -> None:
    """Fail unless ``question`` treats ``right``, the ``(value, fragment)`` pairs in ``wrong`` and bad input as above."""
    assert question.evaluate(right).status == CORRECT
    for value, fragment in wrong:
        feedback = question.evaluate(value)
        assert feedback.status == INCORRECT, (value, feedback)
        assert fragment in feedback.message, (value, feedback.message)
    assert question.evaluate(...).status == NOT_ATTEMPTED
    for bad_type in (None, [right], pd.Series([right, right])):
        assert question.evaluate(bad_type).status == WRONG_TYPE
    if isinstance(right, str):
        assert question.evaluate(3).status == WRONG_TYPE
    else:
        assert question.evaluate("some text").status == WRONG_TYPE
        assert question.evaluate(pd.Series([right])).status == WRONG_TYPE
    assert question.hints, "every question has at least one hint"
