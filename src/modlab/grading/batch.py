"""Grade many submissions and write the instructor's outputs (``modlab grade``).

Output folder layout (``out``)::

    grades.csv            student, q1.., r1.., auto total, manual total, total, max, flags
    feedback/<student>.html
    manual_grading.csv    every free response beside its rubric; fill score/comment, then --import-manual
    gradebook.db          nbgrader's gradebook (sqlite)
    results/<student>.json  everything the grader learned (used to rewrite the outputs after an import)
    work/                 copies of the submissions (work/intake.csv: what happened to every uploaded file)

Each student's result is written to ``results/<student>.json`` as soon as they are graded (atomically), so
nothing graded is lost if the grader is killed (a student's notebook can do that: it runs as the same user).
Re-running into the same folder resumes and merges:

- a student whose notebook has the same bytes (sha256) as when their result was written is not regraded
  (``--regrade`` grades everyone again);
- a student who was being graded when an earlier run stopped is flagged; if they were graded alone then
  (``--jobs 1``), they are not graded again (their notebook may be what stopped it) unless ``--regrade``;
- students of earlier runs who are not in this upload are kept (merged by student), and the summary says so.

Manual scores already imported are kept for answers whose text has not changed (others are cleared and
flagged); a manual-grading sheet with scores not yet imported is first copied aside
(``manual_grading.unimported-<time>.csv``).

Tampering: each notebook is graded from the bytes intake read (a fresh copy is written just before its turn);
a working copy changed meanwhile is flagged and restored, and after the batch the upload itself is checked
against the sha256 intake recorded (``work/intake.csv``): a changed file is flagged on its student's row.
Cells of grades.csv and the sheet that a spreadsheet would run as a formula get a leading ``'`` (OWASP).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from tqdm import tqdm

from modlab.grading import feedback, gradebook, intake, manual
from modlab.grading.manual import safe_cell, unsafe_cell
from modlab.grading.model import NOT_REACHED, FreeResponse, NotebookResult, QuestionResult, Submission

GRADES = "grades.csv"
SHEET = "manual_grading.csv"
OUTLINE = "lesson.json"
WORKER_DIED = ("the grading process stopped unexpectedly on this notebook (it may use too much memory, or end "
               "the process running it); it could not be graded automatically: please grade it by hand")
STOPPED = "the previous run stopped while grading this notebook"
STOPPED_ALONE = (f"{STOPPED} (it was graded on its own, so it may be what stopped the grader); not graded again: "
                 "please grade it by hand, or run again with --regrade")
STOPPED_AGAIN = f"{STOPPED}; graded again, on its own"
COPY_CHANGED = ("its working copy was changed before its turn (possible tampering by another notebook); graded the "
                "bytes read from the upload at intake, and the copy restored")
COPY_CHANGED_WHILE = ("its copy was changed while it was being graded (possible tampering by a notebook graded at "
                      "the same time): grade it again with --jobs 1 --regrade, or by hand")
UPLOAD_CHANGED = "the upload changed while grading: possible tampering ({files}); graded the bytes read before grading began"
COMPLETE = "complete"
AWAITING = "awaiting hand grading"
NOT_GRADED = "not graded: see flags"  # nothing could be run (no notebook, grader stopped, unreadable...)


@dataclass
class BatchSummary:
    """What a ``modlab grade`` run did (for the final message)."""

    out: Path
    results: list[NotebookResult]   # every student in the output folder (this upload and kept earlier ones)
    seconds: float
    notes: list[str] = field(default_factory=list)  # e.g. kept manual scores, a sheet copied aside
    newly_graded: int | None = None  # notebooks graded by this run (None: all of ``results``)

    @property
    def graded(self) -> int:
        return len(self.results) if self.newly_graded is None else self.newly_graded

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
    hint: str = ""   # the kit's first hint (question objects only), shown to a student who did not get it right


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
                   [Item(q.grade_id, q.label, q.points, hint=_first_hint(spec, q)) for q in spec.questions],
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


def _first_hint(spec: Any, question: Any) -> str:
    """The kit's first hint for a question (``question.hints[0]`` of the exercises module), or ""."""
    if getattr(question, "hint", ""):
        return question.hint
    try:
        hints = spec.question_object(question).hints
    except Exception:  # an outline without the exercises module, or a question without hints
        return ""
    return hints[0] if hints else ""


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


def _worker_dies_with_grader(grader_pid: int) -> None:
    """Pool-worker initializer: a worker outlives a killed grader otherwise (a notebook can `kill -9` it).

    Parameters
    ----------
    grader_pid : int
        The process that starts the pool; if it died before this worker asked to be signalled, exit now.
    """
    import signal

    from modlab.grading.sandbox import die_with_parent

    die_with_parent(signal.SIGTERM)
    if os.getppid() != grader_pid:  # the grader died between fork and prctl: no signal will come
        os._exit(1)


