"""What a lesson asks, read from its solution notebook: the grader's single source of truth.

:func:`load_spec` reads ``solutions/NN_name.ipynb`` (nbgrader format, see CONTRIBUTING.md) and returns a
:class:`LessonSpec`: per auto-graded question its check cell's grade id, answer cell, the one name the check
declares (``ex.qN.check(name)``), the hidden-test code and points, and the kit's question object label; per
free response its points and the rubric (the solution region of the ``rN`` markdown cell). Nothing here is
lesson-specific: every lesson in ``solutions/`` (and the capstone, when it lands) is read the same way.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

__all__ = ["FreeResponseSpec", "LessonSpec", "LessonSpecError", "QuestionSpec", "load_spec"]

_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS\n?", re.S)
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
# Every check cell ends with the learner's self-check on one declared name.
_CHECK_CALL = re.compile(r"ex\.(\w+)\.check\((\w+)\)\s*$")
# A markdown heading without a trailing remark: "### Reflection 1 (3 points)" -> "Reflection 1".
_HEADING = re.compile(r"^#+\s*(.+?)\s*(?:\([^()]*\))?\s*$", re.M)


class LessonSpecError(ValueError):
    """The lesson is unknown, or its solution notebook is not in the grading format."""


@dataclass(frozen=True)
class QuestionSpec:
    """One auto-graded question (an nbgrader grade cell ``qN-check``)."""

    grade_id: str          # "q1-check"
    question: str          # attribute of the exercises module: "q1"
    answer_grade_id: str   # "q1-answer"
    name: str              # the declared answer name the check reads, e.g. "amnesty_yes_share"
    hidden_tests: str      # code run in the grader with {math, np, pd, data, name}
    points: float
    label: str             # the question object's label, e.g. "Exercise 1: ..."
    check_source: str      # the check cell as handed out (``ex.q1.check(name)``)


@dataclass(frozen=True)
class FreeResponseSpec:
    """One manually graded markdown answer (an nbgrader grade+solution cell such as ``r1``)."""

    grade_id: str          # "r1"
    points: float
    rubric: str            # the solution region: model answer and rubric (instructor only)
    label: str             # "Reflection 1"
    placeholder: str       # the handed-out text, e.g. "YOUR ANSWER HERE"


@dataclass
class LessonSpec:
    """Everything the grader needs to know about one lesson.

    Attributes
    ----------
    lesson : str
        The solution notebook's stem, e.g. ``"03_amnesty_poll"``.
    solution_path : pathlib.Path
        The solution notebook read.
    exercises_module : str
        Import name of the lesson's question objects, e.g. ``"modlab.exercises.lesson03"``.
    questions : list of QuestionSpec
        Auto-graded questions in notebook order.
    free_responses : list of FreeResponseSpec
        Manually graded answers in notebook order.
    handed_out : nbformat.NotebookNode
        The notebook students received (``lessons/NN_name.ipynb`` beside the solutions folder, else the
        solution released in memory by :func:`modlab.release.release_notebook`).
    """

    lesson: str
    solution_path: Path
    exercises_module: str
    questions: list[QuestionSpec] = field(default_factory=list)
    free_responses: list[FreeResponseSpec] = field(default_factory=list)
    handed_out: Any = None

    @property
    def auto_points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def manual_points(self) -> float:
        return sum(r.points for r in self.free_responses)

    def question_object(self, question: QuestionSpec) -> Any:
        """The kit's own question object (``modlab.exercises.lessonNN.qN``), for the learner's message."""
        return getattr(importlib.import_module(self.exercises_module), question.question)


def _source(cell: Any) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _grading(cell: Any) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _handed_out(solution_path: Path, solution: Any) -> Any:
    lessons = solution_path.parent.parent / "lessons" / solution_path.name
    if lessons.is_file():
        return nbformat.read(lessons, as_version=4)
    from modlab.release import release_notebook

    return release_notebook(solution)


def _label_before(cells: list, index: int, grade_id: str) -> str:
    """The last heading of the nearest markdown above a free response ("Reflection 1"), else its grade id."""
    for cell in reversed(cells[max(0, index - 3):index]):
        if cell.cell_type == "markdown":
            headings = _HEADING.findall(_source(cell))
            if headings:
                return headings[-1]
    return grade_id


def load_spec(lesson: str | os.PathLike, solutions_dir: str | Path | None = None) -> LessonSpec:
    """Read a lesson's grading spec from its solution notebook.

    Parameters
    ----------
    lesson : str or path-like
        ``"03"``, ``"3"``, ``"03_amnesty_poll"`` or a path to a solution notebook.
    solutions_dir : str or pathlib.Path, optional
        Folder of solution notebooks (``modlab grade --solutions DIR``); default the repository's
        ``solutions/`` (:func:`modlab.release.repo_root`).

    Returns
    -------
    LessonSpec
        Questions and free responses in notebook order, with points from the nbgrader cell metadata.

    Raises
    ------
    LessonSpecError
        If no lesson (or several) matches, or a grade cell is not in the kit's format: a check cell whose
        last line is not ``ex.<question>.check(<name>)``, without hidden tests, without an answer cell
        ``<question>-answer`` that assigns the declared name, naming a question the exercises module lacks,
        or a duplicate grade id.

    Notes
    -----
    The format is nbgrader's (https://nbgrader.readthedocs.io/en/stable/contributor_guide/metadata.html):
    ``metadata.nbgrader`` with ``grade``, ``solution``, ``locked``, ``grade_id``, ``points``.
    """
    from modlab.present import PresentError, find_lesson
    from modlab.release import assigned_names

    try:
        path = find_lesson(lesson, solutions_dir)
    except PresentError as err:
        raise LessonSpecError(f"unknown lesson: {err}") from None
    try:
        solution = nbformat.read(path, as_version=4)
    except Exception as err:  # a broken solution notebook is the instructor's to fix: say which
        raise LessonSpecError(f"cannot read solution notebook {path}: {err}") from None
    number = path.stem.split("_", 1)[0]
    module_name = f"modlab.exercises.lesson{number}"
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise LessonSpecError(f"{path.name}: no exercises module {module_name} ({err})") from None

    spec = LessonSpec(lesson=path.stem, solution_path=path, exercises_module=module_name)
    spec.handed_out = _handed_out(path, solution)
    answer_ids = {_grading(c).get("grade_id") for c in solution.cells if _grading(c).get("solution")}
    seen: set[str] = set()
    for index, cell in enumerate(solution.cells):
        grading = _grading(cell)
        grade_id = grading.get("grade_id")
        if not grading.get("grade"):
            continue
        if grade_id in seen:
            raise LessonSpecError(f"{path.name}: grade id {grade_id!r} used twice")
        seen.add(grade_id)
        points = float(grading.get("points", 0))
        source = _source(cell)
        if cell.cell_type == "markdown":
            region = _SOLUTION.search(source)
            handed = spec_cells(spec.handed_out, grade_id)
            spec.free_responses.append(
                FreeResponseSpec(
                    grade_id=grade_id,
                    points=points,
                    rubric=(region.group(1) if region else source).strip(),
                    label=_label_before(solution.cells, index, grade_id),
                    placeholder=_source(handed[0]).strip() if handed else "YOUR ANSWER HERE",
                )
            )
            continue
        hidden = _HIDDEN.search(source)
        check = _CHECK_CALL.search(source)
        if not (hidden and check):
            raise LessonSpecError(
                f"{path.name}: grade cell {grade_id!r} needs hidden tests and a last line ex.<question>.check(<name>)"
            )
        question, name = check.groups()
        answer_id = f"{question}-answer"
        if answer_id not in answer_ids:
            raise LessonSpecError(f"{path.name}: grade cell {grade_id!r} has no answer cell {answer_id!r}")
        answer_code = "\n".join(_source(c) for c in spec_cells(solution, answer_id))
        if name not in (assigned_names(answer_code) or []):
            raise LessonSpecError(f"{path.name}: answer cell {answer_id!r} does not assign {name!r}, which {grade_id!r} checks")
        obj = getattr(module, question, None)
        if obj is None or not hasattr(obj, "evaluate"):
            raise LessonSpecError(f"{path.name}: {module_name} has no question {question!r} for {grade_id!r}")
        spec.questions.append(
            QuestionSpec(
                grade_id=grade_id,
                question=question,
                answer_grade_id=answer_id,
                name=name,
                hidden_tests=hidden.group(1),
                points=points,
                label=obj.label,
                check_source=_HIDDEN.sub("", source).strip(),
            )
        )
    return spec


def spec_cells(nb: Any, grade_id: str) -> list:
    """The cells of a notebook with this nbgrader grade id (normally one).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Any notebook (v4).
    grade_id : str
        e.g. ``"q1-answer"`` or ``"r1"``.

    Returns
    -------
    list of nbformat.NotebookNode
        The matching cells, in notebook order.
    """
    return [cell for cell in nb.cells if _grading(cell).get("grade_id") == grade_id]
