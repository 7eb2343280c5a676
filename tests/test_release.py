"""`modlab release`: learner notebooks (lessons/) written from solution notebooks (solutions/).

- unit tests of :func:`modlab.release.release_notebook` on handmade cells;
- the real lessons/ are in step with solutions/ (function and command), and the check fails,
  naming the file, when a lesson is edited, deleted or orphaned (in a tmp copy);
- no lesson leaks a solution, and no committed notebook carries outputs;
- nbgrader's ``generate_assignment`` and ``release_notebook`` agree on one solution notebook (slow).

While solutions/ is empty the tests use the handmade pair in tests/fixtures/release/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from modlab.cli import main
from modlab.release import CODE_STUB, TEXT_STUB, ReleaseError, release, release_notebook

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, LESSONS = ROOT / "solutions", ROOT / "lessons"
FIXTURE = ROOT / "tests" / "fixtures" / "release"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def _cell(source, kind="code", grade_id=None, solution=False, grade=False, points=None, **metadata):
    """A cell with nbgrader metadata when ``grade_id`` is given."""
    if grade_id:
        metadata["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": grade,
                                "locked": grade and not solution, "schema_version": 3}
        if points is not None:
            metadata["nbgrader"]["points"] = points
    make = new_code_cell if kind == "code" else new_markdown_cell
    return make(source, metadata=metadata)


def _nb(*cells):
    return new_notebook(cells=list(cells), metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})


def _answer(source: str) -> list[str]:
    """Lines of the released version of a code answer cell (``solution: true``)."""
    return release_notebook(_nb(_cell(source, grade_id="q1-answer", solution=True))).cells[0].source.split("\n")


def _modlab(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "modlab", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------- release_notebook: code regions


def test_single_assignment_becomes_named_placeholder():
    assert _answer('### BEGIN SOLUTION\nyes_share = polls.loc[1, "yes_share"]\n### END SOLUTION') == [CODE_STUB, "yes_share = ..."]


def test_multiple_assignments_in_order_of_first_appearance_without_duplicates():
    source = "### BEGIN SOLUTION\nb = 1\na = b + 1\nb = a * 2\nc: float = 0.5\nx = y = 3\n### END SOLUTION"
    assert _answer(source) == [CODE_STUB, "b = ...", "a = ...", "c = ...", "x = ...", "y = ..."]


def test_tuple_list_and_starred_targets_give_every_name():
    source = "### BEGIN SOLUTION\nlow, (mid, *rest) = 1, (2, 3, 4)\n[p, q] = 5, 6\n### END SOLUTION"
    assert _answer(source) == [CODE_STUB, "low = ...", "mid = ...", "rest = ...", "p = ...", "q = ..."]


def test_augmented_assignment_counts_but_attributes_subscripts_and_nested_blocks_do_not():
    source = (
        "### BEGIN SOLUTION\ntotal += 1\nframe.title = 'x'\ntable['k'] = 2\n"
        "for i in range(3):\n    inner = i\nprint(total)\n### END SOLUTION"
    )
    assert _answer(source) == [CODE_STUB, "total = ..."]


def test_lines_outside_the_region_are_kept_in_place():
    source = "import math\n### BEGIN SOLUTION\nroot = math.sqrt(2)\n### END SOLUTION\nprint('done')"
    assert _answer(source) == ["import math", CODE_STUB, "root = ...", "print('done')"]


def test_indented_region_keeps_the_begin_line_indentation():
    source = "def share(yes, n):\n    ### BEGIN SOLUTION\n    ratio = yes / n\n    return ratio\n    ### END SOLUTION\nprint(1)"
    assert _answer(source) == ["def share(yes, n):", "    " + CODE_STUB, "    ratio = ...", "print(1)"]


def test_unparseable_region_gets_the_bare_stub():
    assert _answer("### BEGIN SOLUTION\nvalue = (1 +\n%timeit value\n### END SOLUTION") == [CODE_STUB]


def test_code_solution_cell_without_markers_is_replaced_whole():
    assert _answer("answer = 42\nprint(answer)") == [CODE_STUB, "answer = ..."]


def test_two_regions_in_one_cell():
    source = "### BEGIN SOLUTION\na = 1\n### END SOLUTION\nshow(a)\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION"
    assert _answer(source) == [CODE_STUB, "a = ...", "show(a)", CODE_STUB, "b = ..."]


# ---------------------------------------------------------------- markdown and hidden tests


def test_markdown_region_becomes_text_stub_and_prompt_stays():
    cell = _cell("**R1.** Why?\n\n### BEGIN SOLUTION\nModel answer.\nRubric: 1 point.\n### END SOLUTION",
                 kind="markdown", grade_id="r1", solution=True, grade=True, points=1)
    assert release_notebook(_nb(cell)).cells[0].source == f"**R1.** Why?\n\n{TEXT_STUB}"


def test_markdown_solution_cell_without_markers_is_replaced_whole():
    cell = _cell("Model answer: self-selection.", kind="markdown", grade_id="r2", solution=True, grade=True, points=1)
    assert release_notebook(_nb(cell)).cells[0].source == TEXT_STUB


def test_hidden_tests_are_removed_with_their_markers():
    cell = _cell("### BEGIN HIDDEN TESTS\nassert abs(yes_share - 0.72) < 1e-9\n### END HIDDEN TESTS\nex.q1.check(yes_share)",
                 grade_id="q1-check", grade=True, points=1)
    assert release_notebook(_nb(cell)).cells[0].source == "ex.q1.check(yes_share)"


def test_cells_without_regions_are_unchanged():
    cells = [_cell("x = 1\n# BEGIN is not a marker"), _cell("# Title\ntext", kind="markdown")]
    assert [c.source for c in release_notebook(_nb(*cells)).cells] == ["x = 1\n# BEGIN is not a marker", "# Title\ntext"]


# ---------------------------------------------------------------- outputs and metadata


def test_outputs_counts_and_runtime_metadata_cleared_grading_metadata_kept():
    cell = _cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", grade_id="q1-answer", solution=True,
                 tags=["exercise"], collapsed=False, scrolled=True, ExecuteTime={"end_time": "t"},
                 execution={"iopub.status.idle": "t"}, jupyter={"outputs_hidden": True, "source_hidden": True})
    cell.outputs = [new_output("stream", name="stdout", text="1\n")]
    cell.execution_count = 7
    plain = _cell("print(2)", jupyter={"outputs_hidden": True})
    plain.outputs, plain.execution_count = [new_output("stream", name="stdout", text="2\n")], 8
    nb = _nb(cell, plain)
    nb.metadata["language_info"] = {"name": "python"}

    out = release_notebook(nb)

    assert [(c.outputs, c.execution_count) for c in out.cells] == [([], None), ([], None)]
    assert dict(out.cells[0].metadata) == {
        "tags": ["exercise"],
        "jupyter": {"source_hidden": True},
        "nbgrader": {"grade_id": "q1-answer", "solution": True, "grade": False, "locked": False, "schema_version": 3},
    }
    assert dict(out.cells[1].metadata) == {}
    assert [c.id for c in out.cells] == [c.id for c in nb.cells]
    assert out.metadata == nb.metadata
    # the input is not modified
    assert nb.cells[0].execution_count == 7 and "### BEGIN SOLUTION" in nb.cells[0].source


# ---------------------------------------------------------------- malformed regions


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("### BEGIN SOLUTION\nx = 1", "without '### END SOLUTION'"),
        ("x = 1\n### END SOLUTION", "without a matching '### BEGIN SOLUTION'"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION", "cannot nest"),
        ("### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION", "cannot nest"),
        ("### BEGIN SOLUTION\nx = 1\n### END HIDDEN TESTS", "without a matching '### BEGIN HIDDEN TESTS'"),
        ("x = 1  ### BEGIN SOLUTION\n### END SOLUTION", "not a marker line"),
    ],
    ids=["no-end", "no-begin", "nested", "nested-kinds", "mismatched-end", "inline-marker"],
)
def test_malformed_markers_raise_naming_cell_and_grade_id(source, message):
    nb = _nb(_cell("intro", kind="markdown"), _cell(source, grade_id="q3-answer", solution=True, grade=True, points=1))
    with pytest.raises(ReleaseError, match="cell 1 \\(grade_id 'q3-answer'\\)") as error:
        release_notebook(nb)
    assert message in str(error.value)


def test_regions_in_cells_nbgrader_would_reject_raise():
    with pytest.raises(ReleaseError, match="cell 0 \\(no grade_id\\).*solution: true"):
        release_notebook(_nb(_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")))
    with pytest.raises(ReleaseError, match="cell 0 \\(grade_id 'q1-answer'\\).*grade: true"):
        release_notebook(_nb(_cell("### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS", grade_id="q1-answer", solution=True)))


# ---------------------------------------------------------------- the repository's lessons/


def _real_solutions() -> list[Path]:
    return sorted(SOLUTIONS.glob("*.ipynb"))


def test_fixture_lesson_matches_what_release_writes():
    assert release(FIXTURE / "solutions", FIXTURE / "lessons", check=True) == []


def test_repo_lessons_in_step_with_solutions_function_and_command():
    problems = release(check=True)
    assert problems == [], (
        "lessons/ is out of step with solutions/: " + "; ".join(map(str, problems))
        + ". Fix: run `make release` and commit solutions/ and lessons/ together."
    )
    result = _modlab("release", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def test_command_finds_the_repo_from_another_directory(repo_root):
    result = _modlab("release", "--check", cwd=repo_root / "src" / "modlab")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_solution_has_a_lesson_twin_and_vice_versa():
    assert {p.name for p in _real_solutions()} == {p.name for p in LESSONS.glob("*.ipynb")}


@pytest.fixture
def course(tmp_path):
    """A tmp copy of solutions/ (or the fixture, while solutions/ is empty), released and in step."""
    solutions, lessons = tmp_path / "solutions", tmp_path / "lessons"
    shutil.copytree(SOLUTIONS if _real_solutions() else FIXTURE / "solutions", solutions)
    written = release(solutions, lessons)
    assert [p.name for p in written] == sorted(p.name for p in solutions.glob("[0-9][0-9]_*.ipynb"))
    assert release(solutions, lessons, check=True) == []
    return solutions, lessons


def _edit(lesson: Path) -> None:
    nb = nbformat.read(lesson, as_version=4)
    nb.cells[0].source += "\nedited by hand"
    nbformat.write(nb, lesson)


@pytest.mark.parametrize(
    ("mutate", "name", "problem"),
    [
        (_edit, None, "stale"),
        (Path.unlink, None, "missing"),
        (lambda lesson: shutil.copy(lesson, lesson.with_name("99_orphan.ipynb")), "99_orphan.ipynb", "orphaned"),
    ],
    ids=["edited", "deleted", "orphan"],
)
def test_check_fails_and_names_the_file_when_out_of_step(course, mutate, name, problem):
    solutions, lessons = course
    lesson = sorted(lessons.glob("*.ipynb"))[0]
    mutate(lesson)
    name = name or lesson.name

    problems = release(solutions, lessons, check=True)
    assert len(problems) == 1 and problems[0].startswith(f"{name}: {problem}")

    result = _modlab("release", "--check", "--solutions", str(solutions), "--lessons", str(lessons))
    assert result.returncode == 1
    assert name in result.stderr and problem in result.stderr
    assert ("make release" in result.stderr) == (problem != "orphaned")


def test_release_repairs_edits_and_is_byte_for_byte_repeatable(course):
    solutions, lessons = course
    before = {p.name: p.read_bytes() for p in lessons.glob("*.ipynb")}
    _edit(sorted(lessons.glob("*.ipynb"))[0])
    result = _modlab("release", "--solutions", str(solutions), "--lessons", str(lessons))
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_bytes() for p in lessons.glob("*.ipynb")} == before


def test_formatting_alone_does_not_make_a_lesson_stale(course):
    solutions, lessons = course
    lesson = sorted(lessons.glob("*.ipynb"))[0]
    lesson.write_text(json.dumps(json.loads(lesson.read_text()), indent=4), encoding="utf-8")
    assert release(solutions, lessons, check=True) == []


def test_unreleasable_solution_is_reported_with_its_file_name(course):
    solutions, lessons = course
    nbformat.write(_nb(_cell("### BEGIN SOLUTION\nx = 1", grade_id="q1-answer", solution=True)), solutions / "98_bad.ipynb")
    with pytest.raises(ReleaseError, match=r"^98_bad\.ipynb: cell 0 \(grade_id 'q1-answer'\)"):
        release(solutions, lessons, check=True)
    result = _modlab("release", "--check", "--solutions", str(solutions), "--lessons", str(lessons))
    assert result.returncode == 2 and "98_bad.ipynb" in result.stderr


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == "modlab 0.1.0"


# ---------------------------------------------------------------- leaks and committed state


def _pairs() -> list[tuple[Path, Path]]:
    """(solution, lesson) pairs: the real ones plus the fixture pair."""
    real = [(s, LESSONS / s.name) for s in _real_solutions() if (LESSONS / s.name).exists()]
    return real + [(FIXTURE / "solutions" / "01_fixture.ipynb", FIXTURE / "lessons" / "01_fixture.ipynb")]


def _secret_lines(nb) -> set[str]:
    """Stripped lines that occur only inside solution or hidden-test regions of ``nb``."""
    inside, outside = set(), set()
    for cell in nb.cells:
        in_region = False
        for line in cell.source.split("\n"):
            text = line.strip()
            if text in MARKERS:
                in_region = text.startswith("### BEGIN")
            elif text:
                (inside if in_region else outside).add(text)
    return inside - outside


@pytest.mark.parametrize(("solution", "lesson"), [pytest.param(*pair, id=str(pair[1].relative_to(ROOT))) for pair in _pairs()])
def test_no_lesson_leaks_its_solution(solution, lesson):
    text = lesson.read_text(encoding="utf-8")
    for word in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
        assert word not in text, f"{lesson.name} contains {word!r}"
    secrets = _secret_lines(nbformat.read(solution, as_version=4))
    assert secrets, f"{solution.name} has no solution region to check"
    lesson_lines = {line.strip() for cell in nbformat.read(lesson, as_version=4).cells for line in cell.source.split("\n")}
    assert not secrets & lesson_lines, f"{lesson.name} shows solution lines: {sorted(secrets & lesson_lines)}"


def _committed_notebooks() -> list[Path]:
    return sorted([*SOLUTIONS.glob("*.ipynb"), *LESSONS.glob("*.ipynb"), *FIXTURE.glob("lessons/*.ipynb")])


@pytest.mark.parametrize("path", _committed_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_notebooks_have_no_outputs_or_execution_counts(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear outputs and save"


# ---------------------------------------------------------------- nbgrader agreement

NBGRADER_STUBS = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}
OUR_STUB = re.compile(rf"^({re.escape(CODE_STUB)}|{re.escape(TEXT_STUB)}|[A-Za-z_]\w* = \.\.\.)$")
FLAGS = ("grade_id", "points", "solution", "grade", "locked")


def _agreement_notebook() -> Path:
    preferred = SOLUTIONS / "03_amnesty_poll.ipynb"
    if preferred.exists():
        return preferred
    real = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    return real[0] if real else FIXTURE / "solutions" / "01_fixture.ipynb"


def _nbgrader_generate(source: Path, tmp_path: Path) -> tuple[Path, float]:
    """Run ``nbgrader generate_assignment`` on ``source`` in a throwaway course; return output and seconds."""
    nbgrader = Path(sys.executable).parent / "nbgrader"
    if not nbgrader.exists():
        pytest.fail(f"no nbgrader next to {sys.executable}: install the [dev] extra (pip install -e '.[dev]')")
    course, home = tmp_path / "course", tmp_path / "home"
    (course / "source" / "lesson").mkdir(parents=True)
    shutil.copy(source, course / "source" / "lesson" / source.name)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'modlab'\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(course / 'gradebook.db')!r}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_NO_CONFIG="1",  # ignore user and system-wide Jupyter config
        # nbgrader runs `alembic` by name to set up its database, so the venv's bin must be on PATH.
        PATH=os.pathsep.join([str(nbgrader.parent), os.environ.get("PATH", "")]),
    )
    start = time.perf_counter()
    result = subprocess.run([str(nbgrader), "generate_assignment", "lesson", "--force"], cwd=course, env=env,
                            capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, f"nbgrader rejected {source.name}:\n{result.stdout}\n{result.stderr}"
    assert (course / "gradebook.db").exists()
    return course / "release" / "lesson" / source.name, seconds


def _without(source: str, is_stub) -> list[str]:
    return [line for line in source.split("\n") if not is_stub(line.strip())]


@pytest.mark.slow
def test_nbgrader_generate_assignment_agrees_with_release(tmp_path, record_property):
    source = _agreement_notebook()
    output, seconds = _nbgrader_generate(source, tmp_path)
    record_property("nbgrader_seconds", round(seconds, 2))
    solution = nbformat.read(source, as_version=4)
    theirs, ours = nbformat.read(output, as_version=4), release_notebook(solution)

    assert [c.cell_type for c in theirs.cells] == [c.cell_type for c in ours.cells]
    assert [c.get("id") for c in theirs.cells] == [c.get("id") for c in ours.cells]
    compared = 0
    for index, (orig, their, our) in enumerate(zip(solution.cells, theirs.cells, ours.cells)):
        their_flags, our_flags = ({k: c.metadata.get("nbgrader", {}).get(k) for k in FLAGS} for c in (their, our))
        assert their_flags == our_flags, f"cell {index}"
        has_region = our_flags["solution"] or any(line.strip() in MARKERS for line in orig.source.split("\n"))
        if not has_region:
            assert their.source == our.source, f"cell {index}"
            continue
        compared += 1
        assert _without(their.source, NBGRADER_STUBS.__contains__) == _without(our.source, OUR_STUB.match), f"cell {index}"
        if our.cell_type == "markdown" and our_flags["solution"]:
            # identical text means identical nbgrader checksums: an untouched answer in a lesson scores 0
            assert their.source == our.source, f"cell {index}"
    assert compared, f"{source.name} has no solution or hidden-test cells to compare"
