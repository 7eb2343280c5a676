"""Every lesson in real JupyterLab in headless Chromium: Run All, widgets shown, explorers respond.

For each solution notebook (every ``solutions/NN_*.ipynb``, so new lessons are covered
without editing this file): open it, Run All, wait until every cell has run; then no
error text, no page or console errors, the expected number of explorers, every self-check
saying "Correct", every control labelled, every figure with alt text and a caption, and
each explorer's main control operated by mouse and then by keyboard, each time with a new
figure or text within a bound.
The student version (``lessons/``) must show "Not attempted" under every self-check.

Screenshots go to test-artifacts/browser/ (git-ignored); timings are printed at the end.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from browser_checks import (
    EXPLORER,
    EXPLORERS_OR_ERROR_JS,
    STDERR_OUTPUT,
    ROOT,
    VIEWPORT,
    error_texts,
    expected_explorers,
    figure_problems,
    operate_and_time,
    stderr_outputs,
    unlabelled_controls,
    watch,
)

SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
#: Seconds for a whole notebook to run after Run All (a lesson takes about 5 s headless).
RUN_ALL_BOUND_S = 120

_KERNEL_IDLE_JS = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle'; }"""
# Every code cell has run: its prompt shows a number, not "[ ]" or "[*]".
_ALL_RAN_JS = """() => { const p = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'));
  return p.length > 0 && p.every((x) => /\\[\\d+\\]/.test(x.textContent)); }"""
# Code cells with a picture (inline plot or explorer figure) whose next cell is not a "Figure ..." caption.
_UNCAPTIONED_JS = """() => { const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
  return cells.flatMap((cell, i) => {
    if (!cell.classList.contains('jp-CodeCell') || !cell.querySelector('.jp-OutputArea img')) return [];
    const next = cells[i + 1];
    const ok = next && next.classList.contains('jp-MarkdownCell') && /^\\s*Figure\\b/.test(next.innerText);
    return ok ? [] : [`cell ${i}`]; }); }"""


def _open(browser, lab, relative: str):
    page = browser.new_page(viewport=VIEWPORT)
    seen = watch(page)
    page.goto(lab.url(relative))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=60_000)
    return page, seen


def _run_all(page, expected: int) -> tuple[float, float]:
    """Run All; return (seconds until ``expected`` explorers show a figure, seconds until every cell ran)."""
    start = time.monotonic()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    visible = 0.0
    if expected:
        page.wait_for_function(EXPLORERS_OR_ERROR_JS, arg=expected, timeout=RUN_ALL_BOUND_S * 1000)
        assert stderr_outputs(page) == [], "a cell failed before the explorers showed"
        visible = time.monotonic() - start
    page.wait_for_function(f"() => document.querySelectorAll('{STDERR_OUTPUT}').length > 0 || ({_ALL_RAN_JS})()",
                           timeout=RUN_ALL_BOUND_S * 1000)
    assert stderr_outputs(page) == [], "a cell failed or printed to stderr"
    page.wait_for_function(_ALL_RAN_JS, timeout=RUN_ALL_BOUND_S * 1000)
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=RUN_ALL_BOUND_S * 1000)
    return visible, time.monotonic() - start


def _graded_cells(notebook: Path) -> list[int]:
    nb = nbformat.read(notebook, as_version=4)
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]


def _cell_text(page, index: int) -> str:
    return page.locator(".jp-Notebook .jp-Cell").nth(index).inner_text()


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_notebook_in_jupyterlab(browser, lab, timings, artifacts, solution):
    expected = expected_explorers(solution)
    page, seen = _open(browser, lab, f"solutions/{solution.name}")
    try:
        visible, ran = _run_all(page, expected)
        timings[f"{solution.stem}: lab run-all to widgets visible"] = visible
        timings[f"{solution.stem}: lab run-all complete"] = ran

        assert page.locator(".jp-Notebook .jp-Cell").count() == len(nbformat.read(solution, 4).cells)
        assert error_texts(page.inner_text(".jp-Notebook")) == []
        assert page.locator(EXPLORER).count() == expected, "explorers on the page vs cells that display one"
        for index in _graded_cells(solution):
            assert "Correct" in _cell_text(page, index), f"self-check in cell {index} does not say Correct"
        assert unlabelled_controls(page, scope="") == []  # every control on the page, not only in explorers
        assert figure_problems(page) == []
        assert page.evaluate(_UNCAPTIONED_JS) == [], "a figure without a '*Figure N.*' caption cell after it"

        latencies, keyboard = [], []
        for number in range(expected):
            explorer = page.locator(EXPLORER).nth(number)
            action, seconds = operate_and_time(page, explorer)
            latencies.append(seconds)
            explorer.screenshot(path=artifacts / f"lab-{solution.stem}-explorer{number + 1}.png")
            _, seconds = operate_and_time(page, explorer, keyboard=True)  # keyboard users too (WCAG 2.1.1)
            keyboard.append(seconds)
        if latencies:
            timings[f"{solution.stem}: lab control-to-new-plot"] = latencies
            timings[f"{solution.stem}: lab keyboard-to-new-plot"] = keyboard

        assert error_texts(page.inner_text(".jp-Notebook")) == []
        assert stderr_outputs(page) == []
        assert seen.problems() == []
        if expected:
            page.locator(EXPLORER).first.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / f"lab-{solution.stem}.png")
    finally:
        page.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_student_notebook_says_not_attempted(browser, lab, timings, artifacts, lesson):
    expected = expected_explorers(lesson)
    page, seen = _open(browser, lab, f"lessons/{lesson.name}")
    try:
        _, ran = _run_all(page, expected)
        timings[f"{lesson.stem}: lab student version run-all complete"] = ran
        assert error_texts(page.inner_text(".jp-Notebook")) == []
        graded = _graded_cells(lesson)
        assert graded, "a lesson without self-checks"
        for index in graded:
            assert "Not attempted" in _cell_text(page, index), f"self-check in cell {index}: {_cell_text(page, index)!r}"
        assert page.locator(EXPLORER).count() == expected
        assert seen.problems() == []
        page.locator(".jp-Notebook .jp-Cell").nth(graded[0]).scroll_into_view_if_needed()
        page.screenshot(path=artifacts / f"lab-student-{lesson.stem}.png")
    finally:
        page.close()


def test_label_check_fails_on_an_unlabelled_control(browser, lab):
    """The fixture shows one labelled and one unlabelled slider: the check must name exactly one."""
    page, _ = _open(browser, lab, "fixtures/unlabelled_control.ipynb")
    try:
        _run_all(page, 0)
        page.wait_for_selector(f"{EXPLORER} .widget-slider", timeout=30_000)
        found = unlabelled_controls(page)
        assert len(found) == 1 and "widget-slider" in found[0], found
    finally:
        page.close()
