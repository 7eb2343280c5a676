"""Shared check for the per-lesson question tests: right, typical wrong, untouched and wrong-type answers."""

import pandas as pd

from modlab.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, WRONG_TYPE


def assert_question_behaves(question, right, wrong) -> None:
    """``right`` is Correct, each ``(value, fragment)`` in ``wrong`` is Not yet with ``fragment`` in its message,
    ``...`` is Not attempted, and values of the wrong type (None, lists, Series, text or numbers) say Wrong type."""
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