def _niced_worker(grader_pid: int) -> None:
    """Initializer of the gradebook keeper: low priority, and gone with the grader like the graders' workers."""
    os.nice(10)
    _worker_dies_with_grader(grader_pid)


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
    prepare: Callable[[Submission], Submission] | None = None,
    on_start: Callable[[Submission], None] | None = None,
    on_done: Callable[[NotebookResult, Submission], None] | None = None,
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
    prepare : callable, optional
        ``prepare(submission) -> submission`` run in this process just before a submission's turn (e.g. write
        a fresh copy of the bytes read at intake); its return value is what ``grade`` gets.
    on_start, on_done : callable, optional
        Called in this process when a submission is handed to a worker, and with each result as soon as it
        is known (e.g. to write it to disk at once).

    Returns
    -------
    list of NotebookResult
        One per submission, in the order given. An exception in ``grade`` or a dead worker gives a
        placeholder result with the reason in its flags.
    """
    grade = grade or _engine()
    results: dict[str, NotebookResult] = {}
    bar = tqdm(total=len(submissions), desc="grading", unit="notebook", file=sys.stderr, disable=not progress)

    prepare = prepare or (lambda submission: submission)

    def done(result: NotebookResult, submission: Submission) -> None:
        # Intake's notes (renamed, two submissions...) come first; the engine's own follow.
        result.flags = [*submission.flags, *(f for f in result.flags if f not in submission.flags)]
        results[submission.student] = result
        if on_done:
            on_done(result, submission)
        bar.update()

    def start(submission: Submission) -> Submission:
        ready = prepare(submission)
        if on_start:
            on_start(ready)
        return ready

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
        with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_dies_with_grader, initargs=(os.getpid(),)) as pool:
            running: dict[Any, Submission] = {}
            # Keep only `jobs` tasks in flight: when a worker dies, the suspects are exactly those.
            while queue or running:
                while queue and len(running) < jobs:
                    submission = start(queue.popleft())
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
            submission = start(submission)
            with ProcessPoolExecutor(max_workers=1, initializer=_worker_dies_with_grader, initargs=(os.getpid(),)) as pool:
                try:
                    done(pool.submit(_work, grade, submission, *args).result(), submission)
                except BrokenProcessPool:
                    done(placeholder_result(submission, spec, WORKER_DIED), submission)
                except Exception as error:
                    done(failed(submission, error), submission)
    bar.close()
    return [results[s.student] for s in submissions]


# --------------------------------------------------------------------------- outputs
def status(result: NotebookResult) -> str:
    """``"not graded: see flags"`` when no exercise was reached, else ``"awaiting hand grading"`` while a free
    response has no imported score, else ``"complete"``."""
    if result.questions and all(q.status == NOT_REACHED for q in result.questions):
        return NOT_GRADED
    return COMPLETE if result.manual_score is not None else AWAITING


def grades_frame(results: list[NotebookResult], spec: Any, meta: dict[str, dict] | None = None) -> pd.DataFrame:
    """grades.csv as a table of text.

    Parameters
    ----------
    results : list of NotebookResult
        Graded submissions.
    spec : LessonSpec
        Defines the question columns and the maximum.
    meta : dict, optional
        ``{student: {"lms_user_id": str, "lms_notes": [str]}}`` from intake.

    Returns
    -------
    pandas.DataFrame
        Columns ``student``, ``lms_user_id`` (Canvas user id / Moodle participant id when the upload's names
        hold one), one per question (``q1``..), one per free response (``r1``..), ``auto total``,
        ``manual total`` (blank until every free response of the student is scored), ``total`` (auto plus
        the manual scores imported so far), ``max``, ``status`` (:func:`status`), ``flags`` (grading problems,
        joined by ``"; "``) and ``lms_notes`` (what the LMS said, e.g. late; no penalty applied). Sorted by
        student; text cells escaped with :func:`safe_cell`.
    """
    meta = meta or {}
    ids = [q.grade_id for q in spec.questions] + [r.grade_id for r in spec.free_responses]
    top = sum(q.points for q in spec.questions) + sum(r.points for r in spec.free_responses)
    rows = []
    for result in sorted(results, key=lambda r: r.student):
        info = meta.get(result.student, {})
        scores = {q.grade_id: q.score for q in result.questions} | {r.grade_id: r.score for r in result.free_responses}
        manual_so_far = sum(r.score for r in result.free_responses if r.score is not None)
        rows.append([safe_cell(result.student), safe_cell(info.get("lms_user_id", "")),
                     *(feedback.number(scores.get(i)) for i in ids),
                     feedback.number(result.auto_score), feedback.number(result.manual_score),
                     feedback.number(result.auto_score + manual_so_far), feedback.number(top), status(result),
                     safe_cell("; ".join(result.flags)), safe_cell("; ".join(info.get("lms_notes", [])))])
    columns = ["student", "lms_user_id", *map(column, ids), "auto total", "manual total", "total", "max", "status",
               "flags", "lms_notes"]
    return pd.DataFrame(rows, columns=columns, dtype=str)


def _prepare_gradebook(solution: Path, lesson: str, out: Path) -> dict:
    """Register the lesson; return the manual scores stored by an earlier run (runs beside the grading)."""
    gradebook.register(solution, lesson, out)
    return gradebook.manual_scores(lesson, out)


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as writer:
            writer.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_result(result: NotebookResult, out: Path, meta: dict | None = None) -> Path:
    """Write ``results/<student>.json`` at once and atomically (``meta`` under the key ``"intake"``).

    Parameters
    ----------
    result : NotebookResult
        One graded submission.
    out : pathlib.Path
        Output folder.
    meta : dict, optional
        Intake's facts kept beside the result: ``lms_user_id``, ``lms_notes``, ``sha256`` (of the notebook
        graded: a re-run skips the student while it is unchanged).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = out / "results" / f"{result.student}.json"
    _atomic_write(path, json.dumps({**result.to_json(), "intake": meta or {}}, indent=1, default=str))
    return path


