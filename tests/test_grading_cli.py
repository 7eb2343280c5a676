"""`modlab grade` from the command line: one-line errors, the summary, the manual import, and end to end.

The end-to-end test grades a zip of every generated lesson-03 submission (right, wrong, broken and
cheating kinds; tests/grading_submissions.py) with the real engine and checks every grade in grades.csv.
"""

import csv
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grading_fakes import fake_grade, write_fake
from modlab import cli
from modlab.grading import batch
from modlab.grading.feedback import number
from modlab.grading.model import CORRECT

ALL = [f"q{i}-check" for i in range(1, 10)]


def _run(capsys, *argv):
    code = cli.main(["grade", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fake_engine(monkeypatch):
    monkeypatch.setattr(batch, "_engine", lambda: fake_grade)


def test_missing_path_is_one_line_exit_2(tmp_path, capsys):
    code, out, err = _run(capsys, tmp_path / "nope.zip", "--lesson", "03")
    assert (code, out, err) == (2, "", f"modlab grade: error: {tmp_path / 'nope.zip'} does not exist\n")


def test_unknown_lesson_is_one_line_exit_2(tmp_path, capsys):
    write_fake(tmp_path / "up" / "alice.ipynb")
    code, out, err = _run(capsys, tmp_path / "up", "--lesson", "99")
    assert code == 2 and out == ""
    assert err.startswith("modlab grade: error: unknown lesson: '99' matches no lesson. Lessons: 00_start_here, ")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_empty_upload_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "up").mkdir()
    code, out, err = _run(capsys, tmp_path / "up", "--lesson", "03", "--out", tmp_path / "out")
    assert (code, out, err) == (2, "", f"modlab grade: error: {tmp_path / 'up'} holds no files to grade\n")


def test_out_inside_the_upload_is_refused(tmp_path, capsys):
    write_fake(tmp_path / "up" / "alice.ipynb")
    code, _, err = _run(capsys, tmp_path / "up", "--lesson", "03", "--out", tmp_path / "up" / "graded")
    assert code == 2
    assert err == (f"modlab grade: error: --out {tmp_path / 'up' / 'graded'} is inside the submissions folder; "
                   "choose a folder outside it (originals are never modified)\n")


def test_without_the_grading_tools_one_line_says_what_to_install(tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "nbgrader" else real(name, *a))
    assert _run(capsys, tmp_path, "--lesson", "03") == (
        2, "", "modlab grade: error: nbgrader not installed: install the grading tools with pip install -e '.[grade]' "
               "(or `make install` in the repository)\n")


def test_import_manual_needs_out_and_a_graded_folder(tmp_path, capsys):
    assert _run(capsys, "--import-manual", "sheet.csv") == (
        2, "", "modlab grade: error: --import-manual needs --out DIR: the folder an earlier `modlab grade` wrote\n")
    assert _run(capsys, "--import-manual", "sheet.csv", "--out", tmp_path) == (
        2, "", f"modlab grade: error: {tmp_path} holds no graded results (run `modlab grade` into it first)\n")


def test_grade_then_import_with_a_fake_engine(tmp_path, capsys, fake_engine):
    write_fake(tmp_path / "up" / "alice.ipynb", correct=ALL, text={"r1": "Self-selected voters."})
    write_fake(tmp_path / "up" / "bob.ipynb", correct=["q2-check"], flags=["cell 3 raised ValueError"])
    out = tmp_path / "graded"
    code, stdout, err = _run(capsys, tmp_path / "up", "--lesson", "03", "--out", out, "--jobs", "2", "--quiet")
    assert code == 0, err
    lines = stdout.splitlines()
    assert re.fullmatch(r"modlab grade: graded 2 notebook\(s\) of 03_amnesty_poll in \d+\.\d s "
                        r"\(\d+\.\d/min, 2 job\(s\)\); 2 student\(s\) in grades.csv, 1 flagged \(see the flags column\)",
                        lines[0]), lines[0]
    assert lines[1:] == [
        f"  grades:          {out / 'grades.csv'}",
        f"  feedback:        {out / 'feedback'}/<student>.html (one page per student)",
        f"  manual grading:  {out / 'manual_grading.csv'} (fill score and comment, then: "
        f"modlab grade --import-manual {out / 'manual_grading.csv'} --out {out})",
        f"  gradebook:       {out / 'gradebook.db'} (nbgrader)",
        f"  uploaded files:  {out / 'work' / 'intake.csv'} (what happened to each)",
    ]
    sheet = out / "manual_grading.csv"
    with open(sheet, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert (rows[0]["student"], rows[0]["question"], rows[0]["answer"]) == ("alice", "r1", "Self-selected voters.")
    rows[0].update(score="3", comment="Clear.")
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, stdout, err = _run(capsys, "--import-manual", sheet, "--out", out)
    assert (code, err) == (0, "")
    assert stdout == (f"modlab grade: imported 1 hand score(s) from {sheet}; 3 blank answer(s) were already 0; "
                      f"rewrote {out / 'grades.csv'}, feedback/ and the sheet\n")
    assert (out / "grades.csv").read_text().splitlines()[1] == "alice,,1,1,1,1,1,1,1,1,1,3,0,9,3,12,16,complete,,"
    # Grading again resumes (nothing changed: nothing run); --regrade runs both again.
    code, stdout, err = _run(capsys, tmp_path / "up", "--lesson", "03", "--out", out, "--quiet")
    assert code == 0 and stdout.startswith("modlab grade: graded 0 notebook(s)"), err
    assert "  note: kept 2 result(s) of the earlier run whose notebook is unchanged (--regrade grades them again)" in stdout
    code, stdout, err = _run(capsys, tmp_path / "up", "--lesson", "03", "--out", out, "--quiet", "--regrade")
    assert code == 0 and stdout.startswith("modlab grade: graded 2 notebook(s)"), err
    assert (out / "grades.csv").read_text().splitlines()[1] == "alice,,1,1,1,1,1,1,1,1,1,3,0,9,3,12,16,complete,,"
    bad = tmp_path / "bad.csv"
    bad.write_text("student,question,score,comment\nalice,r2,9,\n")
    code, stdout, err = _run(capsys, "--import-manual", bad, "--out", out)
    assert (code, stdout) == (2, "")
    assert err == f"modlab grade: error: {bad}: 1 problem(s); nothing was imported\n  row 2: score 9 is outside 0..4 for r2\n"


@pytest.mark.slow
def test_end_to_end_zip_of_generated_submissions_grades_exactly(tmp_path):
    from grading_submissions import write_all

    cases = write_all(tmp_path / "generated")
    assert len(cases) >= 10
    # One `modlab grade` per per-notebook timeout the cases were written for (a case testing that timeout
    # sets a short one); each grades a zip as an LMS would hand it over.
    rows = {}
    for timeout in sorted({case.notebook_timeout for case in cases.values()}):
        upload = tmp_path / f"upload-{timeout:g}.zip"
        with zipfile.ZipFile(upload, "w") as zf:
            for name, case in cases.items():
                if case.notebook_timeout == timeout:
                    zf.write(tmp_path / "generated" / f"{name}.ipynb", f"{name}.ipynb")
        out = tmp_path / f"graded-{timeout:g}"
        result = subprocess.run(
            [str(Path(sys.executable).parent / "modlab"), "grade", str(upload), "--lesson", "03", "--out", str(out),
             "--jobs", "2", "--cell-timeout", "10", "--notebook-timeout", f"{timeout:g}"],
            capture_output=True, text=True, timeout=1500,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        print(result.stdout)  # the summary, with throughput, in the test log
        with open(out / "grades.csv", newline="") as handle:
            rows |= {row["student"]: row for row in csv.DictReader(handle)}
        for page in (out / "feedback").glob("*.html"):
            assert "HIDDEN TESTS" not in page.read_text() and "Model answer" not in page.read_text()
    assert sorted(rows) == sorted(cases)
    got, want, missing_flags = {}, {}, []
    for name, case in cases.items():
        row = rows[name]
        blank = {r: not case.reflections.get(r, "").strip() for r in ("r1", "r2")}
        expected = {
            **{q: "1" if case.statuses[q] == CORRECT else "0" for q in case.statuses},
            "r1": "0" if blank["r1"] else "", "r2": "0" if blank["r2"] else "",
            "auto total": number(case.auto_score),
            "manual total": "0" if all(blank.values()) else "",
            "total": number(case.auto_score), "max": "16",
        }
        got[name], want[name] = {k: row[k] for k in expected}, expected
        missing_flags += [(name, flag, row["flags"]) for flag in case.flags if flag not in row["flags"]]
    # Compared all at once: a failure lists every submission graded differently.
    assert {n: g for n, g in got.items() if g != want[n]} == {n: w for n, w in want.items() if w != got[n]}
    assert missing_flags == []
