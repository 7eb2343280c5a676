"""Records shared by the parts of ``modlab grade``.

The engine (:mod:`modlab.grading.engine`) turns a :class:`Submission` into a :class:`NotebookResult`;
the batch side (:mod:`modlab.grading.intake`, :mod:`modlab.grading.batch`) makes submissions and turns
results into grades.csv, feedback pages and the manual-grading sheet. All fields are plain data so a
result can cross a process boundary (``--jobs``) and be written as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Status of one auto-graded question.
CORRECT = "correct"
INCORRECT = "incorrect"          # answered, hidden tests failed
NOT_ANSWERED = "not answered"    # placeholder left, answer cell empty or missing
NOT_PLAIN_DATA = "not plain data"  # the answer could not be exported as numbers/strings/lists
NOT_REACHED = "not reached"      # execution stopped (timeout, dead kernel, unreadable notebook) first
STATUSES = (CORRECT, INCORRECT, NOT_ANSWERED, NOT_PLAIN_DATA, NOT_REACHED)


@dataclass
class Submission:
    """One student's notebook for one lesson, as found in the upload.

    Attributes
    ----------
    student : str
        Identifier used in every output (grades.csv row, feedback file name); unique in a batch.
    notebook : pathlib.Path or None
        The working copy to grade (never the instructor's original); None when no notebook was found.
    original : str
        Where it came from, relative to the upload (for the instructor's report).
    flags : list of str
        Human-readable notes for the instructor, e.g. ``"two submissions: graded the later one (...)"``.
    """

    student: str
    notebook: Path | None
    original: str = ""
    flags: list[str] = field(default_factory=list)


@dataclass
class QuestionResult:
    """The grader's verdict on one auto-graded question (one nbgrader grade cell ``qN-check``)."""

    grade_id: str          # nbgrader grade id, e.g. "q1-check"
    label: str             # the exercise's label, e.g. "Exercise 1: the amnesty poll's yes share"
    points: float          # maximum points
    score: float           # points given (0 unless status == CORRECT)
    status: str            # one of STATUSES
    answer: Any = None     # the exported answer as plain data (None when not answered / not reached)
    message: str = ""      # what the student reads: the kit's own check message; never hidden-test source


@dataclass
class FreeResponse:
    """One manually graded answer (an nbgrader markdown grade cell such as ``r1``)."""

    grade_id: str          # e.g. "r1"
    label: str             # e.g. "Reflection 1"
    points: float          # maximum points
    text: str              # what the student wrote ("" when left as the placeholder)
    rubric: str            # the rubric / model answer from the solution notebook (instructor only)
    score: float | None = None   # manual score, None until imported
    comment: str = ""            # instructor's comment, from the manual-grading sheet


@dataclass
class NotebookResult:
    """Everything the grader learned about one submission."""

    student: str
    lesson: str                                   # e.g. "03_amnesty_poll"
    questions: list[QuestionResult] = field(default_factory=list)
    free_responses: list[FreeResponse] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # e.g. "cell 12 timed out after 30 s", "check cell q3 was edited; the original was used"
    execution_seconds: float = 0.0                # wall time of the kernel run alone
    grading_seconds: float = 0.0                  # wall time of grade_submission in all

    @property
    def auto_score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def auto_points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def manual_score(self) -> float | None:
        """Sum of manual scores, or None while any free response is ungraded."""
        scores = [r.score for r in self.free_responses]
        return None if any(s is None for s in scores) else sum(scores)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "NotebookResult":
        data = dict(data)
        data["questions"] = [QuestionResult(**q) for q in data.get("questions", [])]
        data["free_responses"] = [FreeResponse(**r) for r in data.get("free_responses", [])]
        return cls(**data)