def write_outputs(results: list[NotebookResult], spec: Any, out: Path, store: bool = True,
                  meta: dict[str, dict] | None = None) -> None:
    """Write results/, grades.csv, feedback/ and manual_grading.csv, and store the scores in the gradebook.

    Parameters
    ----------
    results : list of NotebookResult
        Every student of the output folder (manual scores merged in).
    spec : LessonSpec or LessonOutline
        The lesson (questions with their hints, free responses).
    out : pathlib.Path
        Output folder.
    store : bool
        Also write the scores into ``gradebook.db`` (in this process).
    meta : dict, optional
        ``{student: intake facts}`` (see :func:`save_result`).
    """
    meta = meta or {}
    hints = {q.grade_id: getattr(q, "hint", "") or _first_hint(spec, q) for q in spec.questions}
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    for result in results:
        info = meta.get(result.student, {})
        save_result(result, out, info)
        _atomic_write(out / "feedback" / f"{result.student}.html",
                      feedback.render(result, hints=hints, lms_notes=info.get("lms_notes", [])))
    if store:
        gradebook.store(results, spec.lesson, out)
    _atomic_write(out / GRADES, grades_frame(results, spec, meta).to_csv(index=False))
    manual.write_sheet(results, out / SHEET)


def load_results(out: Path) -> list[NotebookResult]:
    """Read ``results/*.json`` of an earlier run (sorted by student); empty when there is none."""
    return list(load_results_with_meta(out)[0].values())


