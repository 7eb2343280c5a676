"""A fake grading engine for the batch tests: fast, deterministic, and able to crash on purpose.

A fake "notebook" is a JSON file of instructions instead of a real notebook::

    {"correct": ["q1-check", ...], "answers": {"q1-check": 0.724}, "text": {"r1": "..."},
     "flags": ["..."], "die": false, "raise": false, "kill_grader": false, "overwrite": {}}

``fake_grade`` turns it into the :class:`NotebookResult` a real engine would give: listed questions
CORRECT with full points, the others INCORRECT with 0. ``die`` ends the worker process (os._exit), like
a grader killed by the system; ``raise`` raises inside the grader; ``kill_grader`` kills the process that runs the batch (as a notebook
can: it runs as the same user); ``overwrite`` is ``{path: text}`` written while grading (a notebook
tampering with other students' copies or the upload). The spec is the real lesson 03 outline
(grade ids, points and rubrics read from the solution notebook), with made-up labels.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
from pathlib import Path

import nbformat

from modlab.grading.batch import Item, LessonOutline
from modlab.grading.model import CORRECT, INCORRECT, FreeResponse, NotebookResult, QuestionResult

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "03_amnesty_poll.ipynb"
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


def lesson03_outline() -> LessonOutline:
    """The lesson 03 outline: q1-check..q9-check (1 point each), r1 (3) and r2 (4) with their rubrics."""
    nb = nbformat.read(SOLUTION, as_version=4)
    questions, free = [], []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        gid, points = meta["grade_id"], float(meta["points"])
        if cell.cell_type == "markdown":
            rubric = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S).group(1).strip()
            free.append(Item(gid, f"Reflection {gid[1:]}", points, rubric))
        else:
            number = gid[1:].removesuffix("-check")
            hints = getattr(importlib.import_module("modlab.exercises.lesson03"), f"q{number}").hints
            questions.append(Item(gid, f"Exercise {number}", points, hint=hints[0] if hints else ""))
    return LessonOutline("03_amnesty_poll", SOLUTION, questions, free)


def write_fake(path: Path, **instructions) -> Path:
    """Write a fake submission holding ``instructions`` (see the module docstring)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(instructions))
    return path


def fake_grade(submission, spec, *, cell_timeout=60, notebook_timeout=600) -> NotebookResult:
    """Grade a fake submission (module level, so worker processes can unpickle it)."""
    plan = json.loads(Path(submission.notebook).read_text())
    for path, text in plan.get("overwrite", {}).items():
        Path(path).write_text(text)
    if plan.get("rewrite_own_copy"):
        Path(submission.notebook).write_text("{}")  # as another kernel could, while this one is graded
    if plan.get("kill_grader"):
        os.kill(os.getppid(), signal.SIGKILL)  # the worker's parent is the process running the batch
        os._exit(9)
    if plan.get("die"):
        os._exit(3)
    if plan.get("raise"):
        raise RuntimeError("fake engine failure")
    correct = set(plan.get("correct", []))
    answers = plan.get("answers", {})
    questions = [
        QuestionResult(q.grade_id, q.label, q.points, q.points if q.grade_id in correct else 0.0,
                       CORRECT if q.grade_id in correct else INCORRECT, answers.get(q.grade_id, 1),
                       "Correct." if q.grade_id in correct else "Not yet: check the units.")
        for q in spec.questions
    ]
    free = [FreeResponse(r.grade_id, r.label, r.points, plan.get("text", {}).get(r.grade_id, ""), r.rubric)
            for r in spec.free_responses]
    return NotebookResult(submission.student, spec.lesson, questions, free, list(plan.get("flags", [])),
                          execution_seconds=0.01, grading_seconds=0.02)
