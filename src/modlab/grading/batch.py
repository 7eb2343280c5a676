"""Grade many submissions and write the instructor's outputs (``modlab grade``).

Output folder layout (``out``)::

    grades.csv            student, q1.., r1.., auto total, manual total, total, max, flags
    feedback/<student>.html
    manual_grading.csv    every free response beside its rubric; fill score/comment, then --import-manual
    gradebook.db          nbgrader's gradebook (sqlite)
    results/<student>.json  everything the grader learned (used to rewrite the outputs after an import)
    work/                 copies of the submissions (work/intake.csv: what happened to every uploaded file)

Re-running into the same folder regrades everything and rewrites these files. Manual scores already imported
are kept for answers whose text has not changed (others are cleared and flagged); a manual-grading sheet
with scores not yet imported is first copied aside (``manual_grading.unimported-<time>.csv``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from tqdm import tqdm

from modlab.grading import feedback, gradebook, manual
from modlab.grading.model import NOT_REACHED, FreeResponse, NotebookResult, QuestionResult, Submission

GRADES = "grades.csv"
SHEET = "manual_grading.csv"
OUTLINE = "lesson.json"
WORKER_DIED = ("the grading process stopped unexpectedly on this notebook (it may use too much memory, or end "
               "the process running it); it could not be graded automatically: please grade it by hand")


@dataclass
class BatchSummary:
    """What a ``modlab grade`` run did (for the final message)."""

    out: Path
    results: list[NotebookResult]
    seconds: float
    notes: list[str] = field(default_factory=list)  # e.g. kept manual scores, a sheet copied aside

    @property
    def graded(self) -> int:
        return len(self.results)

    @property
    def flagged(self) -> int:
        return sum(bool(r.flags) for r in self.results)


@dataclass
class Item:
    """One graded cell as the outputs need it (no hidden tests: those never reach the output folder)."""

    grade_id: str
    label: str
    points: float
    rubric: str = ""


@dataclass
class LessonOutline:
    """The part of a lesson spec the outputs need; saved as ``lesson.json`` so ``--import-manual`` needs no lesson."""

    lesson: str
    solution_path: Path
    questions: list[Item]
    free_responses: list[Item]

    @classmethod
    def of(cls, spec: Any) -> "LessonOutline":
        """Outline of a :class:`~modlab.grading.lesson_spec.LessonSpec` (or anything with the same fields)."""
        return cls(spec.lesson, Path(spec.solution_path),
                   [Item(q.grade_id, q.label, q.points) for q in spec.questions],
                   [Item(r.grade_id, r.label, r.points, r.rubric) for r in spec.free_responses])

    def save(self, out: Path) -> None:
        data = {"lesson": self.lesson, "solution_path": str(self.solution_path),
                "questions": [vars(q) for q in self.questions], "free_responses": [vars(r) for r in self.free_responses]}
        (out / OUTLINE).write_text(json.dumps(data, indent=1))

    @classmethod
    def load(cls, out: Path) -> "LessonOutline":
        data = json.loads((out / OUTLINE).read_text())
        return cls(data["lesson"], Path(data["solution_path"]), [Item(**q) for q in data["questions"]],
                   [Item(**r) for r in data["free_responses"]])


def column(grade_id: str) -> str:
    """The grades.csv column of a grade id: ``"q1-check"`` -> ``"q1"``, ``"r1"`` -> ``"r1"``."""
    return grade_id.removesuffix("-check")


def placeholder_result(submission: Submission, spec: Any, reason: str) -> NotebookResult:
    """A result for a submission that could not be run: every question NOT_REACHED, free responses blank.

    Parameters
    ----------
    submission : Submission
        The submission (its intake flags are kept).
    spec : LessonSpec
        The lesson (``lesson``, ``questions``, ``free_responses`` with grade ids, labels, points, rubrics).
    reason : str
        Why, for the flags; written for the student as much as for the instructor.

    Returns
    -------
    NotebookResult
        Zero points; free responses scored 0 as blank.
    """
    return NotebookResult(
        student=submission.student,
        lesson=spec.lesson,
        questions=[QuestionResult(q.grade_id, q.label, q.points, 0.0, NOT_REACHED) for q in spec.questions],
        free_responses=[FreeResponse(r.grade_id, r.label, r.points, "", r.rubric) for r in spec.free_responses],
        flags=[*submission.flags, reason],
    )


def _work(grade: Callable, submission: Submission, spec: Any, cell_timeout: float, notebook_timeout: float) -> NotebookResult:
    """Runs in a worker process: grade one submission."""
    return grade(submission, spec, cell_timeout=cell_timeout, notebook_timeout=notebook_timeout)


def _engine() -> Callable:
    from modlab.grading.engine import grade_submission

    return grade_submission


def run_all(
    submissions: list[Submission],
    spec: Any,
    *,
    jobs: int = 1,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    grade: Callable | None = None,
    progress: bool = True,
) -> list[NotebookResult]:
    """Grade ``submissions`` in ``jobs`` worker processes; a worker that dies never stops the batch.

    Parameters
    ----------
    submissions : list of Submission
        From :func:`modlab.grading.intake.collect`; those without a notebook get a placeholder result.
    spec : LessonSpec
        The lesson, passed to ``grade``.
    jobs : int
        Worker processes (>= 1).
    cell_timeout, notebook_timeout : float
        Seconds, passed to ``grade``.
    grade : callable, optional
        ``grade(submission, spec, *, cell_timeout, notebook_timeout) -> NotebookResult``, picklable (a
        module-level function); default :func:`modlab.grading.engine.grade_submission`.
    progress : bool
        Show a tqdm progress bar with ETA on stderr.

    Returns
    -------
    list of NotebookResult
        One per submission, in the order given. An exception in ``grade`` or a dead worker gives a
        placeholder result with the reason in its flags.
    """
    grade = grade or _engine()
    results: dict[str, NotebookResult] = {}
    bar = tqdm(total=len(submissions), desc="grading", unit="notebook", file=sys.stderr, disable=not progress)

    def done(result: NotebookResult, submission: Submission) -> None:
        # Intake's notes (renamed, two submissions...) come first; the engine's own follow.
        result.flags = [*submission.flags, *(f for f in result.flags if f not in submission.flags)]
        results[submission.student] = result
        bar.update()

    def failed(submission: Submission, error: BaseException) -> NotebookResult:
        print(f"modlab grade: {submission.student}: grader error: {type(error).__name__}: {error}", file=sys.stderr)
        return placeholder_result(submission, spec, f"the grader hit an internal problem ({type(error).__name__}) on "
                                  "this notebook; it could not be graded automatically: please grade it by hand")

    args = (spec, cell_timeout, notebook_timeout)
    queue = deque(s for s in submissions if s.notebook is not None)
    for submission in submissions:
        if submission.notebook is None:
            done(placeholder_result(submission, spec, "no notebook for this lesson was found in the upload"), submission)
    while queue:
        suspects: list[Submission] = []
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            running: dict[Any, Submission] = {}
            # Keep only `jobs` tasks in flight: when a worker dies, the suspects are exactly those.
            while queue or running:
                while queue and len(running) < jobs:
                    submission = queue.popleft()
                    running[pool.submit(_work, grade, submission, *args)] = submission
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    submission = running.pop(future)
                    try:
                        done(future.result(), submission)
                    except BrokenProcessPool:
                        suspects.append(submission)
                    except Exception as error:
                        done(failed(submission, error), submission)
                if suspects:  # the pool is broken: everything in flight fails with it
                    suspects.extend(running.values())
                    break
        # Retry each suspect alone: the one that kills its worker again is the culprit.
        for submission in suspects:
            with ProcessPoolExecutor(max_workers=1) as pool:
                try:
                    done(pool.submit(_work, grade, submission, *args).result(), submission)
                except BrokenProcessPool:
                    done(placeholder_result(submission, spec, WORKER_DIED), submission)
                except Exception as error:
                    done(failed(submission, error), submission)
    bar.close()
    return [results[s.student] for s in submissions]


# --------------------------------------------------------------------------- outputs
def grades_frame(results: list[NotebookResult], spec: Any) -> pd.DataFrame:
    """grades.csv as a table of text.

    Parameters
    ----------
    results : list of NotebookResult
        Graded submissions.
    spec : LessonSpec
        Defines the question columns and the maximum.

    Returns
    -------
    pandas.DataFrame
        Columns ``student``, one per question (``q1``..), one per free response (``r1``..), ``auto total``,
        ``manual total`` (blank until every free response of the student is scored), ``total`` (auto plus
        the manual scores imported so far), ``max``, ``flags`` (joined by ``"; "``). Sorted by student.
    """
    ids = [q.grade_id for q in spec.questions] + [r.grade_id for r in spec.free_responses]
    top = sum(q.points for q in spec.questions) + sum(r.points for r in spec.free_responses)
    rows = []
    for result in sorted(results, key=lambda r: r.student):
        scores = {q.grade_id: q.score for q in result.questions} | {r.grade_id: r.score for r in result.free_responses}
        manual_so_far = sum(r.score for r in result.free_responses if r.score is not None)
        rows.append([result.student, *(feedback.number(scores.get(i)) for i in ids),
                     feedback.number(result.auto_score), feedback.number(result.manual_score),
                     feedback.number(result.auto_score + manual_so_far), feedback.number(top), "; ".join(result.flags)])
    return pd.DataFrame(rows, columns=["student", *map(column, ids), "auto total", "manual total", "total", "max", "flags"], dtype=str)


def _prepare_gradebook(solution: Path, lesson: str, out: Path) -> dict:
    """Register the lesson; return the manual scores stored by an earlier run (runs beside the grading)."""
    gradebook.register(solution, lesson, out)
    return gradebook.manual_scores(lesson, out)


def write_outputs(results: list[NotebookResult], spec: Any, out: Path, store: bool = True) -> None:
    """Write results/, grades.csv, feedback/ and manual_grading.csv, and store the scores in the gradebook.

    Parameters
    ----------
    results : list of NotebookResult
        Graded submissions (manual scores merged in).
    spec : LessonSpec
        The lesson.
    out : pathlib.Path
        Output folder.
    store : bool
        Also write the scores into ``gradebook.db`` (in this process).
    """
    for folder in ("results", "feedback"):  # only this run's students: no page left from an earlier upload
        shutil.rmtree(out / folder, ignore_errors=True)
        (out / folder).mkdir(parents=True)
    for result in results:
        (out / "results" / f"{result.student}.json").write_text(json.dumps(result.to_json(), indent=1, default=str))
        (out / "feedback" / f"{result.student}.html").write_text(feedback.render(result), encoding="utf-8")
    if store:
        gradebook.store(results, spec.lesson, out)
    grades_frame(results, spec).to_csv(out / GRADES, index=False)
    manual.write_sheet(sorted(results, key=lambda r: r.student), out / SHEET)


def load_results(out: Path) -> list[NotebookResult]:
    """Read ``results/*.json`` of an earlier run (sorted by student); empty when there is none."""
    return [NotebookResult.from_json(json.loads(p.read_text())) for p in sorted((out / "results").glob("*.json"))]


def _carry_manual(results: list[NotebookResult], stored: dict, out: Path, notes: list[str]) -> None:
    """Keep manual scores from an earlier run for answers whose text is unchanged; flag the others."""
    before = {(r.student, f.grade_id): f.text for r in load_results(out) for f in r.free_responses}
    kept = 0
    for result in results:
        for response in result.free_responses:
            score, comment = stored.get((result.student, response.grade_id), (None, ""))
            previous = before.get((result.student, response.grade_id))
            if (score is None or (score == 0 and not (previous or "").strip())) and not comment:
                continue  # nothing graded by hand (a blank answer's 0 is automatic)
            if previous == response.text:
                response.score, response.comment = score, comment
                kept += 1
            else:
                result.flags.append(f"{response.label} changed since it was graded by hand: it needs grading again")
    if kept:
        notes.append(f"kept {kept} manual score(s) from the earlier run (answers unchanged)")


def _set_aside_unimported_sheet(out: Path, stored: dict, notes: list[str]) -> None:
    """A sheet with scores or comments not in the gradebook is someone's work: copy it aside, never overwrite."""
    sheet = out / SHEET
    if not sheet.exists():
        return
    try:
        filled = pd.read_csv(sheet, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        pending = any(
            (row["score"].strip() or row["comment"].strip())
            and (feedback.number(stored.get((row["student"], row["question"]), (None, ""))[0]),
                 stored.get((row["student"], row["question"]), (None, ""))[1]) != (row["score"].strip(), row["comment"].strip())
            for _, row in filled.iterrows()
        )
    except Exception:  # unreadable: keep it too, to be safe
        pending = True
    if pending:
        aside = out / f"manual_grading.unimported-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        shutil.copyfile(sheet, aside)
        notes.append(f"{SHEET} had scores not yet imported: copied to {aside.name} (import it with --import-manual)")


def grade_batch(
    submissions: list[Submission],
    spec: Any,
    out: str | os.PathLike,
    *,
    jobs: int = 1,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    grade: Callable | None = None,
    progress: bool = True,
) -> BatchSummary:
    """Grade submissions and write every output into ``out`` (see the module docstring).

    Parameters
    ----------
    submissions : list of Submission
        From :func:`modlab.grading.intake.collect`.
    spec : LessonSpec
        The lesson (:func:`modlab.grading.lesson_spec.load_spec`): ``lesson``, ``solution_path``,
        ``questions`` and ``free_responses``.
    out : str or path-like
        Output folder, created if missing.
    jobs, cell_timeout, notebook_timeout, grade, progress
        As for :func:`run_all`.

    Returns
    -------
    BatchSummary
        The results, the wall time in seconds and notes on what was kept from an earlier run.

    Raises
    ------
    RuntimeError
        From nbgrader, if ``out`` holds a gradebook of another version of the lesson (other grade cells).
    """
    start = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    if load_results(out):
        notes.append(f"{out} held an earlier run: regraded, and its outputs rewritten")
    outline = LessonOutline.of(spec)
    # nbgrader is slow to import and to create a database (it runs alembic): do it in a process of its own
    # while the notebooks are graded, at low priority so the students' kernels get the CPU first.
    with ProcessPoolExecutor(max_workers=1, initializer=os.nice, initargs=(10,)) as keeper:
        prepared = keeper.submit(_prepare_gradebook, outline.solution_path, outline.lesson, out)
        results = run_all(submissions, spec, jobs=jobs, cell_timeout=cell_timeout, notebook_timeout=notebook_timeout,
                          grade=grade, progress=progress)
        for result in results:
            for response in result.free_responses:
                if not response.text.strip() and response.score is None:
                    response.score = 0.0  # as nbgrader does: nothing written, nothing to grade by hand
        stored = prepared.result()
        outline.save(out)
        _set_aside_unimported_sheet(out, stored, notes)
        _carry_manual(results, stored, out, notes)
        write_outputs(results, outline, out, store=False)
        keeper.submit(gradebook.store, results, outline.lesson, out).result()
    return BatchSummary(out, results, time.perf_counter() - start, notes)


def import_manual(sheet: str | os.PathLike, out: str | os.PathLike) -> BatchSummary:
    """Merge a filled-in manual-grading sheet into the gradebook; rewrite grades.csv, feedback and the sheet.

    Parameters
    ----------
    sheet : str or path-like
        The filled-in ``manual_grading.csv`` (or a copy of it).
    out : str or path-like
        The output folder of an earlier ``modlab grade`` run (its ``lesson.json`` names the lesson).

    Returns
    -------
    BatchSummary
        All results with the manual scores merged; ``notes`` says how many scores were imported.

    Raises
    ------
    FileNotFoundError
        If ``out`` holds no graded results.
    modlab.grading.manual.ManualSheetError
        If the sheet has problems (each with its row number); nothing is imported then.
    """
    start = time.perf_counter()
    out = Path(out)
    results = load_results(out)
    if not results or not (out / OUTLINE).exists():
        raise FileNotFoundError(f"{out} holds no graded results (run `modlab grade` into it first)")
    scores = manual.read_sheet(sheet, results)
    imported = 0
    for result in results:
        for response in result.free_responses:
            if (result.student, response.grade_id) in scores:
                response.score, response.comment = scores[result.student, response.grade_id]
                imported += response.score is not None
    write_outputs(results, LessonOutline.load(out), out)
    return BatchSummary(out, results, time.perf_counter() - start, [f"imported {imported} manual score(s) from {sheet}"])