def load_results_with_meta(out: Path) -> tuple[dict[str, NotebookResult], dict[str, dict]]:
    """``({student: result}, {student: intake facts})`` from ``results/*.json``; unreadable files are skipped."""
    results, meta = {}, {}
    for path in sorted((Path(out) / "results").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            info = data.pop("intake", {})
            result = NotebookResult.from_json(data)
        except (ValueError, TypeError, KeyError):
            continue  # half-written by a killed run cannot happen (atomic), but a hand-edited file can
        results[result.student], meta[result.student] = result, info
    return results, meta


def _carry_manual(results: list[NotebookResult], stored: dict, earlier: dict[str, NotebookResult], notes: list[str]) -> None:
    """Keep manual scores from an earlier run for answers whose text is unchanged; flag the others."""
    before = {(r.student, f.grade_id): f.text for r in earlier.values() for f in r.free_responses}
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
            and (feedback.number(stored.get((unsafe_cell(row["student"]), row["question"]), (None, ""))[0]),
                 unsafe_cell(stored.get((unsafe_cell(row["student"]), row["question"]), (None, ""))[1]))
            != (row["score"].strip(), unsafe_cell(row["comment"].strip()))
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
    regrade: bool = False,
    source: str | os.PathLike | None = None,
) -> BatchSummary:
    """Grade submissions and write every output into ``out``, resuming and merging (see the module docstring).

    Parameters
    ----------
    submissions : list of Submission
        From :func:`modlab.grading.intake.collect` (:class:`~modlab.grading.intake.UploadSubmission`: graded
        from the bytes read at intake; plain submissions are graded from their file).
    spec : LessonSpec
        The lesson (:func:`modlab.grading.lesson_spec.load_spec`): ``lesson``, ``solution_path``,
        ``questions`` and ``free_responses``.
    out : str or path-like
        Output folder, created if missing. Its ``work/`` is intake's (``work/intake.csv``).
    jobs, cell_timeout, notebook_timeout, grade, progress
        As for :func:`run_all`.
    regrade : bool
        Grade every submission again, even those with an unchanged notebook and a result.
    source : str or path-like, optional
        The upload given to intake; after grading, its files are checked against the sha256 intake
        recorded in ``out/work/intake.csv``, and a changed file is flagged on its student's row.

    Returns
    -------
    BatchSummary
        Every result in ``out`` (this upload's and kept earlier students'), the wall time in seconds,
        ``newly_graded`` and notes on what was kept, merged or set aside.

    Raises
    ------
    RuntimeError
        From nbgrader, if ``out`` holds a gradebook of another version of the lesson (other grade cells).
    """
    start = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    earlier, meta = load_results_with_meta(out)
    inflight = out / "work" / "inflight"
    stopped = {p.stem: json.loads(p.read_text() or "{}") for p in inflight.glob("*.json")} if inflight.exists() else {}
    shutil.rmtree(inflight, ignore_errors=True)
    turns = out / "work" / "turns"
    shutil.rmtree(turns, ignore_errors=True)
    turns.mkdir(parents=True)
    by_student = {s.student: s for s in submissions}
    outline = LessonOutline.of(spec)

    def facts(submission: Submission) -> dict:
        return {"lms_user_id": getattr(submission, "lms_user_id", ""), "lms_notes": list(getattr(submission, "lms_notes", [])),
                "sha256": getattr(submission, "sha256", "")}

    # Who needs grading: new or changed notebooks, and everyone with --regrade.
    kept, to_grade, again, results = [], [], [], {}
    for submission in submissions:
        sha = getattr(submission, "sha256", "")
        if submission.student in stopped and not regrade:
            if stopped[submission.student].get("alone"):
                results[submission.student] = placeholder_result(submission, spec, STOPPED_ALONE)
                meta[submission.student] = facts(submission)
                save_result(results[submission.student], out, meta[submission.student])
            else:
                submission.flags.append(STOPPED_AGAIN)
                again.append(submission)
        elif (not regrade and sha and submission.student in earlier
              and meta.get(submission.student, {}).get("sha256") == sha):
            results[submission.student] = earlier[submission.student]
            meta[submission.student] = facts(submission)
            kept.append(submission.student)
        else:
            to_grade.append(submission)
        if submission.student in stopped and regrade:
            submission.flags.append(f"{STOPPED}; graded again (--regrade)")
    if earlier:
        notes.append(f"{out} held an earlier run: resumed and merged into it")
    if kept:
        notes.append(f"kept {len(kept)} result(s) of the earlier run whose notebook is unchanged (--regrade grades "
                     "them again)")

    def prepare(submission: Submission) -> Submission:
        """Just before its turn: a fresh copy of the bytes read at intake; a changed working copy is flagged."""
        original = by_student.get(submission.student, submission)
        data = getattr(original, "data", b"")
        if not data or original.notebook is None:
            return submission
        on_disk = Path(original.notebook).read_bytes() if Path(original.notebook).is_file() else b""
        if intake.sha256(on_disk) != original.sha256:
            if COPY_CHANGED not in original.flags:
                original.flags.append(COPY_CHANGED)
            Path(original.notebook).write_bytes(data)
        fresh = turns / f"{original.student}-{secrets.token_hex(8)}.ipynb"
        fresh.write_bytes(data)
        return original.plain(fresh)

    def on_start(submission: Submission) -> None:
        inflight.mkdir(parents=True, exist_ok=True)
        _atomic_write(inflight / f"{submission.student}.json", json.dumps({"alone": current_jobs == 1}))

    def on_done(result: NotebookResult, submission: Submission) -> None:
        original = by_student.get(submission.student, submission)
        meta[result.student] = facts(original)
        save_result(result, out, meta[result.student])  # at once: a killed grader loses nothing graded
        (inflight / f"{submission.student}.json").unlink(missing_ok=True)
        if submission.notebook and Path(submission.notebook).parent == turns:
            fresh = Path(submission.notebook)
            if getattr(original, "sha256", "") and (not fresh.is_file() or intake.sha256(fresh.read_bytes()) != original.sha256):
                result.flags.append(COPY_CHANGED_WHILE)  # the engine may have read other bytes: say so
                save_result(result, out, meta[result.student])
            fresh.unlink(missing_ok=True)

    # nbgrader is slow to import and to create a database (it runs alembic): do it in a process of its own
    # while the notebooks are graded, at low priority so the students' kernels get the CPU first.
    with ProcessPoolExecutor(max_workers=1, initializer=_niced_worker, initargs=(os.getpid(),)) as keeper:
        prepared = keeper.submit(_prepare_gradebook, outline.solution_path, outline.lesson, out)
        options = dict(cell_timeout=cell_timeout, notebook_timeout=notebook_timeout, grade=grade, progress=progress,
                       prepare=prepare, on_start=on_start, on_done=on_done)
        graded: list[NotebookResult] = []
        for group, current_jobs in ((again, 1), (to_grade, jobs)):  # suspects of a stopped run go alone
            if group:
                graded += run_all(group, spec, jobs=current_jobs, **options)
        for result in graded:
            # Intake flags added after the hand-over (a changed working copy) belong on the row too.
            extra = [f for f in by_student[result.student].flags if f not in result.flags]
            result.flags.extend(extra)
        for result in [*graded, *results.values()]:
            for response in result.free_responses:
                if not response.text.strip() and response.score is None:
                    response.score = 0.0  # as nbgrader does: nothing written, nothing to grade by hand
        results.update({r.student: r for r in graded})
        _check_upload(source, out, submissions, results, notes)
        for submission in submissions:  # leave the honest copies in work/submissions
            data = getattr(submission, "data", b"")
            if data and submission.notebook and (not Path(submission.notebook).is_file()
                                                 or Path(submission.notebook).read_bytes() != data):
                Path(submission.notebook).write_bytes(data)
        shutil.rmtree(turns, ignore_errors=True)
        others = sorted(set(earlier) - set(results))
        if others:
            shown = ", ".join(others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
            notes.append(f"merged by student: kept {len(others)} student(s) of earlier runs who are not in this "
                         f"upload ({shown})")
        everyone = {**{s: earlier[s] for s in others}, **results}
        stored = prepared.result()
        outline.save(out)
        _set_aside_unimported_sheet(out, stored, notes)
        _carry_manual(graded, stored, earlier, notes)
        final = [everyone[s] for s in sorted(everyone)]
        write_outputs(final, outline, out, store=False, meta=meta)
        keeper.submit(gradebook.store, final, outline.lesson, out).result()
    ran = sum(by_student[r.student].notebook is not None for r in graded)
    return BatchSummary(out, final, time.perf_counter() - start, notes, newly_graded=ran)


def _check_upload(source: str | os.PathLike | None, out: Path, submissions: list[Submission],
                  results: dict[str, NotebookResult], notes: list[str]) -> None:
    """After grading: flag students whose files in the upload no longer have the bytes intake read."""
    if source is None or not (out / "work" / intake.REPORT_NAME).exists():
        return
    changed = intake.verify_upload(source, intake.read_report(out / "work"))
    if not changed:
        return
    by_student: dict[str, list[str]] = {}
    for record in changed:
        by_student.setdefault(record.student, []).append(record.file)
    for student, files in by_student.items():
        if student in results:
            results[student].flags.append(UPLOAD_CHANGED.format(files=", ".join(files)))
    notes.append(f"the upload changed while grading ({len(changed)} file(s)): possible tampering; the affected "
                 "students are flagged and were graded from the bytes read before grading began")


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
        All results with the manual scores merged; ``notes[0]`` says how many hand scores were imported
        and how many blank answers were already 0.

    Raises
    ------
    FileNotFoundError
        If ``out`` holds no graded results.
    modlab.grading.manual.ManualSheetError
        If the sheet has problems (each with its row number); nothing is imported then.
    """
    start = time.perf_counter()
    out = Path(out)
    by_student, meta = load_results_with_meta(out)
    results = list(by_student.values())
    if not results or not (out / OUTLINE).exists():
        raise FileNotFoundError(f"{out} holds no graded results (run `modlab grade` into it first)")
    scores = manual.read_sheet(sheet, results)
    imported = blank = 0
    for result in results:
        for response in result.free_responses:
            if (result.student, response.grade_id) in scores:
                response.score, response.comment = scores[result.student, response.grade_id]
                if not response.text.strip() and response.score == 0 and not response.comment:
                    blank += 1  # a blank answer's 0 was given automatically
                else:
                    imported += response.score is not None
    write_outputs(results, LessonOutline.load(out), out, meta=meta)
    return BatchSummary(out, results, time.perf_counter() - start,
                        [f"imported {imported} hand score(s) from {sheet}; {blank} blank answer(s) were already 0"])
