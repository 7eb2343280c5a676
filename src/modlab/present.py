"""Presenter mode: a lesson's text, figures and explorers for a projector, without code.

``modlab present 03`` (or ``make present LESSON=03``) builds a *presenter notebook*
from the lesson's solution notebook and serves it with Voila (https://voila.readthedocs.io),
which runs the notebook and shows only Markdown and outputs: no code, no edit
affordances. The page uses the ``modlab-present`` Voila template shipped in
``modlab/share`` (Voila's lab template with projector-sized type).

The presenter notebook is the learner version (:func:`modlab.release.release_notebook`)
with the self-check cells and the free-response answer cells removed: the class sees
the exercise prompts as discussion questions, never the answers and never a column
of "not attempted" messages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import nbformat

from modlab.release import SOLUTION_GLOB, release_notebook, repo_root

#: Folder holding ``voila/templates/modlab-present``; added to JUPYTER_PATH for Voila.
SHARE_DIR = Path(__file__).resolve().parent / "share"
#: Name of the Voila template used for presenting.
TEMPLATE = "modlab-present"
#: The JupyterLab extensions the presenter page loads: Voila's ipywidgets 8 manager (and ipywidgets' own).
WIDGET_EXTENSIONS = ("@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager")
#: Seconds before the kernel of a closed page is shut down (see :func:`voila_command`).
CULL_AFTER_S = 120
#: Environment variable set for presenter kernels; :func:`modlab.style.set_theme` then draws larger figures.
PRESENTER_ENV = "MODLAB_PRESENTER"
#: Voila's default port; Voila moves to the next free one if it is taken.
DEFAULT_PORT = 8866


class PresentError(ValueError):
    """The lesson to present cannot be found, or Voila is not installed."""


def find_lesson(lesson: str | os.PathLike, solutions_dir: str | Path | None = None) -> Path:
    """Return the solution notebook for a lesson given by number, name or path.

    Parameters
    ----------
    lesson : str or path-like
        ``"03"``, ``"3"``, ``"03_amnesty_poll"``, or a path to a notebook (a file in
        ``solutions/`` or ``lessons/``; a file in ``lessons/`` is looked up in ``solutions/``
        by name, so the presenter view never depends on whether ``lessons/`` was regenerated).
    solutions_dir : str or Path, optional
        Folder of solution notebooks; defaults to the repository's ``solutions/``.

    Returns
    -------
    Path
        Absolute path of the notebook to present.

    Raises
    ------
    PresentError
        If no notebook, or more than one, matches; the message lists the lessons there are.
    """
    folder = Path(solutions_dir) if solutions_dir else repo_root() / "solutions"
    available = sorted(folder.glob(SOLUTION_GLOB))
    text = os.fspath(lesson)
    as_path = Path(text)
    if as_path.suffix == ".ipynb":
        if (folder / as_path.name).is_file():
            return (folder / as_path.name).resolve()
        if as_path.is_file():
            return as_path.resolve()
    stem = as_path.stem if as_path.suffix == ".ipynb" else text
    if stem.isdigit():
        stem = f"{int(stem):02d}"
    matches = [path for path in available if path.stem == stem or path.stem.split("_", 1)[0] == stem]
    if len(matches) == 1:
        return matches[0].resolve()
    names = ", ".join(path.stem for path in available) or "none"
    problem = "matches several lessons" if matches else "matches no lesson"
    raise PresentError(f"{text!r} {problem}. Lessons: {names}.")


def _is_answer_or_check(cell) -> bool:
    grading = cell.metadata.get("nbgrader", {})
    return bool(grading.get("grade")) or (cell.cell_type == "markdown" and bool(grading.get("solution")))


def presenter_notebook(nb):
    """Return the presenter version of a solution notebook (the input is not modified).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A solution notebook in the format of CONTRIBUTING.md.

    Returns
    -------
    nbformat.NotebookNode
        The learner version without graded check cells and without free-response answer
        cells; answer code cells stay as stubs (``name = ...``) so later cells that mention
        those names still run. Outputs are empty: Voila executes the notebook.

    Raises
    ------
    modlab.release.ReleaseError
        If the solution notebook cannot be released (see :func:`modlab.release.release_notebook`).
    """
    out = release_notebook(nb)
    out.cells = [cell for cell in out.cells if not _is_answer_or_check(cell)]
    return out


def write_presenter_notebook(lesson: str | os.PathLike, folder: str | Path) -> Path:
    """Write the presenter notebook of ``lesson`` into ``folder``; return its path.

    Parameters
    ----------
    lesson : str or path-like
        As for :func:`find_lesson`.
    folder : str or Path
        Where to write (created if missing). The file keeps the lesson's name.

    Returns
    -------
    Path
        The written notebook.

    Raises
    ------
    PresentError
        If the lesson cannot be found, or its file is not a notebook the kit can release.
    """
    source = find_lesson(lesson)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    try:
        shown = presenter_notebook(nbformat.read(source, as_version=4))
    except (ValueError, OSError, nbformat.ValidationError) as error:  # not JSON, not a notebook, bad markers
        raise PresentError(f"cannot present {source.name}: {error}") from error
    nbformat.write(shown, target)
    return target


def voila_command(
    notebook: str | Path, port: int | None = None, open_browser: bool = True, cull_after_s: int = CULL_AFTER_S
) -> list[str]:
    """Return the Voila command line that serves ``notebook`` in presenter style.

    Parameters
    ----------
    notebook : str or Path
        The presenter notebook.
    port : int, optional
        Port on 127.0.0.1. Given: that port or none (Voila exits if it is taken). Not given:
        :data:`DEFAULT_PORT` or the next free one.
    open_browser : bool
        Whether Voila opens a browser tab.
    cull_after_s : int
        Seconds after which the kernel of a closed or reloaded page is shut down. Voila's
        own shutdown request on page close is refused ("'_xsrf' argument missing", Voila
        issue #1458), so without culling every reload leaves a kernel (~240 MB) running.
        Kernels of open pages are never culled (``cull_connected`` stays False).

    Returns
    -------
    list of str
        Arguments for :func:`subprocess.run`; run them with :func:`voila_environment`.
    """
    command = [
        sys.executable, "-m", "voila", str(notebook),
        f"--template={TEMPLATE}",
        "--theme=light",
        "--strip_sources=True",            # the whole point: no code on the projector
        "--show_tracebacks=True",          # an error should say what failed, not only that something did
        # Only the widget renderer: other JupyterLab extensions in the environment (nbgrader's,
        # the notebook app's) do not load in Voila and fill the console with errors.
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in WIDGET_EXTENSIONS),
        "--Voila.ip=127.0.0.1",            # only this machine; a projector laptop needs no more
        f"--port={port or DEFAULT_PORT}",
        # A port asked for explicitly is used or Voila stops; the default may move to the next free one
        # (Voila then prints the address it took).
        f"--Voila.port_retries={0 if port else 50}",
        f"--MappingKernelManager.cull_idle_timeout={cull_after_s}",
        f"--MappingKernelManager.cull_interval={max(1, min(60, cull_after_s // 2))}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if not open_browser:
        command.append("--no-browser")
    return command


def voila_environment(base: dict | None = None) -> dict:
    """Return environment variables under which Voila finds the ``modlab-present`` template.

    Parameters
    ----------
    base : dict, optional
        Environment to extend; defaults to ``os.environ``.

    Returns
    -------
    dict
        A copy with :data:`SHARE_DIR` prepended to ``JUPYTER_PATH`` and :data:`PRESENTER_ENV` set.
    """
    env = dict(os.environ if base is None else base)
    env[PRESENTER_ENV] = "1"  # kernels inherit it: figures drawn for a projector
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE_DIR), env.get("JUPYTER_PATH", "")) if p)
    return env


def present(lesson: str | os.PathLike, port: int | None = None, open_browser: bool = True) -> int:
    """Serve a lesson in presenter mode until interrupted (Ctrl+C).

    Parameters
    ----------
    lesson : str or path-like
        As for :func:`find_lesson`.
    port : int, optional
        Port on 127.0.0.1; defaults to :data:`DEFAULT_PORT`.
    open_browser : bool
        Whether to open a browser tab.

    Returns
    -------
    int
        Voila's exit status (0 after Ctrl+C, SIGTERM or SIGHUP, which also stop Voila and its kernels).

    Raises
    ------
    PresentError
        If the lesson cannot be found or Voila is not installed.
    """
    try:
        import voila  # noqa: F401  (only to give a clear message when it is missing)
    except ImportError as error:
        raise PresentError("presenter mode needs Voila: pip install voila (it is in modlab's dependencies)") from error
    with tempfile.TemporaryDirectory(prefix="modlab-present-") as folder:
        notebook = write_presenter_notebook(lesson, folder)
        print(
            f"modlab present: starting {notebook.stem}; Voila prints the page's address when it is ready "
            "(WARNING lines about trust or encryption are expected). Ctrl+C stops it.",
            flush=True,
        )
        status = _serve(voila_command(notebook, port, open_browser), voila_environment())
    if status not in (0, -signal.SIGINT, -signal.SIGTERM):
        print(f"modlab present: Voila stopped with status {status}; if the port is taken, choose another with --port.",
              file=sys.stderr)
    return status


class _Stop(Exception):
    """Raised in the parent when it is asked to stop (SIGTERM, SIGHUP)."""


def _serve(command: list[str], env: dict) -> int:
    """Run Voila until it exits or this process is told to stop; never leave it running.

    Ctrl+C in a terminal reaches both processes; ``kill``, a closed terminal (SIGHUP) or
    ``timeout`` reach only this one, so it passes SIGTERM on (Voila then shuts its kernels
    down) and waits, killing Voila only if it has not stopped within 15 s.
    """
    child = subprocess.Popen(command, env=env)

    def stop(signum, _frame):
        raise _Stop(signum)

    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return child.wait()
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
