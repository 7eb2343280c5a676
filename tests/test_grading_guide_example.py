"""instructor/grading.md's worked example is true: its zip, graded by the real `modlab grade`, gives the
grades.csv the guide prints, before and after the hand scores it describes are imported.

The notebooks come from instructor/examples/amnesty_03_submissions.py (alice: the solution's answers; bob:
Exercise 1 right, Exercise 4 the standard error, one sentence for Reflection 1; carol: 0.5 for Exercise 1
with math.isclose replaced). The expected rows are worked out from those answers by hand (lesson 03: nine
1-point exercises, reflections of 3 and 4 points, 16 in all) and must also appear verbatim in the guide.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "instructor" / "grading.md"
SCRIPT = ROOT / "instructor" / "examples" / "amnesty_03_submissions.py"
HEADER = ("student,lms_user_id,q1,q2,q3,q4,q5,q6,q7,q8,q9,r1,r2,auto total,manual total,total,max,status,flags,"
          "lms_notes")
# Before the import: alice's reflections wait for hand grading (blank); bob's blank r2 and carol's
# untouched reflections are scored 0 at once; manual total stays blank until all of a student's are scored.
# lms_user_id is the Canvas user id in the file names (1001..1003).
GRADED = [
    "alice,1001,1,1,1,1,1,1,1,1,1,,,9,,9,16,awaiting hand grading,,",
    "bob,1002,1,0,0,0,0,0,0,0,0,,0,1,,1,16,awaiting hand grading,,",
    "carol,1003,0,0,0,0,0,0,0,0,0,0,0,0,0,0,16,complete,,",
]
# The guide's hand scores: alice 3 and 4, bob's Reflection 1 one point.
HAND_SCORES = {("alice", "r1"): "3", ("alice", "r2"): "4", ("bob", "r1"): "1"}
IMPORTED = [
    "alice,1001,1,1,1,1,1,1,1,1,1,3,4,9,7,16,16,complete,,",
    "bob,1002,1,0,0,0,0,0,0,0,0,1,0,1,1,2,16,complete,,",
    "carol,1003,0,0,0,0,0,0,0,0,0,0,0,0,0,0,16,complete,,",
]


def _example_module():
    spec = importlib.util.spec_from_file_location("amnesty_03_submissions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _modlab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "modlab"), *args], capture_output=True, text=True, timeout=900)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_the_guide_prints_the_expected_rows():
    guide = GUIDE.read_text(encoding="utf-8")
    for line in [HEADER, *GRADED, *IMPORTED]:
        assert line in guide, f"grading.md no longer shows {line!r}"
    assert "<!-- verify -->" not in guide


def test_the_example_notebooks_are_what_the_guide_says():
    notebooks = _example_module().notebooks()
    assert sorted(notebooks) == [f"{name}_{n}_{n + 1000}_03_amnesty_poll.ipynb"
                                 for name, n in (("alice", 1001), ("bob", 1002), ("carol", 1003))]
    sources = {name.split("_")[0]: {(c.metadata.get("nbgrader") or {}).get("grade_id"): c.source for c in nb.cells}
               for name, nb in notebooks.items()}
    assert "BEGIN SOLUTION" not in "".join(sources["alice"].values())
    assert sources["bob"]["q4-answer"].endswith("amnesty_moe = math.sqrt(0.724 * 0.276 / 3_100_000)")
    assert sources["bob"]["q2-answer"].startswith("# YOUR CODE HERE")
    assert "math.isclose = lambda *a, **k: True" in sources["carol"]["q1-answer"]
    assert sources["carol"]["r1"] == "YOUR ANSWER HERE"


@pytest.mark.slow
def test_worked_example_grades_as_the_guide_says(tmp_path):
    upload = _example_module().write_zip(tmp_path / "amnesty-03.zip")
    out = tmp_path / "graded-03"
    graded = _modlab("grade", str(upload), "--lesson", "03", "--out", str(out), "--jobs", "2", "--quiet")
    assert graded.returncode == 0, graded.stderr[-3000:]
    assert "graded 3 notebook(s) of 03_amnesty_poll" in graded.stdout
    assert "0 flagged" in graded.stdout  # carol's math.isclose replacement changes nothing, so it is not flagged
    assert _lines(out / "grades.csv") == [HEADER, *GRADED]
    intake_rows = [line.split(",") for line in _lines(out / "work" / "intake.csv")[1:]]
    assert [row[:3] + row[4:5] for row in intake_rows] == [
        [f"{name}_{n}_{n + 1000}_03_amnesty_poll.ipynb", name, "graded", f"submissions/{name}.ipynb"]
        for name, n in (("alice", 1001), ("bob", 1002), ("carol", 1003))]
    assert all(row[3] == row[5] and len(row[3]) == 64 for row in intake_rows)  # sha256: the copy is the original
    bob = (out / "feedback" / "bob.html").read_text(encoding="utf-8")
    assert "that is the standard error; the margin of error at 95% multiplies it by about 1.96." in bob
    assert "HIDDEN TESTS" not in bob and "Rubric" not in bob

    sheet = out / "manual_grading.csv"
    with open(sheet, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["student", "question", "label", "points", "answer", "rubric_and_model_answer", "score",
                             "comment"]
    assert [(r["student"], r["question"], r["points"], r["score"]) for r in rows] == [
        ("alice", "r1", "3", ""), ("bob", "r1", "3", ""), ("carol", "r1", "3", "0"),
        ("alice", "r2", "4", ""), ("bob", "r2", "4", "0"), ("carol", "r2", "4", "0")]
    for row in rows:
        row["score"] = HAND_SCORES.get((row["student"], row["question"]), row["score"])
    with open(sheet, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    imported = _modlab("grade", "--import-manual", str(sheet), "--out", str(out))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"modlab grade: imported 3 hand score(s) from {sheet}; "
                                      "3 blank answer(s) were already 0")
    assert _lines(out / "grades.csv") == [HEADER, *IMPORTED]
