"""Grade one submission: run it in a sandboxed kernel, export the answers, test them in the grader's process.

The decision that a question passed is never made by code the student can reach (issue #8):

1. The student's notebook is read with nbformat (any version, converted to v4). An unreadable file is
   flagged and every question is "not reached"; nothing raises.
2. The notebook to run is the student's own cell sequence (scratch cells stay: they may define helpers),
   except that every check cell (matched by nbgrader ``grade_id``, then by cell id, then by its exact source
   when an editor dropped metadata and ids: :func:`match_cells`) becomes an *export cell*; a deleted check
   cell is put back after its answer cell, an edited one is replaced anyway; both are flagged.
3. It runs with nbclient in a fresh temporary folder holding only that notebook, in a kernel started by
   :mod:`modlab.grading.sandbox` (resource limits, reduced environment), with per-cell and per-notebook
   timeouts and capped output. Answers are exported by :mod:`modlab.grading.export` through the execute
   reply's ``user_expressions``, so printed text, output hooks and input transformers cannot forge them.
   A notebook can still replace the exporter; that only chooses which *value* is graded (as typing it
   would), and a record that is not well-formed plain data of a sensible size is "not plain data". Answers
   that cannot be read at all are flagged. At teardown nothing the notebook started is left running
   (the supervisor's subreaper teardown, then a sweep for the sandbox's HOME).
4. Each hidden test runs here, in a fresh namespace ``{math, np, pd, data, <name>: exported value}``; the
   learner's message comes from the kit's own question object (``Question.evaluate``), never from test text.

:func:`execute_bare` runs the same notebook with plain nbclient (no grading) and :func:`measure_overhead`
compares the two, for the "grading costs at most 1.2x execution" target.

Sources: nbclient (https://nbclient.readthedocs.io), nbformat (https://nbformat.readthedocs.io), the Jupyter
messaging protocol's ``user_expressions`` (https://jupyter-client.readthedocs.io/en/stable/messaging.html).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from modlab.grading.export import MAX_INT_DIGITS, MAX_JSON_CHARS, MIME
from modlab.grading.lesson_spec import LessonSpec, QuestionSpec
from modlab.grading.model import (
    CORRECT,
    INCORRECT,
    NOT_ANSWERED,
    NOT_PLAIN_DATA,
    NOT_REACHED,
    FreeResponse,
    NotebookResult,
    QuestionResult,
    Submission,
)
from modlab.grading.sandbox import EXPORT_NAME_ENV

__all__ = [
    "DEFAULT_FILE_SIZE_LIMIT",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_OUTPUT_LIMIT",
    "OverheadReport",
    "execute_bare",
    "grade_submission",
    "measure_overhead",
    "run_notebook",
]

#: Output kept per cell, in bytes; the rest is dropped (the grader reads no output, only error names).
DEFAULT_OUTPUT_LIMIT = 1_000_000
#: Kernel address-space limit. A lesson kernel (numpy, pandas, matplotlib, scipy) maps ~1.5 GB.
DEFAULT_MEMORY_LIMIT = 4 * 2**30
#: Largest file a notebook may write.
DEFAULT_FILE_SIZE_LIMIT = 200 * 2**20
_MAX_ERROR_FLAGS = 5
_EXPORT_KEY = "modlab_export"  # cell metadata key marking the export cells the engine inserts


# --------------------------------------------------------------------------------------------- reading
def _source(cell: Any) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _grade_id(cell: Any) -> str | None:
    grading = cell.get("metadata", {}).get("nbgrader") or {}
    return grading.get("grade_id") if isinstance(grading, dict) else None


def _read(path: Path | None) -> tuple[Any, str]:
    """The notebook as v4, or ``(None, reason)``; never raises."""
    if path is None:
        return None, "no notebook was submitted"
    try:
        with _quiet_nbformat():
            nb = nbformat.read(str(path), as_version=4)
        nb.cells  # noqa: B018 - a JSON file that is no notebook fails here
        return nb, ""
    except Exception as err:  # corrupt, truncated, not JSON, unknown version: all "unreadable"
        return None, f"the notebook could not be read ({type(err).__name__}: {str(err)[:120]})"


@contextlib.contextmanager
def _quiet_nbformat() -> Any:
    """Silence nbformat's warnings on students' notebooks (duplicate or missing cell ids): they would print over
    the progress bar, and grading does not depend on ids being unique."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"nbformat(\.|$)")
        warnings.filterwarnings("ignore", category=getattr(nbformat.warnings, "DuplicateCellId", UserWarning))
        warnings.filterwarnings("ignore", category=getattr(nbformat.warnings, "MissingIDFieldWarning", UserWarning))
        yield


def _find(cells: list, grade_id: str, cell_id: str | None) -> int | None:
    """Index of the cell with this nbgrader grade id, else with this cell id."""
    for index, cell in enumerate(cells):
        if _grade_id(cell) == grade_id:
            return index
    if cell_id:
        for index, cell in enumerate(cells):
            if cell.get("id") == cell_id:
                return index
    return None


def _handed_out_cell(spec: LessonSpec, grade_id: str) -> Any:
    index = _find(spec.handed_out.cells, grade_id, None)
    return None if index is None else spec.handed_out.cells[index]


#: The one neutral flag for a notebook whose editor dropped the nbgrader metadata.
METADATA_MISSING = "grading metadata was missing; cells were matched by their ids"


