"""Execute notebooks headless, the same way for tests and benchmarks.

:func:`execute_notebook` runs a notebook top to bottom with nbclient in a fresh
kernel of *this* interpreter (the venv's ipykernel, whatever kernelspecs the
machine has registered), from the notebook's own folder, and reports its wall
time and the kernel's peak memory. :func:`error_outputs`, :func:`warning_outputs`
and :func:`feedback_outputs` read the executed notebook.

Nothing is ever written back to disk: the caller gets the executed notebook in
memory.

Known problem this module works around (see the shared recipe
``notebooks-headless.md``): nbclient intermittently stalls on cells that write
into ``ipywidgets.Output`` until the cell timeout ends, then carries on without
an error. We turn nbclient's Output-widget emulation off, interrupt on timeout,
and mark every cell nbclient gave up waiting for with a ``CellTimeoutError`` or
``IOPubTimeoutError`` error output, so a stall fails loudly instead of passing
as "slow".
"""

from __future__ import annotations

import logging
import math
import re
import sys
import time
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_TIMEOUT",
    "FEEDBACK_WORDS",
    "error_outputs",
    "execute_notebook",
    "feedback_outputs",
    "output_texts",
    "warning_outputs",
]

#: Default per-cell timeout in seconds.
DEFAULT_TIMEOUT = 60

#: The status words a self-check (``q.check(...)``) shows, by status.
#: Kept in step with ``modlab.exercises.base`` (see :func:`_feedback_pattern`).
FEEDBACK_WORDS = {
    "correct": "Correct",
    "incorrect": "Not yet",
    "not attempted": "Not attempted",
    "wrong type": "Wrong type",
}

_RSS_MARKER = "__modlab_peak_rss_kib__"
# VmHWM (Linux) is the kernel's own high-water mark. ru_maxrss is not: it survives fork+exec, so a
# kernel started by a large pytest process would report the parent's peak (seen: 400 MiB for 230).
_RSS_PROBE = (
    "import re as _modlab_re, resource as _modlab_resource\n"
    "try:\n"
    "    _modlab_peak = int(_modlab_re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "except (OSError, AttributeError):\n"
    "    _modlab_peak = _modlab_resource.getrusage(_modlab_resource.RUSAGE_SELF).ru_maxrss\n"
    f"print({_RSS_MARKER!r}, _modlab_peak)\n"
    "del _modlab_re, _modlab_resource, _modlab_peak"
)
_RSS_PROBE_ID = "modlab-peak-rss-probe"

# "FutureWarning: ...", "/x/y.py:3: UserWarning: ...", "SettingWithCopyWarning: ...",
# and a bare "Warning: ..." (category ``Warning``).
_WARNING_RE = re.compile(r"\b(?:[A-Z]\w*)?Warning:")
# Harmless noise from the kernel/ZMQ layer, not from the notebook (see the recipe).
_NOISE = ("Kernel is running over TCP without encryption",)


def _feedback_pattern() -> re.Pattern[str]:
    """Regex matching the head of a :class:`modlab.exercises.base.Feedback` text.

    ``str(Feedback)`` is ``"<icon> <Word>[ (<label>)]: <message>"``, e.g.
    ``"✔ Correct (Exercise 1: the yes share): well done."``. The icons and words
    are taken from ``modlab.exercises.base`` when it has them, so this follows
    any change of wording there.
    """
    pairs: list[tuple[str, str]] = []
    try:
        from modlab.exercises import base

        style = getattr(base, "_STYLE", {})
        pairs = [(icon, word) for _, icon, word in style.values()]
    except Exception:  # pragma: no cover - fall back to the documented words
        pairs = []
    if not pairs:
        pairs = [("", word) for word in FEEDBACK_WORDS.values()]
    alternatives = "|".join(
        (re.escape(icon) + r"\s*" if icon else "") + "(" + re.escape(word) + ")" for icon, word in pairs
    )
    return re.compile(rf"^\s*(?:{alternatives})(?:\s*\(.*?\))?:", re.MULTILINE)


_FEEDBACK_RE = _feedback_pattern()


