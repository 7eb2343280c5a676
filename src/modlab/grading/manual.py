"""The manual-grading sheet: every free response beside its rubric, and reading it back once filled in.

``manual_grading.csv`` has one row per student and free response, sorted by question then student (grade one
reflection across the class): ``student, question, label, points, answer, rubric_and_model_answer, score,
comment``. The instructor fills ``score`` (0..points; blank = not graded yet) and
``comment`` (shown to the student) in any spreadsheet program, then runs ``modlab grade --import-manual``.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pandas as pd

from modlab.grading.feedback import number
from modlab.grading.model import NotebookResult

COLUMNS = ["student", "question", "label", "points", "answer", "rubric_and_model_answer", "score", "comment"]
REQUIRED = ["student", "question", "score", "comment"]
#: First characters that make a spreadsheet treat a cell as a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL_COMMA = re.compile(r"^\d*,\d{1,2}$")  # "2,5" from a comma-decimal locale; "1,000" is not a score


def safe_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading ``'`` before ``= + - @``, tab or CR.

    Parameters
    ----------
    text : str
        A text cell of grades.csv or manual_grading.csv.

    Returns
    -------
    str
        ``text``, with ``'`` in front when it starts with one of :data:`FORMULA_START`. Source: OWASP,
        "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
    """
    return "'" + text if text.startswith(FORMULA_START) else text


def unsafe_cell(text: str) -> str:
    """Undo :func:`safe_cell` (ids read back from a sheet); any other text is returned as it is."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


class ManualSheetError(ValueError):
    """The filled-in sheet has problems; ``problems`` lists them, each with its row number."""

    def __init__(self, sheet: str | os.PathLike, problems: list[str]):
        self.problems = problems
        super().__init__(f"{sheet}: {len(problems)} problem(s); nothing was imported\n" + "\n".join(f"  {p}" for p in problems))


def sheet_frame(results: list[NotebookResult]) -> pd.DataFrame:
    """The sheet as a table, scores and comments already known filled in.

    Parameters
    ----------
    results : list of NotebookResult
        Graded submissions.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, all text (escaped with :func:`safe_cell`); one row per student and free
        response, sorted by question (in lesson order) then student.
    """
    rows = [
        [safe_cell(result.student), r.grade_id, r.label, number(r.points), safe_cell(r.text.strip()),
         safe_cell(r.rubric.strip()), number(r.score), safe_cell(r.comment)]
        for index, r, result in sorted(
            ((i, r, result) for result in results for i, r in enumerate(result.free_responses)),
            key=lambda row: (row[0], row[1].grade_id, row[2].student))
    ]
    return pd.DataFrame(rows, columns=COLUMNS, dtype=str)


def write_sheet(results: list[NotebookResult], path: str | os.PathLike) -> Path:
    """Write ``manual_grading.csv`` (UTF-8 with a byte-order mark, so spreadsheet programs read accents).

    Parameters
    ----------
    results : list of NotebookResult
        Graded submissions.
    path : str or path-like
        Where to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    sheet_frame(results).to_csv(path, index=False, encoding="utf-8-sig")
    return Path(path)


def read_sheet(path: str | os.PathLike, results: list[NotebookResult]) -> dict[tuple[str, str], tuple[float | None, str]]:
    """Read and validate a filled-in sheet.

    Parameters
    ----------
    path : str or path-like
        A CSV with at least the columns ``student, question, score, comment`` (other columns are ignored).
    results : list of NotebookResult
        The graded submissions the sheet belongs to: they define the known students, questions and points.

    Returns
    -------
    dict
        ``{(student, grade_id): (score or None when blank, comment)}`` for every row.

    Raises
    ------
    ManualSheetError
        Listing every problem with its row number as a spreadsheet shows it (the header is row 1): unknown
        student or question, a score that is not a number or lies outside 0..points, a repeated row, a
        missing column. Nothing is imported when there is any problem.
    """
    try:
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise ManualSheetError(path, [f"cannot read it as CSV ({error})"]) from None
    missing = [c for c in REQUIRED if c not in sheet.columns]
    if missing:
        raise ManualSheetError(path, [f"row 1: missing column(s) {', '.join(missing)} (expected {', '.join(REQUIRED)})"])
    points = {(res.student, r.grade_id): r.points for res in results for r in res.free_responses}
    students = {res.student for res in results}
    questions = sorted({gid for _, gid in points})
    found, first_row, problems = {}, {}, []
    for index, row in sheet.iterrows():
        line = index + 2  # header is row 1
        student, question = unsafe_cell(row["student"].strip()), row["question"].strip()
        text = row["score"].strip()
        if student not in students:
            problems.append(f"row {line}: unknown student {student!r}")
            continue
        if (student, question) not in points:
            problems.append(f"row {line}: unknown question {question!r} (free responses: {', '.join(questions)})")
            continue
        if (student, question) in first_row:
            problems.append(f"row {line}: {question} for {student} is also on row {first_row[student, question]}")
            continue
        first_row[student, question] = line
        score = None
        if text:
            if "," in text and not _DECIMAL_COMMA.match(text):
                problems.append(f"row {line}: score {text!r} is not a number of points (a comma is read only as "
                                "a decimal comma, as in 2,5)")
                continue
            try:
                score = float(text.replace(",", "."))  # "2,5" from a spreadsheet in a comma-decimal locale
            except ValueError:
                problems.append(f"row {line}: score {text!r} is not a number")
                continue
            top = points[student, question]
            if not math.isfinite(score) or not 0 <= score <= top:
                problems.append(f"row {line}: score {text} is outside 0..{number(top)} for {question}")
                continue
        found[student, question] = (score, unsafe_cell(row["comment"].strip()))
    if problems:
        raise ManualSheetError(path, problems)
    return found
