"""Store ``modlab grade`` results in nbgrader's gradebook (``gradebook.db`` in the output folder).

The assignment, its notebook and grade cells are registered from the lesson's solution notebook with
nbgrader's own preprocessors, in the order ``nbgrader generate_assignment`` runs them, so the database is
one nbgrader's tools (``nbgrader export``, formgrader) can read. Auto-graded questions get ``auto_score``;
free responses get ``manual_score`` and the instructor's comment once imported.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import nbformat

from modlab.grading.model import NotebookResult

DB_NAME = "gradebook.db"


def db_url(out: str | os.PathLike) -> str:
    """The SQLAlchemy URL of the gradebook in output folder ``out``."""
    return f"sqlite:///{Path(out).resolve() / DB_NAME}"


@contextmanager
def open_gradebook(out: str | os.PathLike) -> Iterator[Any]:
    """Open (creating if needed) the gradebook in ``out`` as an :class:`nbgrader.api.Gradebook`.

    Parameters
    ----------
    out : str or path-like
        The output folder of ``modlab grade``.

    Yields
    ------
    nbgrader.api.Gradebook
        Closed when the block ends.
    """
    # nbgrader runs its database tool `alembic` by name: make the one installed beside this Python findable.
    if shutil.which("alembic") is None:
        os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # nbgrader's add_submission builds rows before adding them to the session; SQLAlchemy warns, harmlessly.
        warnings.simplefilter("ignore", SAWarning)
        with Gradebook(db_url(out)) as gradebook:
            yield gradebook


def register(solution: str | os.PathLike, lesson: str, out: str | os.PathLike) -> None:
    """Register ``lesson`` (assignment and notebook) and its grade cells from the solution notebook.

    Parameters
    ----------
    solution : str or path-like
        The lesson's solution notebook (nbgrader format).
    lesson : str
        Used as both nbgrader assignment id and notebook id, e.g. ``"03_amnesty_poll"``.
    out : str or path-like
        Output folder holding ``gradebook.db``.

    Raises
    ------
    RuntimeError
        From nbgrader, if the gradebook already holds submissions for a version of the lesson with other
        grade cells (grade into a new output folder then).
    """
    from nbgrader.preprocessors import ClearSolutions, ComputeChecksums, SaveCells

    with open_gradebook(out) as gradebook:
        gradebook.update_or_create_assignment(lesson)
    nb = nbformat.read(solution, as_version=4)
    resources = {"nbgrader": {"db_url": db_url(out), "assignment": lesson, "notebook": lesson}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for preprocessor in (ClearSolutions(), ComputeChecksums(), SaveCells()):
            nb, resources = preprocessor.preprocess(nb, resources)


def store(results: list[NotebookResult], lesson: str, out: str | os.PathLike) -> None:
    """Write every result's scores (and manual comments) into the gradebook.

    Parameters
    ----------
    results : list of NotebookResult
        Graded submissions; ``lesson`` must already be registered (:func:`register`).
    lesson : str
        nbgrader assignment and notebook id.
    out : str or path-like
        Output folder holding ``gradebook.db``.
    """
    with open_gradebook(out) as gradebook:
        for result in results:
            gradebook.update_or_create_student(result.student)
            gradebook.update_or_create_submission(lesson, result.student)
            for question in result.questions:
                grade = gradebook.find_grade(question.grade_id, lesson, lesson, result.student)
                grade.auto_score, grade.manual_score, grade.needs_manual_grade = question.score, None, False
            for response in result.free_responses:
                grade = gradebook.find_grade(response.grade_id, lesson, lesson, result.student)
                # As nbgrader does: a blank answer is scored 0 automatically; a written one waits for a person.
                grade.auto_score = 0.0 if not response.text.strip() else None
                grade.manual_score = response.score
                grade.needs_manual_grade = response.score is None
                comment = gradebook.find_comment(response.grade_id, lesson, lesson, result.student)
                comment.manual_comment = response.comment or None
        gradebook.db.commit()


def manual_scores(lesson: str, out: str | os.PathLike) -> dict[tuple[str, str], tuple[float | None, str]]:
    """Manual scores and comments already in the gradebook, by (student, grade id).

    Parameters
    ----------
    lesson : str
        nbgrader assignment and notebook id.
    out : str or path-like
        Output folder; an absent gradebook gives an empty dict.

    Returns
    -------
    dict
        ``{(student, grade_id): (manual_score or None, comment or "")}`` for every free response stored.
    """
    if not (Path(out) / DB_NAME).exists():
        return {}
    from nbgrader.api import MissingEntry

    found = {}
    with open_gradebook(out) as gradebook:
        try:
            notebook = gradebook.find_notebook(lesson, lesson)
        except MissingEntry:
            return {}
        manual_ids = [cell.name for cell in notebook.grade_cells if cell.cell_type == "markdown"]
        for submitted in notebook.submissions:
            student = submitted.student.id
            for grade_id in manual_ids:
                grade = gradebook.find_grade(grade_id, lesson, lesson, student)
                comment = gradebook.find_comment(grade_id, lesson, lesson, student)
                found[(student, grade_id)] = (grade.manual_score, comment.manual_comment or "")
    return found
