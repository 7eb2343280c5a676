"""Self-check questions, one module per lesson.

In a lesson::

    from modlab.exercises import lesson03 as ex
    ex.q1.check(yes_share)   # shows "Correct", "Not yet: ...", or "Not attempted"
    ex.q1.hint()             # shows the next hint

See :mod:`modlab.exercises.base` for the question types.
"""

from modlab.exercises.base import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    WRONG_TYPE,
    ChoiceQuestion,
    Feedback,
    NamesQuestion,
    NumberQuestion,
    Question,
)

__all__ = [
    "CORRECT",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "WRONG_TYPE",
    "ChoiceQuestion",
    "Feedback",
    "NamesQuestion",
    "NumberQuestion",
    "Question",
]
