"""Every solution and lesson notebook runs headless, top to bottom, within a time bound.

- ``solutions/*.ipynb``: no error output, no warning text in any output; every
  check cell (nbgrader ``grade: true`` code cell) shows a self-check
  (``q.check(...)``) and all its self-checks say Correct. Outside check cells a
  cell may demonstrate the other kinds of feedback (lesson 00 does), as long as
  it also shows a Correct one: a cell whose only self-checks fail is a wrong
  worked answer and fails the test.
- ``lessons/*.ipynb`` (placeholders ``...`` untouched): no error output, no warning
  text, and every check cell (nbgrader ``grade: true`` code cell) shows
  "Not attempted" rather than raising.
- Each notebook must finish within ``WALL_LIMIT_S``: nbclient can stall on
  ``ipywidgets.Output`` (see the shared recipe notebooks-headless.md), and a stall
  must fail, not pass as "slow". A cell that times out gets a ``CellTimeoutError``
  output from the runner, which fails the error check too.

Notebooks are found when tests are collected, so a new lesson is picked up with no
edit here. They run in place (the kernel's working directory is the notebook's
folder) and the executed notebook is never written back.

Times and peak kernel memory are printed in a summary at the end of the session.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from modlab import corpora
from modlab.notebook_runner import error_outputs, execute_notebook, feedback_outputs, warning_outputs

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))

#: Per-cell timeout in seconds (a cell still running then is interrupted and marked).
CELL_TIMEOUT_S = 60
#: Wall-time bound per notebook in seconds, kernel start included. Usual times are
#: a few seconds (see `make bench`); far longer means a stall or a regression.
WALL_LIMIT_S = 120

pytestmark = pytest.mark.notebooks
TOKEN = re.compile(r"\[slur-\d+\]")


def _is_check_cell(cell) -> bool:
    """An nbgrader auto-graded test cell: ``grade: true`` on a code cell."""
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(nbgrader.get("grade"))


def _check_cells(nb) -> list[int]:
    return [index for index, cell in enumerate(nb.cells) if _is_check_cell(cell)]


def _run(path: Path, kind: str, timings: list, record_property) -> tuple[object, list[str]]:
    """Execute ``path``; return the notebook and the problems every notebook must not have."""
    nb, seconds, peak_mb = execute_notebook(path, timeout=CELL_TIMEOUT_S)
    timings.append((kind, path.name, seconds, peak_mb))
    record_property("seconds", round(seconds, 2))
    record_property("peak_rss_mb", round(peak_mb, 1))
    problems: list[str] = []
    if seconds > WALL_LIMIT_S:
        problems.append(f"took {seconds:.1f} s, over the {WALL_LIMIT_S} s bound (a stall, or far too slow)")
    problems += [f"cell {index}: {ename}: {evalue}" for index, ename, evalue in error_outputs(nb)]
    problems += [f"cell {index}: warning in output: {line}" for index, line in warning_outputs(nb)]
    problems += clear_slurs_in_outputs(nb)
    return nb, problems


def _output_texts(output) -> list[str]:
    if output.get("output_type") == "stream":
        return [output.get("text", "")]
    data = output.get("data", {})
    texts = [data.get(kind, "") for kind in ("text/plain", "text/html", "text/markdown", "text/latex")]
    texts += [output.get("evalue", ""), *output.get("traceback", [])]
    return ["".join(t) if isinstance(t, list) else str(t) for t in texts if t]


def clear_slurs_in_outputs(nb) -> list[str]:
    """Every output (text, tables, HTML, errors) of an executed notebook must be masked.

    The slurs and their variants are the masker's own (built at run time from the fetched
    lexicons): if masking an output would change it, a term is there in clear. Reports the
    cell and the token, never the term.
    """
    masker = corpora.masker()
    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            for text in _output_texts(output):
                masked = masker.mask_slurs(text)
                if masked != text:
                    tokens = sorted(set(TOKEN.findall(masked)) - set(TOKEN.findall(text))) or ["a token already shown"]
                    problems.append(f"cell {index}: a slur in clear text in an output (masked it would read {', '.join(tokens)})")
    return problems


@pytest.fixture(scope="session")
def notebook_timings(request) -> list:
    """Rows ``(kind, name, seconds, peak MiB)``, printed in the terminal summary."""
    rows: list[tuple[str, str, float, float]] = []

    class _Summary:
        def pytest_terminal_summary(self, terminalreporter) -> None:
            if not rows:
                return
            terminalreporter.section("notebook execution (wall s incl. kernel start, kernel peak RSS MiB)")
            for kind, name, seconds, peak in rows:
                flag = "  OVER BOUND" if seconds > WALL_LIMIT_S else ""
                terminalreporter.write_line(f"{kind:9} {name:40} {seconds:7.1f} s {peak:8.1f} MiB{flag}")

    name = "modlab-notebook-timings"
    if request.config.pluginmanager.get_plugin(name) is None:
        request.config.pluginmanager.register(_Summary(), name)
    return rows


def test_there_are_solution_notebooks():
    """Guard: with no notebooks the parametrized tests below would silently not run."""
    assert SOLUTIONS, f"no solution notebooks found in {ROOT / 'solutions'}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_solution_notebook_runs_clean_and_checks_pass(path, notebook_timings, record_property):
    nb, problems = _run(path, "solution", notebook_timings, record_property)
    feedback = feedback_outputs(nb)
    check_cells = set(_check_cells(nb))
    words_by_cell: dict[int, list[str]] = {}
    for index, word, _ in feedback:
        words_by_cell.setdefault(index, []).append(word)
    for index, word, text in feedback:
        if word == "Correct":
            continue
        if index in check_cells:
            problems.append(f"cell {index} (check cell): self-check says {word!r}: {text}")
        elif "Correct" not in words_by_cell[index]:
            # Outside check cells a cell may demonstrate wrong answers on purpose
            # (lesson 00 shows all four kinds of feedback), but then it shows the
            # right one too; a cell whose only checks fail is a wrong worked answer.
            problems.append(f"cell {index}: self-check says {word!r} and nothing in this cell is Correct: {text}")
    problems += [f"cell {index}: check cell shows no self-check feedback" for index in sorted(check_cells) if index not in words_by_cell]
    assert not problems, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_notebook_runs_with_placeholders(path, notebook_timings, record_property):
    nb, problems = _run(path, "lesson", notebook_timings, record_property)
    feedback = feedback_outputs(nb)
    for index in _check_cells(nb):
        words = [word for cell_index, word, _ in feedback if cell_index == index]
        if not words:
            problems.append(f"cell {index}: check cell shows no self-check feedback")
        elif any(word != "Not attempted" for word in words):
            problems.append(f"cell {index}: check cell with untouched placeholders says {words}, expected 'Not attempted'")
    assert not problems, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


def test_output_scan_catches_a_clear_slur_but_not_a_token():
    """The scan above can fail: plant a term (read at run time, never written here) in fake outputs."""
    import nbformat

    from corpus_files import corpus_file
    from modlab import masking

    terms = masking.clear_terms(
        corpus_file("hatecheck", "template_placeholders.csv"),
        corpus_file("davidson2017", "refined_ngram_dict.csv"),
        corpus_file("davidson2017", "labeled_data.csv"),
        corpus_file("hatecheck", "test_suite_cases.csv"),
    )
    number, spelling = 5, terms[5][0]
    nb = nbformat.v4.new_notebook()
    clean = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stdout", text=f"masked: {masking.token(number)}\n")])
    leaky = nbformat.v4.new_code_cell(
        outputs=[nbformat.v4.new_output("execute_result", data={"text/html": f"<td>they said {spelling.title()}s</td>"}, execution_count=1)]
    )
    nb.cells = [clean, leaky]
    assert clear_slurs_in_outputs(nb) == [f"cell 1: a slur in clear text in an output (masked it would read {masking.token(number)})"]


def test_peak_memory_is_the_kernels_own_not_the_test_process(tmp_path):
    """ru_maxrss survives fork+exec: a kernel started by a big process reported the parent's peak."""
    import nbformat

    ballast = bytearray(600 * 1024 * 1024)  # this process now holds 600 MiB
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page so it is resident
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    _, _, peak_mb = execute_notebook(path, timeout=60)
    del ballast
    assert 20 < peak_mb < 300, peak_mb  # an idle ipykernel is ~60-100 MiB