@dataclass
class _Matches:
    """Where the lesson's graded cells are in a student's notebook."""

    index: dict[str, int]   # grade id ("q1-answer", "q1-check", "r1", locked cells) -> cell index
    by_content: bool        # some cell had neither its grade id nor its id: matched by content
    without_metadata: bool  # some cell was found without its nbgrader grade id


def match_cells(cells: list, spec: LessonSpec) -> _Matches:
    """Find the lesson's graded cells in a student's notebook; never guesses a check cell.

    Each graded cell of the handed-out notebook is matched by nbgrader grade id, else by cell id (the kit's
    graded cells have ids such as ``q1-answer``), else, for a notebook re-saved by an editor that dropped
    metadata and ids: a check cell by its exact handed-out source (``ex.q1.check(name)``), an answer or free
    response cell as the cell of its type right after the handed-out cell before it (the exercise's heading).

    Parameters
    ----------
    cells : list of nbformat.NotebookNode
        The student's cells.
    spec : LessonSpec
        The lesson.

    Returns
    -------
    _Matches
    """
    handed = spec.handed_out.cells
    taken: set[int] = set()
    found: dict[str, int] = {}
    by_content = without_metadata = False
    graded = [(i, _grade_id(c)) for i, c in enumerate(handed) if _grade_id(c)]
    ids = {cell.get("id"): i for i, cell in reversed(list(enumerate(cells))) if cell.get("id")}
    for _, grade_id in graded:
        index = next((i for i, c in enumerate(cells) if _grade_id(c) == grade_id), None)
        if index is not None:
            found[grade_id] = index
            taken.add(index)
    for position, grade_id in graded:  # by cell id
        index = ids.get(handed[position].get("id"))
        if grade_id not in found and index is not None and index not in taken and not _grade_id(cells[index]):
            found[grade_id], without_metadata = index, True
            taken.add(index)
    sources: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        sources.setdefault(_source(cell).strip(), []).append(i)
    locked = [(p, g) for p, g in graded if (handed[p].metadata.get("nbgrader") or {}).get("locked")]
    unlocked = [(p, g) for p, g in graded if (p, g) not in locked]
    for position, grade_id in locked + unlocked:  # locked cells (checks) first: by their exact source
        if grade_id in found:
            continue
        cell = handed[position]
        if (cell.metadata.get("nbgrader") or {}).get("locked"):
            free = [i for i in sources.get(_source(cell).strip(), []) if i not in taken and not _grade_id(cells[i])]
            index = free[0] if len(free) == 1 else None
        else:  # the cell right after the handed-out cell before it (its heading), if that is unchanged
            before = _source(handed[position - 1]).strip() if position else None
            anchors = sources.get(before, []) if before else []
            index = anchors[0] + 1 if len(anchors) == 1 else None
            if index is not None and (index >= len(cells) or index in taken or _grade_id(cells[index])
                                      or cells[index].cell_type != cell.cell_type):
                index = None
        if index is not None:
            found[grade_id], by_content, without_metadata = index, True, True
            taken.add(index)
    return _Matches(found, by_content, without_metadata)


def _metadata_flag(matches: _Matches) -> list[str]:
    if not matches.without_metadata:
        return []
    return [METADATA_MISSING + (" and contents" if matches.by_content else "")]


def free_responses(nb: Any, spec: LessonSpec) -> tuple[list[FreeResponse], list[str]]:
    """The student's free-response texts beside the rubric, and flags.

    Parameters
    ----------
    nb : nbformat.NotebookNode or None
        The student's notebook; None when it could not be read (every text is then ``""``, unflagged).
    spec : LessonSpec
        The lesson.

    Returns
    -------
    list of FreeResponse
        One per free response of the lesson, in order; the handed-out placeholder counts as ``""``.
    list of str
        Flags for free-response cells missing from the notebook.
    """
    flags: list[str] = []
    found = []
    matches = None if nb is None else match_cells(nb.cells, spec)
    for response in spec.free_responses:
        index = None if matches is None else matches.index.get(response.grade_id)
        text = "" if index is None else _source(nb.cells[index]).strip()
        if nb is not None and index is None:
            flags.append(f"free response {response.grade_id} ({response.label}) is missing from the notebook")
        if text == response.placeholder.strip():
            text = ""
        found.append(FreeResponse(response.grade_id, response.label, response.points, text, response.rubric))
    return found, flags


# ------------------------------------------------------------------------------------------- building
@dataclass
class _Plan:
    nb: Any                       # the notebook to run
    exports: dict[int, QuestionSpec]  # run-cell index -> question exported there
    origin: list[int | None]      # run-cell index -> the student's cell number (1-based), None if inserted
    flags: list[str]
    kinds: list[str] = None       # run-cell index -> how a flag names it ("the answer cell of Exercise 3 (cell 18)")


def _export_cell(question: QuestionSpec) -> Any:
    # The source is only a comment: the export itself is a user_expression of this cell's request.
    cell = nbformat.v4.new_code_cell(f"# modlab grading: export `{question.name}` for {question.grade_id}")
    cell.metadata[_EXPORT_KEY] = question.grade_id
    return cell


