"""Write the learner notebooks in ``lessons/`` from the solution notebooks in ``solutions/``.

The solution notebooks use nbgrader's format (see CONTRIBUTING.md). :func:`release_notebook`
turns one of them into its learner version:

- a code solution region (``### BEGIN SOLUTION`` ... ``### END SOLUTION``) becomes
  ``# YOUR CODE HERE`` plus ``name = ...`` for every plain name the region assigns at top level;
- a markdown solution region becomes ``YOUR ANSWER HERE`` (nbgrader's own text, so nbgrader
  recognises an untouched free response and scores it 0 instead of queueing it for a human);
- a hidden-test region (``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``) is removed;
- outputs, execution counts and run-time cell metadata are cleared.

:func:`release` does this for every ``solutions/NN_*.ipynb`` or, with ``check=True``, reports the
lessons that are missing, stale or orphaned without writing anything.
"""

from __future__ import annotations

import ast
import copy
import json
import re
import textwrap
from pathlib import Path

import nbformat

CODE_STUB = "# YOUR CODE HERE"
TEXT_STUB = "YOUR ANSWER HERE"  # nbgrader's text_stub: same checksum, so untouched answers score 0
SOLUTION_GLOB = "[0-9][0-9]_*.ipynb"

# Region kind -> (begin marker, end marker). Markers are whole lines, possibly indented.
_MARKERS = {
    "solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
    "hidden": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
}
# nbgrader matches these words anywhere in a line; refusing near-miss lines keeps us in step with it.
_MARKER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
# Metadata that records a run or a view, not the lesson.
_RUNTIME_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


class ReleaseError(ValueError):
    """A solution notebook cannot be released: unbalanced, nested or misplaced region markers."""


