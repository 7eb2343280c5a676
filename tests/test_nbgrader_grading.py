"""Hand out lessons/, grade with nbgrader: the README's grading recipe, run for real.

Three fake students hand in lesson 03: untouched, answered with sensibly rounded values
(which the learner's checks call Correct), and with three wrong answers. nbgrader must give
0, 9 and 6 auto-graded points, never stop the batch, and score untouched free responses 0
without sending them to manual grading.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading_submissions import ROUNDED, WRONG  # the same answers modlab grade is tested with
from test_release import _nbgrader_generate

ROOT = Path(__file__).resolve().parents[1]
LESSON = "03_amnesty_poll.ipynb"


def _submit(course: Path, student: str, answers: dict[str, str]) -> None:
    nb = nbformat.read(ROOT / "lessons" / LESSON, as_version=4)
    for cell in nb.cells:
        question = cell.get("id", "").removesuffix("-answer")
        if cell.get("id", "").endswith("-answer") and question in answers:
            cell.source = answers[question]
    folder = course / "submitted" / student / "lesson"
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / LESSON)


@pytest.mark.slow
def test_lessons_handed_out_grade_as_the_checks_say(tmp_path):
    _nbgrader_generate(ROOT / "solutions" / LESSON, tmp_path)
    course = tmp_path / "course"
    _submit(course, "untouched", {})
    _submit(course, "rounded", ROUNDED)
    _submit(course, "wrong", WRONG)
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(HOME=str(tmp_path / "home"), JUPYTER_NO_CONFIG="1", PATH=os.pathsep.join([str(bin_dir), env.get("PATH", "")]))
    result = subprocess.run([str(bin_dir / "nbgrader"), "autograde", "lesson", "--force", "--create"], cwd=course,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {}
        for student in ("untouched", "rounded", "wrong"):
            notebook = gradebook.find_submission_notebook(LESSON.removesuffix(".ipynb"), "lesson", student)
            scores[student] = notebook.score
            free = [g for g in notebook.grades if g.name in ("r1", "r2")]  # nobody wrote a reflection
            assert all(g.auto_score == 0 and not g.needs_manual_grade for g in free), (student, [(g.name, g.needs_manual_grade) for g in free])
        assert scores == {"untouched": 0, "rounded": 9, "wrong": 6}