def _venv_kernel_manager() -> Any:
    """An ``AsyncKernelManager`` whose kernel is ``sys.executable -m ipykernel_launcher``.

    No kernelspec is looked up or registered: the kernel always runs in the
    interpreter running this code (the project's venv), so a ``python3`` spec
    elsewhere on the machine (user or system) cannot redirect it.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name=f"Python {sys.version_info.major} (modlab venv)",
        language="python",
        metadata={"debugger": True},
    )

    class _ThisInterpreterSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: ARG002 - one kernel for all names
            return spec

    # kernel_name "python3" keeps jupyter_client's ipykernel-specific handling
    # (e.g. an in-memory IPython history file) switched on.
    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_ThisInterpreterSpecs())


def execute_notebook(
    path: str | Path,
    timeout: int = DEFAULT_TIMEOUT,
    cwd: str | Path | None = None,
) -> tuple[Any, float, float]:
    """Execute a notebook headless and measure it.

    The notebook is read from ``path``, run top to bottom in a new kernel of the
    current interpreter (``sys.executable -m ipykernel_launcher``), and returned
    executed; the file on disk is never modified. Errors do not stop execution:
    every cell runs and errors stay in the outputs (read them with
    :func:`error_outputs`).

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.ipynb`` file to run.
    timeout : int, default 60
        Per-cell timeout in seconds. A cell with no reply by then is interrupted
        (``interrupt_on_timeout=True``), an error output with ``ename``
        ``"CellTimeoutError"`` is added to it, and execution carries on with the
        next cell. ``None`` or a value <= 0 means no timeout. A cell whose
        outputs do not end within nbclient's ``iopub_timeout`` (4 s) after its
        reply gets an ``"IOPubTimeoutError"`` error output the same way.
    cwd : str or pathlib.Path, optional
        Working directory of the kernel. Default: the notebook's folder, so
        relative paths behave as in JupyterLab (lessons run from ``lessons/`` or
        ``solutions/``).

    Returns
    -------
    executed_nb : nbformat.NotebookNode
        The executed notebook (nbformat v4), without the probe cell this function
        appends to measure memory.
    seconds : float
        Wall time in seconds from kernel start to kernel shutdown
        (``time.perf_counter``), i.e. including kernel start-up.
    peak_rss_mb : float
        The kernel process's peak resident set size in MiB (``VmHWM`` from ``/proc/self/status``
        on Linux, else ``ru_maxrss``; KiB / 1024), read after the last cell; ``math.nan`` if it could not be
        read (for instance when the probe cell timed out).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    nbformat.reader.NotJSONError, nbformat.ValidationError
        If the file is not a valid notebook.
    nbclient.exceptions.DeadKernelError
        If the kernel dies during execution.
    RuntimeError
        If the kernel does not start within nbclient's ``startup_timeout`` (60 s).
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    workdir = Path(cwd) if cwd is not None else path.resolve().parent

    probe = nbformat.v4.new_code_cell(_RSS_PROBE)
    probe.id = _RSS_PROBE_ID
    nb.cells.append(probe)

    # How a stall shows up. (1) nbclient gets no execute reply within `timeout`: it
    # logs "Timeout waiting for execute reply", interrupts, and carries on.
    # (2) No end of output on IOPub within `iopub_timeout` after the reply: it logs
    # "Timeout waiting for IOPub output" and carries on (outputs may be missing).
    # (3) Seen here with Output-widget emulation on: the kernel receives a cell's
    # request only after exactly `timeout` seconds, and nbclient logs nothing. So we
    # also time every cell from request to reply (nbclient's hooks) and treat a cell
    # that took about `timeout` or longer as stalled.
    current = {"index": -1, "start": 0.0}
    stalls: list[tuple[int, str]] = []

    class _StallRecorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if message.startswith("Timeout waiting for execute reply"):
                stalls.append((current["index"], "CellTimeoutError"))
            elif message.startswith("Timeout waiting for IOPub output"):
                stalls.append((current["index"], "IOPubTimeoutError"))

    log = logging.getLogger(f"{__name__}.nbclient")
    recorder = _StallRecorder(logging.WARNING)
    log.addHandler(recorder)

    def _on_cell_execute(cell: Any, cell_index: int) -> None:
        current["index"] = cell_index
        current["start"] = time.perf_counter()

    def _on_cell_executed(cell: Any, cell_index: int, execute_reply: Any) -> None:
        if timeout and timeout > 0 and time.perf_counter() - current["start"] >= 0.98 * timeout:
            stalls.append((cell_index, "CellTimeoutError"))

    client = NotebookClient(
        nb,
        km=_venv_kernel_manager(),
        timeout=timeout if timeout and timeout > 0 else None,
        interrupt_on_timeout=True,
        allow_errors=True,
        record_timing=True,
        resources={"metadata": {"path": str(workdir)}},
        on_cell_execute=_on_cell_execute,
        on_cell_executed=_on_cell_executed,
        log=log,
    )
    # Turn off nbclient's emulation of ipywidgets.Output: with it, cells that
    # write into an Output widget intermittently stall until the cell timeout
    # (5 of 10 runs in the recipe; 0 of 14 with it off). Side effect, useful in
    # tests: output sent to an Output widget lands in the cell's own outputs, so
    # errors and warnings raised inside widget callbacks are seen by
    # error_outputs/warning_outputs.
    client.widget_registry = {}

    start = time.perf_counter()
    try:
        # We pass our own kernel manager, so ask nbclient to shut the kernel down anyway.
        client.execute(cleanup_kc=True)
    finally:
        log.removeHandler(recorder)
    seconds = time.perf_counter() - start

    probe_cell = nb.cells.pop()
    peak_rss_mb = math.nan
    for text in output_texts(probe_cell):
        match = re.search(re.escape(_RSS_MARKER) + r"\s+(\d+)", text)
        if match:
            peak_rss_mb = int(match.group(1)) / 1024.0
    for index, ename in sorted(set(stalls)):
        if 0 <= index < len(nb.cells):
            what = (
                f"no execute reply for {timeout} s or more"
                if ename == "CellTimeoutError"
                else f"no end of output within {client.iopub_timeout} s after the reply; outputs may be missing"
            )
            nb.cells[index].outputs.append(
                nbformat.v4.new_output(
                    "error",
                    ename=ename,
                    evalue=f"{what} and execution carried on (a stall, or a cell that is far too slow)",
                    traceback=[],
                )
            )
    return nb, seconds, peak_rss_mb