def repo_root() -> Path:
    """Return the repository root: the folder holding ``pyproject.toml`` above ``src/modlab``.

    Returns
    -------
    Path
        Absolute path of the clone modlab was installed (editable) from.

    Raises
    ------
    ReleaseError
        If modlab is not running from a clone (no ``pyproject.toml`` two levels above the package).
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file():
        raise ReleaseError(
            f"no pyproject.toml in {root}: modlab release works in a clone installed with "
            "`pip install -e .` (or `make lab`); pass explicit folders otherwise."
        )
    return root


def _where(index: int, cell) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {index} ({'grade_id ' + repr(grade_id) if grade_id else 'no grade_id'})"


def _marker(line: str) -> tuple[str, str] | None:
    """Return ``(kind, "begin"|"end")`` if ``line`` is a marker line, else None."""
    text = line.strip()
    for kind, (begin, end) in _MARKERS.items():
        if text == begin:
            return kind, "begin"
        if text == end:
            return kind, "end"
    return None


def assigned_names(code: str) -> list[str] | None:
    """Return the plain names assigned at top level of ``code``, in order of first appearance.

    Parameters
    ----------
    code : str
        Python source of a solution region. Dedented first if it does not parse as is
        (a region indented inside a block).

    Returns
    -------
    list of str or None
        Targets of ``=``, ``+=``-style and annotated assignments that are plain names, including
        names inside tuple/list targets (``a, (b, *c) = ...``), and the names of functions and
        classes defined at top level; deduplicated. IPython syntax (``%magic`` lines,
        ``x = !cmd``) is translated to Python first, so one magic line does not hide the
        other names. None if the code does not parse even then.
    """
    for candidate in (code, textwrap.dedent(code)):
        tree = _parse(candidate)
        if tree is not None:
            break
    else:
        return None

    names: list[str] = []

    def collect(target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            if target.id not in names:
                names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                collect(element)
        elif isinstance(target, ast.Starred):
            collect(target.value)

    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                collect(target)
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            collect(statement.target)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # A later check cell uses the name; without a placeholder it would raise NameError.
            if statement.name not in names:
                names.append(statement.name)
    return names


def _parse(code: str) -> ast.Module | None:
    """Parse ``code`` as Python, or as IPython cell syntax (magics, ``!`` commands); None if neither."""
    try:
        return ast.parse(code)
    except SyntaxError:
        pass
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(code))
    except Exception:  # no IPython, or not valid IPython either
        return None


def _stub(region: list[str], indent: str, cell_type: str) -> list[str]:
    """Learner lines that replace a solution region (``region`` excludes the markers)."""
    if cell_type != "code":
        return [indent + TEXT_STUB]
    names = assigned_names("\n".join(region)) or []
    stub = [indent + CODE_STUB] + [f"{indent}{name} = ..." for name in names]
    if indent and not names:
        # Inside a block (a def, a loop) a lone comment is no body: give it a statement so it parses.
        stub.append(indent + "...")
    return stub


def _release_source(source: str, cell, index: int) -> tuple[str, set[str]]:
    """Replace solution regions and drop hidden-test regions; return new source and region kinds."""
    out: list[str] = []
    kinds: set[str] = set()
    open_kind = None  # kind of the region we are inside, if any
    region: list[str] = []
    indent = ""
    for number, line in enumerate(source.split("\n"), start=1):
        found = _marker(line)
        if found is None:
            if any(word in line for word in _MARKER_WORDS):
                raise ReleaseError(
                    f"{_where(index, cell)}, line {number}: {line.strip()!r} mentions a region marker "
                    "but is not a marker line; markers stand alone on their line, e.g. '### BEGIN SOLUTION'."
                )
            (region if open_kind else out).append(line)
            continue
        kind, edge = found
        if edge == "begin":
            if open_kind:
                raise ReleaseError(
                    f"{_where(index, cell)}, line {number}: {line.strip()!r} inside an open "
                    f"{_MARKERS[open_kind][0]!r} region; regions cannot nest."
                )
            open_kind, region, indent = kind, [], line[: len(line) - len(line.lstrip())]
            kinds.add(kind)
        else:
            if open_kind != kind:
                raise ReleaseError(
                    f"{_where(index, cell)}, line {number}: {line.strip()!r} without a matching "
                    f"{_MARKERS[kind][0]!r} before it."
                )
            if kind == "solution":
                out.extend(_stub(region, indent, cell.cell_type))
            open_kind = None
    if open_kind:
        raise ReleaseError(
            f"{_where(index, cell)}: {_MARKERS[open_kind][0]!r} without {_MARKERS[open_kind][1]!r}."
        )
    return "\n".join(out), kinds


def _clear_runtime_metadata(cell) -> None:
    for key in _RUNTIME_METADATA:
        cell.metadata.pop(key, None)
    jupyter = cell.metadata.get("jupyter")
    if jupyter is not None:
        jupyter.pop("outputs_hidden", None)
        if not jupyter:
            del cell.metadata["jupyter"]


def _check_grading_metadata(index: int, cell, grading: dict, seen_ids: dict[str, int]) -> None:
    """Refuse grading metadata that nbgrader would reject, before a learner ever sees the lesson."""
    if not (grading.get("solution") or grading.get("grade") or grading.get("locked")):
        return
    grade_id = grading.get("grade_id")
    if not grade_id:
        raise ReleaseError(f"{_where(index, cell)}: an nbgrader cell needs a grade_id.")
    if grade_id in seen_ids:
        raise ReleaseError(f"{_where(index, cell)}: grade_id {grade_id!r} is already used by cell {seen_ids[grade_id]}.")
    seen_ids[grade_id] = index
    if grading.get("grade"):
        points = grading.get("points")
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
            raise ReleaseError(f"{_where(index, cell)}: a graded cell needs positive 'points', found {points!r}.")


def release_notebook(nb):
    """Return the learner version of a solution notebook (the input is not modified).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A solution notebook (nbformat v4) in the format of CONTRIBUTING.md.

    Returns
    -------
    nbformat.NotebookNode
        A deep copy with solution regions replaced by stubs, hidden-test regions removed,
        outputs, execution counts, run-time cell metadata and saved widget state cleared. Cell ids, nbgrader cell
        metadata, tags and notebook metadata are kept.

    Raises
    ------
    ReleaseError
        If region markers are unbalanced or nested, a line mentions a marker without being one,
        or a region sits in a cell whose nbgrader metadata does not allow it (a solution region
        outside a ``solution`` cell, hidden tests outside a ``grade`` cell: nbgrader refuses these
        too), or the grading metadata is one nbgrader would reject (a graded or solution cell
        without a grade_id, a grade_id used twice, a ``grade`` cell without positive points).
        The message names the cell index and grade_id.
    """
    out = copy.deepcopy(nb)
    seen_ids: dict[str, int] = {}
    for index, cell in enumerate(out.cells):
        grading = cell.metadata.get("nbgrader", {})
        _check_grading_metadata(index, cell, grading, seen_ids)
        if isinstance(cell.source, list):  # a notebook built from raw JSON keeps the list of lines
            cell.source = "".join(cell.source)
        cell.source, kinds = _release_source(cell.source, cell, index)
        if "solution" in kinds and not grading.get("solution"):
            raise ReleaseError(f"{_where(index, cell)}: solution region in a cell without nbgrader 'solution: true'.")
        if "hidden" in kinds and not grading.get("grade"):
            raise ReleaseError(f"{_where(index, cell)}: hidden-test region in a cell without nbgrader 'grade: true'.")
        # A solution cell without markers is all answer: replace it whole, as nbgrader does.
        if grading.get("solution") and "solution" not in kinds:
            cell.source = "\n".join(_stub(cell.source.split("\n"), "", cell.cell_type))
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        _clear_runtime_metadata(cell)
    out.metadata.pop("widgets", None)  # saved widget state is output too (tens of kB of stale models)
    return out


def _normalised(nb) -> dict:
    """The notebook as plain JSON data, so formatting differences do not count as changes."""
    return json.loads(nbformat.writes(nb))


def _resolve(folder: str | Path) -> Path:
    folder = Path(folder)
    return folder if folder.is_absolute() else repo_root() / folder


def release(solutions_dir: str | Path = "solutions", lessons_dir: str | Path = "lessons", check: bool = False) -> list:
    """Write ``lessons/NN_*.ipynb`` from ``solutions/NN_*.ipynb``, or check they are in step.

    Parameters
    ----------
    solutions_dir, lessons_dir : str or Path
        Folders of solution and learner notebooks. Relative paths are taken from the
        repository root (:func:`repo_root`), so the defaults work from any working directory.
    check : bool
        If True, write nothing and report the lessons that are out of step.

    Returns
    -------
    list
        With ``check=False``: the lesson paths written (``Path``), in name order.
        With ``check=True``: one message per problem (``str``), each starting with the lesson's
        file name: ``"NN_x.ipynb: missing"``, ``"NN_x.ipynb: stale ..."`` or
        ``"NN_x.ipynb: orphaned ..."``; empty when everything is in step.

    Raises
    ------
    ReleaseError
        If a solution notebook cannot be released (the message starts with its file name), or
        ``solutions_dir`` does not exist.
    """
    solutions, lessons = _resolve(solutions_dir), _resolve(lessons_dir)
    if not solutions.is_dir():
        raise ReleaseError(f"no solutions folder at {solutions}")
    results: list = []
    sources = sorted(solutions.glob(SOLUTION_GLOB))
    for source in sources:
        try:
            lesson = release_notebook(nbformat.read(source, as_version=4))
        except ReleaseError as error:
            raise ReleaseError(f"{source.name}: {error}") from None
        target = lessons / source.name
        if not check:
            lessons.mkdir(parents=True, exist_ok=True)
            nbformat.write(lesson, target)
            results.append(target)
        elif not target.exists():
            results.append(f"{target.name}: missing (its solution has not been released)")
        else:
            try:
                current = _normalised(nbformat.read(target, as_version=4))
            except Exception:  # unreadable JSON or notebook: as stale as it gets
                current = None
            if current != _normalised(lesson):
                results.append(f"{target.name}: stale (differs from what release writes from its solution)")
    if check and lessons.is_dir():
        released = {source.name for source in sources}
        for lesson_path in sorted(lessons.glob("*.ipynb")):
            if lesson_path.name not in released:
                results.append(f"{lesson_path.name}: orphaned (no solution {solutions.name}/{lesson_path.name} to release it from)")
    return results
