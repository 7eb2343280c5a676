"""The instructor guide (instructor/) stays in step with the lessons.

- every lesson in solutions/ has a page instructor/lessons/NN_*.md;
- every answer in a page's answer table is one the kit's own check accepts (``q.is_correct``), every
  auto-checked question of the lesson has exactly one row, and the points match the solution's
  nbgrader metadata; reflection headings carry the points of the solution's ``rN`` cells;
- every relative link in instructor/ (and README's pointer to it) resolves to a file.

Answer tables are rows such as ``| Exercise 3 | q3 | 0.0005 | 1 | ... |``: the value is a number
(commas allowed), a quoted letter or name (``"c"``), or a list of quoted names.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

from modlab.exercises import Question

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "instructor"
PAGES = GUIDE / "lessons"
ROW = re.compile(r"^\|\s*(Exercise \d+|Practice)\s*\|\s*`?(q\d+|practice)`?\s*\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|", re.M)
REFLECTION = re.compile(r"^#+ Reflection (\d+) \((r\d+), (\d+) points?\)", re.M)
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def solution_notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def page_for(number: str) -> Path | None:
    found = sorted(PAGES.glob(f"{number}_*.md"))
    return found[0] if found else None


def graded_points(notebook: Path) -> dict[str, float]:
    """grade_id -> points of every graded cell of a solution notebook."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    meta = (c.get("metadata", {}).get("nbgrader", {}) for c in cells)
    return {m["grade_id"]: float(m.get("points", 0)) for m in meta if m.get("grade") and m.get("grade_id")}


def parse_value(text: str):
    """A table cell as an answer: a quoted text or list is read literally, anything else as a number."""
    text = text.strip().strip("`").strip()
    if text[:1] in "\"'[":
        return ast.literal_eval(text)
    return float(text.replace(",", "").replace("_", "").replace(" ", ""))


def answer_rows(page_text: str) -> list[tuple[str, str, object, int]]:
    return [(label, name, parse_value(value), int(points)) for label, name, value, points in ROW.findall(page_text)]


def questions_of(module) -> dict[str, Question]:
    return {name: q for name, q in vars(module).items() if isinstance(q, Question) and re.fullmatch(r"q\d+|practice", name)}


def table_problems(page_text: str, module, points: dict[str, float]) -> list[str]:
    """Every way the page's answer table disagrees with the lesson (empty when it agrees)."""
    problems = []
    rows = answer_rows(page_text)
    questions = questions_of(module)
    names = [name for _, name, _, _ in rows]
    for name in sorted(set(questions) - set(names)):
        problems.append(f"{name}: no row in the answer table")
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{name}: more than one row")
    for label, name, value, row_points in rows:
        question = questions.get(name)
        if question is None:
            problems.append(f"{label} ({name}): the lesson has no such question")
            continue
        if not question.is_correct(value):
            problems.append(f"{label} ({name}): the kit's check does not accept {value!r}")
        if not question.label.lower().startswith(label.lower()):
            problems.append(f"{label} ({name}): the question is labelled {question.label!r}")
        if name != "practice" and points.get(f"{name}-check") != row_points:
            problems.append(f"{label} ({name}): {row_points} points written, {points.get(f'{name}-check')} in the solution")
    return problems


@pytest.mark.parametrize("notebook", solution_notebooks(), ids=lambda p: p.stem)
def test_every_lesson_has_a_page(notebook):
    assert page_for(notebook.name[:2]) is not None, f"instructor/lessons/{notebook.name[:2]}_*.md is missing"


@pytest.mark.parametrize("notebook", solution_notebooks(), ids=lambda p: p.stem)
def test_answer_table_matches_the_checks(notebook):
    page = page_for(notebook.name[:2])
    assert page is not None
    try:
        module = importlib.import_module(f"modlab.exercises.lesson{notebook.name[:2]}")
    except ModuleNotFoundError:
        pytest.skip(f"lesson {notebook.name[:2]} has no exercise module")
    problems = table_problems(page.read_text(encoding="utf-8"), module, graded_points(notebook))
    assert not problems, f"{page.relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("notebook", solution_notebooks(), ids=lambda p: p.stem)
def test_reflection_points_match_the_solution(notebook):
    page = page_for(notebook.name[:2])
    assert page is not None
    written = {grade_id: float(points) for _, grade_id, points in REFLECTION.findall(page.read_text(encoding="utf-8"))}
    expected = {gid: p for gid, p in graded_points(notebook).items() if re.fullmatch(r"r\d+", gid)}
    assert written == expected, f"{page.name}: reflections written {written}, solution has {expected}"


def test_a_wrong_answer_is_caught():
    """The checker itself: a row with a wrong value, a missing question and wrong points are reported."""
    from modlab.exercises import lesson03

    points = graded_points(ROOT / "solutions" / "03_amnesty_poll.ipynb")
    good = "\n".join(f"| Exercise {n} | q{n} | {value} | 1 | x |" for n, value in
                     [(1, "0.724"), (2, "10,063,875"), (3, '"c"'), (4, "0.000498"), (5, "1068"), (6, "0.667"),
                      (7, "0.512"), (8, "402"), (9, "132")])
    assert table_problems(good, lesson03, points) == []
    wrong = good.replace("| q4 | 0.000498 |", "| q4 | 0.000254 |")
    assert any("q4" in p and "does not accept" in p for p in table_problems(wrong, lesson03, points))
    missing = "\n".join(line for line in good.splitlines() if "| q9 |" not in line)
    assert any(p.startswith("q9: no row") for p in table_problems(missing, lesson03, points))
    assert any("points" in p for p in table_problems(good.replace("| q1 | 0.724 | 1 |", "| q1 | 0.724 | 2 |"), lesson03, points))


def markdown_files() -> list[Path]:
    return sorted(GUIDE.rglob("*.md"))


def test_guide_exists():
    assert (GUIDE / "README.md").is_file()
    assert len(markdown_files()) >= 13


@pytest.mark.parametrize("path", [*markdown_files(), ROOT / "README.md"], ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # links inside code blocks are examples, not links
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        file_part = target.split("#", 1)[0]
        if not (path.parent / file_part).exists():
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)}: links that resolve to nothing: {broken}"


def test_readme_points_to_the_guide():
    assert "](instructor/" in (ROOT / "README.md").read_text(encoding="utf-8")