def output_texts(cell: Any) -> list[str]:
    """The plain texts of a cell's outputs, in order.

    Parameters
    ----------
    cell : nbformat.NotebookNode
        A notebook cell; non-code cells have no outputs.

    Returns
    -------
    list of str
        One entry per stream output (stdout and stderr) and per ``text/plain``
        of a display or execute result. Error outputs are not included.
    """
    texts: list[str] = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
        elif kind in ("display_data", "execute_result", "update_display_data"):
            text = output.get("data", {}).get("text/plain", "")
        else:
            continue
        texts.append("".join(text) if isinstance(text, list) else str(text))
    return texts


def error_outputs(nb: Any) -> list[tuple[int, str, str]]:
    """The error outputs of an executed notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook, e.g. from :func:`execute_notebook`.

    Returns
    -------
    list of (int, str, str)
        ``(cell index, ename, evalue)`` for every error output, in cell order;
        cell indexes count all cells (markdown too) from 0. Cells that timed
        out in :func:`execute_notebook` appear with ``ename`` ``"CellTimeoutError"``
        or ``"IOPubTimeoutError"``.
    """
    found: list[tuple[int, str, str]] = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append((index, str(output.get("ename", "")), str(output.get("evalue", ""))))
    return found


def warning_outputs(nb: Any) -> list[tuple[int, str]]:
    """Warning text in the outputs of an executed notebook.

    Looks for Python warning lines such as ``FutureWarning:``,
    ``DeprecationWarning:``, ``UserWarning:``, ``RuntimeWarning:`` or
    ``SettingWithCopyWarning:`` (any ``<Name>Warning:``, and a bare
    ``Warning:``) in stdout and stderr streams and in the ``text/plain`` of
    displays and results. Kernel start-up noise ("Kernel is running over TCP
    without encryption") is ignored.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    list of (int, str)
        ``(cell index, line)`` for every output line that looks like a warning,
        in cell order; cell indexes count all cells from 0.
    """
    found: list[tuple[int, str]] = []
    for index, cell in enumerate(nb.cells):
        for text in output_texts(cell):
            for line in text.splitlines():
                if _WARNING_RE.search(line) and not any(noise in line for noise in _NOISE):
                    found.append((index, line.strip()))
    return found


def feedback_outputs(nb: Any) -> list[tuple[int, str, str]]:
    """The self-check feedback (``q.check(...)``) shown in an executed notebook.

    A feedback is a ``text/plain`` or stream text that starts like
    ``str(modlab.exercises.base.Feedback)``: ``"✔ Correct (label): message"``,
    ``"✘ Not yet ..."``, ``"… Not attempted ..."`` or ``"⚠ Wrong type ..."``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    list of (int, str, str)
        ``(cell index, word, text)`` per feedback, where ``word`` is one of
        ``"Correct"``, ``"Not yet"``, ``"Not attempted"``, ``"Wrong type"`` and
        ``text`` is the whole line.
    """
    found: list[tuple[int, str, str]] = []
    for index, cell in enumerate(nb.cells):
        for text in output_texts(cell):
            for match in _FEEDBACK_RE.finditer(text):
                word = next(group for group in match.groups() if group)
                line = text[match.start():].splitlines()[0].strip()
                found.append((index, word, line))
    return found