def build_run_notebook(nb: Any, spec: LessonSpec) -> _Plan:
    """The notebook to run: the student's cells with every check cell replaced by an export cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The student's notebook (v4); not modified.
    spec : LessonSpec
        The lesson.

    Returns
    -------
    _Plan
        The notebook (outputs cleared), where the export cells are, and flags (edited or deleted check
        cells, edited locked cells).
    """
    flags: list[str] = []
    cells = [nbformat.from_dict(dict(cell)) for cell in nb.cells]
    origin: list[int | None] = list(range(1, len(cells) + 1))
    matches = match_cells(cells, spec)
    flags += _metadata_flag(matches)
    checks: dict[int, QuestionSpec] = {}
    for question in spec.questions:
        index = matches.index.get(question.grade_id)
        if index is not None and index not in checks:
            if _source(cells[index]).strip() != question.check_source.strip():
                flags.append(f"check cell {question.grade_id} was edited; the original was used")
            checks[index] = question
    # Locked cells that are not check cells: edits are the instructor's business, not a reason to refuse.
    for handed in spec.handed_out.cells:
        grading = handed.get("metadata", {}).get("nbgrader") or {}
        gid = grading.get("grade_id")
        if grading.get("locked") and not any(q.grade_id == gid for q in spec.questions):
            index = matches.index.get(gid)
            if index is not None and _source(cells[index]).strip() != _source(handed).strip():
                flags.append(f"locked cell {gid} was edited")
    answers = {matches.index[q.answer_grade_id]: q for q in spec.questions if q.answer_grade_id in matches.index}

    run_cells: list[Any] = []
    run_origin: list[int | None] = []
    exports: dict[int, QuestionSpec] = {}
    missing = [q for q in spec.questions if q not in checks.values()]
    for index, cell in enumerate(cells):
        if index in checks:
            exports[len(run_cells)] = checks[index]
            run_cells.append(_export_cell(checks[index]))
            run_origin.append(origin[index])
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        run_cells.append(cell)
        run_origin.append(origin[index])
        for question in [q for q in missing if answers.get(index) is q]:
            flags.append(f"check cell {question.grade_id} was deleted; it was put back after its answer cell")
            missing.remove(question)
            exports[len(run_cells)] = question
            run_cells.append(_export_cell(question))
            run_origin.append(None)
    for question in missing:  # neither check nor answer cell: check whatever the notebook defined by the end
        flags.append(f"check cell {question.grade_id} and its answer cell were deleted; checked at the end")
        exports[len(run_cells)] = question
        run_cells.append(_export_cell(question))
        run_origin.append(None)
    run_nb = nbformat.v4.new_notebook(cells=run_cells, metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    kinds = _cell_kinds(cells, spec, matches, answers, checks)
    run_kinds = [kinds[o - 1] if o else "" for o in run_origin]
    return _Plan(run_nb, exports, run_origin, flags, run_kinds)


def _short(label: str) -> str:
    """ "Exercise 3: whose opinion" -> "Exercise 3". """
    return label.split(":", 1)[0].strip()


def _cell_kinds(cells: list, spec: LessonSpec, matches: _Matches, answers: dict, checks: dict) -> list[str]:
    """How to name each student cell in a flag: whose answer cell it is, or after which exercise it sits."""
    handed_ids = {c.get("id") for c in spec.handed_out.cells if c.get("id")}
    handed_sources = {_source(c).strip() for c in spec.handed_out.cells if _source(c).strip()}
    kinds, last = [], ""
    for index, cell in enumerate(cells):
        number = index + 1
        if index in answers:
            last = _short(answers[index].label)
            kinds.append(f"the answer cell of {last} (cell {number})")
            continue
        if index in checks:
            last = _short(checks[index].label)
            kinds.append(f"the check cell of {last} (cell {number})")
            continue
        where = f"after {last}" if last else "before Exercise 1"
        lesson_cell = cell.get("id") in handed_ids or _source(cell).strip() in handed_sources
        kinds.append(f"the lesson's cell {number} ({where})" if lesson_cell
                     else f"a cell you added {where} (cell {number})")
    return kinds


# ------------------------------------------------------------------------------------------- running
def _kernel_manager(argv: list[str]) -> Any:
    """An AsyncKernelManager whose kernel command is ``argv`` (no kernelspec lookup; see notebook_runner)."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpec(argv=argv, display_name="modlab grading", language="python")

    class _OneSpec(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: ARG002
            return spec

    class _TeardownManager(AsyncKernelManager):
        async def _async_kill_kernel(self, restart: bool = False) -> None:
            # SIGTERM first: the supervisor kills the kernel and everything it started (see sandbox);
            # the usual SIGKILL of the process group alone would leave detached processes running.
            terminate_sandbox(getattr(self.provisioner, "process", None))
            await super()._async_kill_kernel(restart=restart)

    # "python3" keeps jupyter_client's ipykernel handling (in-memory history file) on.
    return _TeardownManager(kernel_name="python3", kernel_spec_manager=_OneSpec())


def terminate_sandbox(process: Any, timeout: float = 10.0) -> None:
    """Ask a sandbox supervisor (a ``subprocess.Popen``) to kill its kernel and descendants, and wait for it."""
    if process is None or process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(timeout)
    except Exception:  # still there: the kernel manager's SIGKILL of the group follows
        pass


def _kill_leftovers(home: str, timeout: float = 5.0) -> int:
    """SIGKILL every process of this user still running with this sandbox's HOME; the number killed.

    Backstop for the supervisor's own teardown (:mod:`modlab.grading.sandbox`): a notebook that kills its
    supervisor first would leave its detached processes with nobody to reap them. They inherited the sandbox
    environment, whose HOME is a fresh folder per run, so they are found by it (Linux ``/proc``).
    """
    marker, uid, me = f"HOME={home}".encode(), os.getuid(), os.getpid()
    killed, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = 0
        try:
            names = [name for name in os.listdir("/proc") if name.isdigit() and int(name) != me]
        except OSError:  # no /proc: nothing to sweep
            return killed
        for name in names:
            try:
                if os.stat(f"/proc/{name}").st_uid != uid:
                    continue
                with open(f"/proc/{name}/environ", "rb") as environ:
                    if marker not in environ.read().split(b"\0"):
                        continue
                os.kill(int(name), 9)
                found += 1
            except OSError:  # gone, a zombie without environ, or not ours
                pass
        killed += found
        if not found:
            return killed
        time.sleep(0.05)
    return killed


def _sandbox_env(workdir: Path, export_name: str) -> dict[str, str]:
    """Reduced environment: PATH, LANG, the data folder, and HOME & config folders inside ``workdir``."""
    from modlab import corpora

    home = workdir / ".home"
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        # Resolved here so the kernel finds the same cache even though HOME moves.
        "MODLAB_DATA_DIR": str(corpora.data_dir()),
        "HOME": str(home),
        "IPYTHONDIR": str(home / ".ipython"),
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "TMPDIR": str(home / "tmp"),
        "PYTHONNOUSERSITE": "1",
        EXPORT_NAME_ENV: export_name,
    }
    for name in ("LC_ALL", "TZ", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if name in os.environ:
            env[name] = os.environ[name]
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    _seed_matplotlib_cache(home / ".matplotlib")
    return env


@functools.lru_cache(maxsize=1)
def _matplotlib_font_caches() -> tuple[Path, ...]:
    try:
        import matplotlib

        return tuple(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
    except Exception:  # no cache to share: matplotlib builds one (about a second)
        return ()


def _seed_matplotlib_cache(folder: Path) -> None:
    """Copy the grader's matplotlib font list into the sandbox: rebuilding it costs ~1 s per notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    for cache in _matplotlib_font_caches():
        shutil.copyfile(cache, folder / cache.name)


def _client_class() -> type:
    from nbclient import NotebookClient

    class _GradingClient(NotebookClient):
        """nbclient with output capped per cell and widget/comm state ignored (the grader reads neither)."""

        output_limit = DEFAULT_OUTPUT_LIMIT
        dropped: set[int]

        def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001 - nbclient's signature
            # Nothing is kept (errors are read from the execute replies): memory stays flat whatever a
            # cell prints; only the size is counted, to flag enormous output.
            content = msg["content"]
            # Cheap estimate (no re-serialising): stream text, or the sizes of a display's representations.
            grown = len(content.get("text") or "") + sum(len(str(v)) for v in (content.get("data") or {}).values())
            size = self._sizes.get(cell_index, 0) + grown
            self._sizes[cell_index] = size
            if size > self.output_limit:
                self.dropped.add(cell_index)
            return None

        def handle_comm_msg(self, outs, msg, cell_index):  # noqa: ANN001
            return None

    return _GradingClient


# nbclient logs every dead kernel and timeout as an error; here they are expected and become flags.
_QUIET_LOG = logging.getLogger(f"{__name__}.nbclient")
_QUIET_LOG.setLevel(logging.CRITICAL)


class _Stop(Exception):
    """Stop running the notebook (raised from nbclient's hooks); the argument is the reason."""


@dataclass
class _Run:
    replies: dict[int, dict]      # run-cell index -> execute reply content
    errors: dict[int, str]        # run-cell index -> ename of the error reply
    dropped: set[int]             # cells whose output passed the limit
    stopped: str                  # why execution ended early ("" if it did not)
    stopped_at: int               # first run-cell index not executed (len(cells) if all ran)
    stopped_cell: int             # run-cell index running (or calling exit()) when it stopped; -1 before any
    seconds: float


def run_notebook(
    nb: Any,
    workdir: Path,
    *,
    export_cells: dict[int, str] | None = None,
    export_name: str = "",
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    output_limit_bytes: int = DEFAULT_OUTPUT_LIMIT,
    memory_limit_bytes: int = DEFAULT_MEMORY_LIMIT,
    file_size_limit_bytes: int = DEFAULT_FILE_SIZE_LIMIT,
) -> _Run:
    """Run a notebook in the sandboxed kernel, asking export cells for their answer; never raises.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook to run (v4); no outputs are kept (see ``_GradingClient.output``).
    workdir : pathlib.Path
        Empty folder: the kernel's working folder, HOME and temp folder.
    export_cells : dict of int to str, optional
        Run-cell index -> declared answer name to export after that cell.
    export_name : str
        Name the exporter is installed under in the kernel's builtins.
    cell_timeout, notebook_timeout : float
        Seconds per cell (interrupted, then execution goes on; two timeouts in a row stop the run) and for
        the whole run (then the kernel is killed).
    output_limit_bytes, memory_limit_bytes, file_size_limit_bytes : int
        Output per cell above which the cell is flagged; kernel address space; largest file it may write.

    Returns
    -------
    _Run
        Execute replies (with ``user_expressions``) by cell, error names, cells with too much output, why
        and where it stopped, and the wall time from kernel start to shutdown.
    """
    from nbclient.exceptions import DeadKernelError

    export_cells = export_cells or {}
    argv = [sys.executable, "-m", "modlab.grading.sandbox", "--memory", str(int(memory_limit_bytes)),
            "--file-size", str(int(file_size_limit_bytes)), "-f", "{connection_file}"]
    replies: dict[int, dict] = {}
    state = {"index": -1, "killed": False, "pid": None, "timed_out": False}
    too_long = f"the notebook took longer than {notebook_timeout:g} s and was stopped"
    deadline = time.monotonic() + notebook_timeout

    def on_notebook_start(notebook: Any) -> None:
        process = getattr(getattr(client.km, "provisioner", None), "process", None)
        state["pid"] = getattr(process, "pid", None)
        original = client.kc.execute

        def execute(code: str, *args: Any, **kwargs: Any) -> str:
            name = export_cells.get(state["index"])
            if name is not None:  # the export: evaluated after the cell, answered in the reply
                kwargs["user_expressions"] = {"export": f"{export_name}({name!r})"}
            return original(code, *args, **kwargs)

        client.kc.execute = execute
        # Backstop for a kernel that no longer answers at all; the hooks below normally stop it first.
        watchdog[0] = threading.Timer(max(0.0, deadline - time.monotonic()) + 5.0, kill)
        watchdog[0].daemon = True
        watchdog[0].start()

    def on_cell_execute(cell: Any, cell_index: int) -> None:
        state["index"] = cell_index

    def on_cell_executed(cell: Any, cell_index: int, execute_reply: Any) -> None:
        content = dict((execute_reply or {}).get("content", {}))
        replies[cell_index] = content
        # exit()/quit() only *ask* the front end to stop the kernel (an "ask_exit" payload), which then
        # dies at a random later moment; stop here, as JupyterLab would, so the grade does not depend on it.
        if any(p.get("source") == "ask_exit" and not p.get("keepkernel") for p in content.get("payload") or []):
            raise _Stop("the notebook called exit() or quit(), which stops the kernel")
        timed_out = content.get("ename") == "CellTimeoutError"
        if timed_out and time.monotonic() >= deadline - 0.5:
            raise _Stop(too_long)
        if timed_out and state["timed_out"]:
            # Two timeouts in a row: the interrupt did not stop the first cell (it swallows KeyboardInterrupt),
            # so every later cell would only queue behind it.
            raise _Stop("the kernel stopped responding after a cell timed out (it ignored the interrupt)")
        state["timed_out"] = timed_out

    def kill() -> None:
        # A cell that ignores interrupts (or a notebook that is just too long) ends here.
        state["killed"] = True
        terminate_sandbox(getattr(getattr(client.km, "provisioner", None), "process", None), timeout=5)
        pid = state["pid"]
        if pid:
            try:
                group = os.getpgid(pid)
                if group != os.getpgrp():  # jupyter_client starts kernels in their own session; never kill ours
                    os.killpg(group, 9)
            except OSError:
                pass

    watchdog: list[threading.Timer | None] = [None]
    client = _client_class()(
        nb,
        km=_kernel_manager(argv),
        timeout=None,
        timeout_func=lambda cell: max(1, int(min(cell_timeout, deadline - time.monotonic()) + 0.999)),
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": f"no reply within {cell_timeout:g} s", "traceback": []},
        allow_errors=True,
        iopub_timeout=4,
        record_timing=False,
        shutdown_kernel="immediate",  # nothing to save in a sandbox: kill it rather than wait for it
        resources={"metadata": {"path": str(workdir)}},
        on_notebook_start=on_notebook_start,
        on_cell_execute=on_cell_execute,
        on_cell_executed=on_cell_executed,
        log=_QUIET_LOG,
    )
    client.output_limit = output_limit_bytes
    client._sizes, client.dropped = {}, set()
    client.widget_registry = {}  # see notebook_runner: widget emulation stalls nbclient
    stopped = ""
    start = time.perf_counter()
    try:
        # The kernel's own stdout/stderr (start-up noise, os.write(2, ...)) must not flood the grader's terminal.
        client.execute(cleanup_kc=True, env=_sandbox_env(workdir, export_name),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except _Stop as stop:
        stopped = str(stop)
    except DeadKernelError:
        stopped = (too_long if state["killed"]
                   else "the kernel died (for example os._exit(), a crash or a killed process)")
    except Exception as err:  # kernel did not start, or anything else: never raise for a submission
        stopped = f"the notebook could not be run ({type(err).__name__}: {str(err)[:160]})"
    finally:
        if watchdog[0] is not None:
            watchdog[0].cancel()
        seconds = time.perf_counter() - start
    # Where it stopped: the cell running when the kernel went away (never replied) and everything after.
    stopped_at = len(nb.cells) if not stopped else max(state["index"], 0)
    if stopped and state["index"] in replies:
        stopped_at = state["index"] + 1
    errors = {i: str(r.get("ename", "")) for i, r in replies.items() if r.get("status") == "error"}
    if stopped == too_long:  # the cell cut short by the notebook's deadline did not time out on its own
        errors.pop(state["index"], None)
    return _Run(replies, errors, set(client.dropped), stopped, stopped_at, state["index"], seconds)


# ------------------------------------------------------------------------------------------- grading
def hidden_tests_pass(question: QuestionSpec, value: Any) -> bool:
    """Run a question's hidden tests in this process, in a fresh namespace; the grader's only pass/fail rule.

    Parameters
    ----------
    question : QuestionSpec
        Its ``hidden_tests`` code (from the solution notebook) reads ``question.name``, ``math``, ``np``,
        ``pd`` and ``data`` (:mod:`modlab.data`) only.
    value : object
        The answer as plain data (numbers, strings, bools, None, lists and dicts of these).

    Returns
    -------
    bool
        True when the code runs through; any exception (not only AssertionError) means failed.
    """
    import numpy as np
    import pandas as pd

    from modlab import data

    namespace = {"math": math, "np": np, "pd": pd, "data": data, question.name: value}
    try:
        exec(question.hidden_tests, namespace)  # noqa: S102 - the instructor's own solution notebook
    except Exception:
        return False
    return True


#: Longest answer shown to people (in a message or feedback), in characters.
SHOWN_CHARS = 200
_MAX_INT_DIGITS = MAX_INT_DIGITS
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """Text fit to show a person: control characters (NUL, escapes) removed, cut at ``limit`` characters."""
    text = _CONTROL.sub("", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _shown_answer(value: Any) -> Any:
    """The answer as kept in the result and shown in feedback: long or control-laden text made readable."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, (list, dict)):
        text = json.dumps(value)
        return value if len(text) <= SHOWN_CHARS and not _CONTROL.search(text) else shown(text)
    return value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise ValueError(f"an integer with more than {_MAX_INT_DIGITS} digits")
    return int(text)


def _load(record: dict) -> Any:
    """The value of a ``value`` record; ValueError when it is not plain data of a sensible size."""
    text = record.get("json")
    if not isinstance(text, str):
        raise ValueError("no JSON text")
    if len(text) > MAX_JSON_CHARS:
        raise ValueError("too large")
    try:
        return json.loads(text, parse_int=_parse_int)
    except (ValueError, RecursionError) as err:  # malformed, huge integers, nested too deeply
        raise ValueError(str(err)[:120]) from None


#: Marks a reply whose export could not be read (no record): the notebook changed the kernel.
_UNREADABLE = "this exercise's answer could not be read from the kernel (the notebook changed how the kernel works)."


def _judge(question: QuestionSpec, spec: LessonSpec, reply: dict | None, why_not_reached: str) -> QuestionResult:
    """The verdict on one question from its export cell's reply; never raises, never trusts the record."""
    result = QuestionResult(question.grade_id, question.label, question.points, 0.0, NOT_REACHED)
    if reply is None:
        result.message = why_not_reached
        return result
    expression = (reply.get("user_expressions") or {}).get("export") or {}
    data = expression.get("data") if isinstance(expression, dict) and expression.get("status") == "ok" else None
    record = data.get(MIME) if isinstance(data, dict) else None
    if not isinstance(record, dict):
        # The exporter was deleted or replaced, or the kernel no longer answers user_expressions.
        result.message = _UNREADABLE
        return result
    kind = record.get("kind")
    if kind == "missing":
        result.status = NOT_ANSWERED
        result.message = f"`{question.name}` was not defined when this exercise was checked: run your answer cell."
    elif kind == "ellipsis":
        result.status = NOT_ANSWERED
        result.message = _kit_message(question, spec, ...)
    elif kind == "value":
        try:
            value = _load(record)
        except ValueError as err:
            result.status = NOT_PLAIN_DATA
            result.message = _not_plain_message(question, record.get("type"), str(err))
            return result
        passed = hidden_tests_pass(question, value)
        result.status = CORRECT if passed else INCORRECT
        result.score = question.points if passed else 0.0
        result.message = _kit_message(question, spec, value)
        result.answer = _shown_answer(value)
    else:
        result.status = NOT_PLAIN_DATA
        result.message = _not_plain_message(question, record.get("type"), record.get("why"))
    return result


def _not_plain_message(question: QuestionSpec, kind: Any, why: Any) -> str:
    kind = shown(kind if isinstance(kind, str) else "value", 40)
    why = shown(why if isinstance(why, str) else "", 80)
    if "digits" in why:
        return (f"`{question.name}` is an integer too large to grade ({why}): "
                "make it a number of sensible size, as the exercise asks.")
    if why == "too large":
        return f"`{question.name}` is too large to grade: make it a number or short text, as the exercise asks."
    return f"`{question.name}` is a {kind}, which cannot be graded: make it a number or text, as the exercise asks."


def _kit_message(question: QuestionSpec, spec: LessonSpec, value: Any) -> str:
    """The kit's own message for this answer, made fit to show; a kit that chokes on odd data says so."""
    try:
        message = spec.question_object(question).evaluate(value).message
        if isinstance(value, str) and value != shown(value):  # the kit repeats the answer: shorten it there
            message = message.replace(repr(value), repr(shown(value))).replace(value, shown(value))
        return shown(message, 4 * SHOWN_CHARS)
    except Exception:
        return "this answer could not be checked: make it a number or text, as the exercise asks."


def grade_submission(
    submission: Submission,
    spec: LessonSpec,
    *,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    output_limit_bytes: int = DEFAULT_OUTPUT_LIMIT,
    memory_limit_bytes: int = DEFAULT_MEMORY_LIMIT,
    file_size_limit_bytes: int = DEFAULT_FILE_SIZE_LIMIT,
) -> NotebookResult:
    """Grade one student's notebook; never raises for anything the submission does.

    Parameters
    ----------
    submission : Submission
        ``notebook`` is the working copy to grade (never modified); ``None`` when nothing was found.
    spec : LessonSpec
        The lesson, from :func:`modlab.grading.lesson_spec.load_spec`.
    cell_timeout : float, default 60
        Seconds a cell may run before it is interrupted (flagged; execution goes on).
    notebook_timeout : float, default 600
        Seconds for the whole run; then the kernel is killed and later questions are "not reached".
    output_limit_bytes : int, default 1_000_000
        Output counted per cell before it is flagged as enormous; no output is kept in memory.
    memory_limit_bytes : int, default 4 GiB
        Kernel address-space limit (``RLIMIT_AS``).
    file_size_limit_bytes : int, default 200 MiB
        Largest file the kernel may write (``RLIMIT_FSIZE``).

    Returns
    -------
    NotebookResult
        One :class:`QuestionResult` per auto-graded question and one :class:`FreeResponse` per free
        response, in the lesson's order; ``flags`` holds the engine's findings only (the submission's own
        intake flags stay on the submission); ``execution_seconds`` is the kernel run,
        ``grading_seconds`` the whole call.

    Notes
    -----
    Statuses: CORRECT/INCORRECT from the hidden tests run in this process on the exported value;
    NOT_ANSWERED for the ``...`` placeholder or an undefined name; NOT_PLAIN_DATA when the answer is not
    numbers/strings/bools/None/lists/dicts (or too large: 10**6 JSON characters, integers of over 1000
    digits); NOT_REACHED when the notebook was unreadable or stopped first, or the answer could not be read
    from the kernel (flagged). Answers and messages kept for people are cut to :data:`SHOWN_CHARS`
    characters without control characters.
    """
    start = time.perf_counter()
    result = NotebookResult(student=submission.student, lesson=spec.lesson)
    workdir: Path | None = None
    try:
        nb, unreadable = _read(submission.notebook)
        result.free_responses, response_flags = free_responses(nb, spec)
        if nb is None:
            result.flags.append(unreadable)
            result.questions = [_judge(q, spec, None, unreadable) for q in spec.questions]
            return result
        plan = build_run_notebook(nb, spec)
        result.flags += plan.flags + response_flags
        workdir = Path(tempfile.mkdtemp(prefix="modlab-grade-"))
        with _quiet_nbformat():
            nbformat.write(nb, str(workdir / f"{spec.lesson}.ipynb"))  # the only notebook in the folder
        with _quiet_nbformat():
            run = run_notebook(
                plan.nb, workdir,
                export_cells={i: q.name for i, q in plan.exports.items()},
                export_name=f"_modlab_export_{secrets.token_hex(8)}",
                cell_timeout=cell_timeout, notebook_timeout=notebook_timeout, output_limit_bytes=output_limit_bytes,
                memory_limit_bytes=memory_limit_bytes, file_size_limit_bytes=file_size_limit_bytes,
            )
        result.execution_seconds = run.seconds
        result.flags += _run_flags(run, plan)
        reason = f"not reached: {run.stopped}" if run.stopped else "not reached"
        by_grade_id = {q.grade_id: i for i, q in plan.exports.items()}
        result.questions = [
            _judge(q, spec, run.replies.get(by_grade_id[q.grade_id]) if by_grade_id[q.grade_id] < run.stopped_at else None,
                   reason)
            for q in spec.questions
        ]
        order = sorted(result.questions, key=lambda q: by_grade_id[q.grade_id])
        result.flags += _unreadable_flags([q for q in order if q.message != reason])
    except Exception as err:  # a bug of ours must not stop a batch: report it on this submission
        result.flags.append(f"internal grading error ({type(err).__name__}: {str(err)[:160]}); please report it")
        done = {q.grade_id for q in result.questions}
        result.questions += [QuestionResult(q.grade_id, q.label, q.points, 0.0, NOT_REACHED, message="not graded")
                             for q in spec.questions if q.grade_id not in done]
    finally:
        if workdir is not None:
            _kill_leftovers(str(workdir / ".home"))  # the HOME of _sandbox_env
            shutil.rmtree(workdir, ignore_errors=True)
        result.grading_seconds = time.perf_counter() - start
    return result


def _unreadable_flags(reached: list[QuestionResult]) -> list[str]:
    """Say when answers could not be read from the kernel (exporter deleted, kernel changed): never silent.

    ``reached`` are the questions whose export cell ran, in run order.
    """
    bad = [i for i, q in enumerate(reached) if q.message == _UNREADABLE]
    if not bad:
        return []
    first = bad[0]
    if bad == list(range(first, len(reached))) and (len(bad) > 1 or first == 0):
        after = f"after {_short(reached[first - 1].label)}" if first else f"from {_short(reached[0].label)} on"
        return [f"answers {after} could not be read from the kernel: the notebook changed the kernel"]
    return [f"the answer to {_short(reached[i].label)} could not be read from the kernel: the notebook changed the kernel"
            for i in bad]


def _run_flags(run: _Run, plan: _Plan) -> list[str]:
    def where(index: int) -> str:
        number = plan.origin[index] if index < len(plan.origin) else None
        if index in plan.exports:
            return f"the check of {_short(plan.exports[index].label)}"
        if plan.kinds and index < len(plan.kinds) and plan.kinds[index]:
            return plan.kinds[index]
        return f"cell {number}" if number else f"cell at position {index + 1}"

    flags: list[str] = []
    errors = sorted(run.errors.items())
    for index, ename in errors[:_MAX_ERROR_FLAGS]:
        if ename == "CellTimeoutError":
            flags.append(f"{where(index)} timed out ({run.replies[index].get('evalue')}) and was interrupted")
        else:
            flags.append(f"{where(index)} raised {ename}")
    if len(errors) > _MAX_ERROR_FLAGS:
        flags.append(f"{len(errors) - _MAX_ERROR_FLAGS} more cells raised errors")
    flags += [f"{where(i)} printed more output than the limit; it was not kept" for i in sorted(run.dropped)]
    if run.stopped:
        at = f" at {where(run.stopped_cell)}" if 0 <= run.stopped_cell < len(plan.origin) else ""
        flags.append(f"{run.stopped}{at}; later exercises were not reached")
    return flags


# ------------------------------------------------------------------------------------------- overhead
def execute_bare(notebook: str | Path, *, cell_timeout: float = 60) -> float:
    """Run a notebook with plain nbclient, as a learner's Run All would, and time it; no grading.

    Parameters
    ----------
    notebook : str or pathlib.Path
        The ``.ipynb`` file (any nbformat version); it is copied to a temporary folder and run there.
    cell_timeout : float, default 60
        Seconds per cell (interrupted, then execution goes on).

    Returns
    -------
    float
        Seconds from kernel start to kernel shutdown (``time.perf_counter``), as
        :attr:`NotebookResult.execution_seconds` measures it.

    Raises
    ------
    nbformat.reader.NotJSONError, nbclient.exceptions.DeadKernelError
        For a notebook that cannot be read or kills its kernel (measure honest notebooks only).
    """
    from nbclient import NotebookClient

    from modlab.notebook_runner import _venv_kernel_manager

    nb = nbformat.read(str(notebook), as_version=4)
    with tempfile.TemporaryDirectory(prefix="modlab-bare-") as folder:
        client = NotebookClient(nb, km=_venv_kernel_manager(), timeout=int(cell_timeout), interrupt_on_timeout=True,
                                allow_errors=True, resources={"metadata": {"path": folder}})
        client.widget_registry = {}
        start = time.perf_counter()
        client.execute(cleanup_kc=True)
        return time.perf_counter() - start


@dataclass
class OverheadReport:
    """Bare execution against grading of the same notebooks (one after the other, same machine)."""

    notebooks: int
    bare_seconds: float        # execute_bare: summed (jobs=1) or the pool's wall time (jobs>1)
    execution_seconds: float   # sum of NotebookResult.execution_seconds (kernel runs inside grading)
    grading_seconds: float     # grade_submission: summed (jobs=1) or the pool's wall time (jobs>1)

    @property
    def ratio(self) -> float:
        """Grading time over bare execution time; the target is <= 1.2."""
        return self.grading_seconds / self.bare_seconds if self.bare_seconds else math.nan

    def __str__(self) -> str:
        return (f"{self.notebooks} notebooks: bare nbclient {self.bare_seconds:.2f} s, grading {self.grading_seconds:.2f} s "
                f"(kernel run {self.execution_seconds:.2f} s), ratio {self.ratio:.2f}x")


def _grade_for_timing(path: str, spec: LessonSpec) -> tuple[float, float]:
    result = grade_submission(Submission(student=Path(path).stem, notebook=Path(path)), spec)
    return result.execution_seconds, result.grading_seconds


def measure_overhead(notebooks: list[str | Path], spec: LessonSpec, *, repeat: int = 1, jobs: int = 1) -> OverheadReport:
    """Time bare execution and grading of the same notebooks, with the same parallelism.

    Parameters
    ----------
    notebooks : list of str or pathlib.Path
        Honest submissions (they must run to the end bare), e.g. the lesson's solution notebook.
    spec : LessonSpec
        Their lesson.
    repeat : int, default 1
        Runs of each notebook each way.
    jobs : int, default 1
        1: bare and graded runs alternate, one at a time, so machine load hits both alike, and the summed
        per-notebook seconds are compared. More: each way runs in a pool of ``jobs`` processes (as
        ``modlab grade --jobs``) and the two wall times are compared.

    Returns
    -------
    OverheadReport
        Seconds and :attr:`OverheadReport.ratio` (grading over bare).
    """
    paths = [str(path) for path in notebooks] * repeat
    if jobs <= 1:
        bare = execution = grading = 0.0
        for path in paths:
            bare += execute_bare(path)
            run, whole = _grade_for_timing(path, spec)
            execution += run
            grading += whole
        return OverheadReport(len(paths), bare, execution, grading)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        list(pool.map(execute_bare, paths[:jobs]))  # warm the workers (imports) before timing
        start = time.perf_counter()
        list(pool.map(execute_bare, paths))
        bare = time.perf_counter() - start
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        list(pool.map(_grade_for_timing, paths[:jobs], [spec] * jobs))
        start = time.perf_counter()
        timings = list(pool.map(_grade_for_timing, paths, [spec] * len(paths)))
        grading = time.perf_counter() - start
    return OverheadReport(len(paths), bare, sum(t[0] for t in timings), grading)
