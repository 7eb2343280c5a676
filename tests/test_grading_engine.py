"""The grading engine: lesson specs for every lesson, and every generated lesson-03 submission graded exactly.

The submissions (tests/grading_submissions.py) are right, wrong, broken and cheating kinds; each must get
exactly the statuses and points its honest answers deserve, with the flags that explain what happened.
They are graded once per session, two at a time (CI has 2 cores).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

from grading_submissions import CASES, REFLECTION, ROUNDED, answered
from modlab.grading.engine import _judge, build_run_notebook, grade_submission, measure_overhead
from modlab.grading.export import MIME
from modlab.grading.lesson_spec import LessonSpecError, load_spec
from modlab.grading.model import CORRECT, INCORRECT, NOT_PLAIN_DATA, NOT_REACHED, NotebookResult, Submission

ROOT = Path(__file__).resolve().parents[1]
# Per lesson: (auto-graded questions, auto points, free-response points in order), from the README's table.
README_POINTS = {
    "00": (3, 3, [2]),
    "01": (8, 8, [4, 3]),
    "02": (8, 8, [3, 4]),
    "03": (9, 9, [3, 4]),
    "04": (8, 9, [3, 3]),
    "05": (7, 7, [3, 3]),
    "06": (7, 7, [3, 3]),
    "07": (8, 10, [3, 3]),
    "08": (7, 7, [3, 3]),
}
README_TOTALS = {"00": 5, "01": 15, "02": 15, "03": 16, "04": 15, "05": 13, "06": 13, "07": 16, "08": 13}


# --- lesson spec --------------------------------------------------------------------------------------
@pytest.mark.parametrize("lesson", sorted(README_POINTS))
def test_every_lesson_spec_matches_the_readme_points_table(lesson):
    spec = load_spec(lesson)
    count, auto, manual = README_POINTS[lesson]
    assert len(spec.questions) == count
    assert spec.auto_points == auto
    assert [r.points for r in spec.free_responses] == manual
    assert spec.auto_points + spec.manual_points == README_TOTALS[lesson]
    # labels are the headings above the free responses, without "(3 points)"-style remarks
    expected = ["Reflection"] if lesson == "00" else [f"Reflection {i}" for i in range(1, len(manual) + 1)]
    assert [r.label for r in spec.free_responses] == expected
    assert all("Rubric" in r.rubric and "BEGIN SOLUTION" not in r.rubric for r in spec.free_responses)
    for q in spec.questions:
        assert q.check_source == f"ex.{q.question}.check({q.name})"
        assert q.label.startswith("Exercise ") and "assert" in q.hidden_tests and "HIDDEN" not in q.hidden_tests


def test_lesson_03_spec_in_detail():
    spec = load_spec("03_amnesty_poll")
    assert spec.lesson == "03_amnesty_poll" and spec.exercises_module == "modlab.exercises.lesson03"
    q5 = spec.questions[4]
    assert (q5.grade_id, q5.answer_grade_id, q5.name, q5.points) == ("q5-check", "q5-answer", "respondents_needed", 1.0)
    assert q5.hidden_tests == "assert abs(respondents_needed - 1068) <= 1\n"
    assert spec.question_object(q5).label == q5.label == "Exercise 5: respondents needed for +/- 3 points"
    assert [(r.grade_id, r.points, r.placeholder) for r in spec.free_responses] == [("r1", 3.0, "YOUR ANSWER HERE"),
                                                                                  ("r2", 4.0, "YOUR ANSWER HERE")]
    assert load_spec(str(ROOT / "solutions" / "03_amnesty_poll.ipynb")).lesson == "03_amnesty_poll"


def test_unknown_lesson_is_a_clear_error(tmp_path):
    with pytest.raises(LessonSpecError, match=r"'42' matches no lesson\. Lessons: 00_start_here, "):
        load_spec("42")
    with pytest.raises(LessonSpecError, match="matches no lesson"):
        load_spec("03", solutions_dir=tmp_path)


def test_run_notebook_replaces_every_check_cell_and_restores_deleted_ones():
    spec = load_spec("03")
    nb = answered(ROUNDED)
    edited = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q3-check")
    edited.source = "print('Correct')"
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "q7-check"]
    plan = build_run_notebook(nb, spec)
    sources = [c.source for c in plan.nb.cells]
    assert not any(".check(" in s or "Correct" in s for s in sources)
    assert sorted(q.grade_id for q in plan.exports.values()) == [f"q{i}-check" for i in range(1, 10)]
    # the restored export sits right after q7's answer cell
    q7 = next(i for i, q in plan.exports.items() if q.grade_id == "q7-check")
    assert plan.nb.cells[q7 - 1].metadata["nbgrader"]["grade_id"] == "q7-answer" and plan.origin[q7] is None
    assert plan.flags == ["check cell q3-check was edited; the original was used",
                          "check cell q7-check was deleted; it was put back after its answer cell"]


# --- generated submissions ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, NotebookResult]:
    folder = tmp_path_factory.mktemp("submissions")
    spec = load_spec("03")
    submissions = [Submission(case.name, case.write(folder), original=f"{case.name}.ipynb") for case in CASES]
    # Two at a time (CI has 2 cores); spawn, so no worker inherits pytest's threads or state.
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(grade_submission, submission, spec, cell_timeout=10, notebook_timeout=case.notebook_timeout)
                   for case, submission in zip(CASES, submissions)]
        results = [future.result() for future in futures]
    for result in results:
        print(f"{result.student:22s} {result.auto_score:3.0f}/9  run {result.execution_seconds:5.1f} s  "
              f"graded {result.grading_seconds:5.1f} s  flags: {result.flags}")
    return {result.student: result for result in results}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_submission_gets_exactly_its_honest_grade(graded, case):
    result = graded[case.name]
    assert {q.grade_id.removesuffix("-check"): q.status for q in result.questions} == case.statuses
    assert [q.score for q in result.questions] == [1.0 if case.statuses[f"q{i}"] == CORRECT else 0.0 for i in range(1, 10)]
    assert result.auto_score == case.auto_score and result.auto_points == 9
    for expected in case.flags:
        assert any(expected in flag for flag in result.flags), (expected, result.flags)
    if not case.flags:  # honest-looking runs and cheats that change nothing are not flagged for errors
        assert not any("raised" in flag or "died" in flag for flag in result.flags), result.flags
    assert [(r.grade_id, r.points, r.score) for r in result.free_responses] == [("r1", 3.0, None), ("r2", 4.0, None)]
    for grade_id, text in case.reflections.items():
        assert next(r.text for r in result.free_responses if r.grade_id == grade_id) == text
    assert all(q.answer is None for q in result.questions if q.status == NOT_REACHED)
    assert not any("assert" in q.message or "isclose" in q.message for q in result.questions)  # never hidden-test text


@pytest.mark.slow
def test_answers_and_messages_come_from_the_export_and_the_kit(graded):
    right = {q.grade_id: q for q in graded["right"].questions}
    assert right["q1-check"].answer == 0.724 and right["q3-check"].answer == "(c)"
    assert right["q2-check"].answer == pytest.approx(17_502_391 * 0.575)
    assert right["q1-check"].label == "Exercise 1: the amnesty poll's yes share"
    wrong = {q.grade_id: q for q in graded["wrong"].questions}
    assert wrong["q5-check"].answer == 1111 and wrong["q5-check"].message == "close: that uses z = 2; use 1.96 for 95% confidence."
    odd = {q.grade_id: q for q in graded["odd_types"].questions}
    assert odd["q1-check"].answer == [0.724] and odd["q5-check"].answer == 1068 and type(odd["q5-check"].answer) is int
    assert odd["q4-check"].message.startswith("`amnesty_moe` is a DataFrame, which cannot be graded")
    untouched = graded["untouched"].questions[0]
    assert untouched.message.startswith("replace the ... placeholder with your answer")
    assert graded["raises"].questions[3].message.startswith("`amnesty_moe` was not defined when this exercise was checked")
    assert graded["os_exit"].questions[4].message.startswith("not reached: the kernel died")
    assert graded["right"].free_responses[0].text == REFLECTION
    assert "Rubric (3 points)" in graded["right"].free_responses[0].rubric
    # Huge integers are "not plain data", said plainly; a 1 MB answer with NUL and escape codes is shown short and clean.
    huge = {q.grade_id: q for q in graded["huge_values"].questions}
    for grade_id, name in [("q5-check", "respondents_needed"), ("q8-check", "meng_effective_n")]:
        assert huge[grade_id].message == (f"`{name}` is an integer too large to grade (an integer with more than 1000 "
                                          "digits): make it a number of sensible size, as the exercise asks.")
    q3 = huge["q3-check"]
    assert q3.answer == "c[31m" + "x" * 194 + "\u2026" and len(q3.answer) == 200
    assert q3.message.startswith("'c[31mxxx") and "not one of the options" in q3.message and len(q3.message) < 400
    assert not any(ch in q3.message + q3.answer for ch in "\x00\x1b")


@pytest.mark.slow
def test_a_missing_notebook_is_graded_not_reached_without_running():
    result = grade_submission(Submission("nobody", None), load_spec("03"))
    assert [q.status for q in result.questions] == [NOT_REACHED] * 9
    assert result.flags == ["no notebook was submitted"] and result.execution_seconds == 0.0


@pytest.mark.slow
def test_grading_overhead_over_bare_execution(tmp_path):
    path = tmp_path / "rounded.ipynb"
    nbformat.write(answered(ROUNDED), path)
    report = measure_overhead([path], load_spec("03"), repeat=2)
    print(report)
    assert report.notebooks == 2 and report.bare_seconds > 0
    # Target 1.2x (issue #8); the bound leaves room for a busy shared CI machine.
    assert report.ratio <= 1.5, str(report)
    assert re.search(r"ratio \d+\.\d\dx", str(report))


# --- exporter and sandbox -----------------------------------------------------------------------------
def _exporter(namespace: dict):
    import builtins
    from types import SimpleNamespace

    from modlab.grading.export import install

    install(SimpleNamespace(user_ns=namespace), "_modlab_test_export")
    try:
        return builtins._modlab_test_export
    finally:
        del builtins._modlab_test_export


def test_exporter_turns_answers_into_plain_data_and_cannot_be_lied_to():
    import numpy as np
    import pandas as pd

    from modlab.grading.export import MIME

    class Liar(float):  # claims to be 0.724 to float(), but its value is 72.4
        def __float__(self):
            return 0.724

    class ListLiar(list):
        def __iter__(self):
            return iter([0.724])

    namespace = {
        "liar": Liar(72.4), "list_liar": ListLiar([72.4]), "np_float": np.float32(0.5), "np_int": np.int64(1068),
        "np_bool": np.bool_(True), "series": pd.Series([1, 2]), "array": np.array([[1.5], [2.5]]), "choice": "(c)",
        "nested": {"a": (1, None, [True])}, "frame": pd.DataFrame({"a": [1]}), "bad_keys": {1: "x"},
        "placeholder": ..., "func": len, "big": list(range(300_000)),
    }
    export = _exporter(namespace)

    def record(name):
        return export(name)._repr_mimebundle_()[MIME]

    values = {name: json.loads(record(name)["json"]) for name in
              ["liar", "list_liar", "np_float", "np_int", "np_bool", "series", "array", "choice", "nested"]}
    assert values == {"liar": 72.4, "list_liar": [72.4], "np_float": 0.5, "np_int": 1068, "np_bool": True,
                      "series": [1, 2], "array": [[1.5], [2.5]], "choice": "(c)", "nested": {"a": [1, None, [True]]}}
    assert type(values["np_int"]) is int
    assert record("frame") == {"kind": "not_plain", "type": "DataFrame", "why": "DataFrame"}
    assert record("bad_keys")["kind"] == record("func")["kind"] == record("big")["kind"] == "not_plain"
    assert record("big")["why"] == "too large"
    assert record("placeholder") == {"kind": "ellipsis"} and record("undefined") == {"kind": "missing"}


def test_exporter_refuses_huge_integers_even_when_the_notebook_lifts_the_digit_limit():
    import sys

    from modlab.grading.export import MIME

    export = _exporter({"big": 10**5000, "negative": -(10**1000), "longest": 10**1000 - 1, "nested": [1, 10**2000]})
    limit = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(0)  # as a notebook can: str() of any int works again
        export_lifted = _exporter({"huge": 10**100000})("huge")._repr_mimebundle_()[MIME]
    finally:
        sys.set_int_max_str_digits(limit)

    def record(name):
        return export(name)._repr_mimebundle_()[MIME]

    too_big = {"kind": "not_plain", "type": "int", "why": "an integer with more than 1000 digits"}
    assert record("big") == record("negative") == export_lifted == too_big
    assert record("nested")["why"] == "an integer with more than 1000 digits"
    assert json.loads(record("longest")["json"]) == 10**1000 - 1  # 1000 digits: still plain data


def _reply(record) -> dict:
    return {"status": "ok", "user_expressions": {"export": {"status": "ok", "data": {MIME: record}, "metadata": {}}}}


def test_a_forged_record_cannot_pass_a_wrong_answer_and_malformed_ones_are_not_plain_data():
    # The kernel can replace the exporter and send any record: that only chooses the value graded, which the
    # hidden tests still judge here. A wrong value in a well-formed forged record fails like a typed one.
    spec = load_spec("03")
    q1, q5 = spec.questions[0], spec.questions[4]
    forged = _judge(q1, spec, _reply({"kind": "value", "json": "72.4", "type": "float", "verdict": "correct"}), "")
    assert (forged.status, forged.score, forged.answer) == (INCORRECT, 0.0, 72.4)
    right = _judge(q1, spec, _reply({"kind": "value", "json": "0.724"}), "")
    assert (right.status, right.score) == (CORRECT, 1.0)
    # Malformed records: never an exception, never a pass.
    malformed = [{"kind": "value"}, {"kind": "value", "json": 0.724}, {"kind": "value", "json": "{not json"},
                 {"kind": "value", "json": "[" * 100_000 + "]" * 100_000}, {"kind": "value", "json": "1" * 5000},
                 {"kind": "value", "json": " " * 2_000_000 + "1068"}, {"kind": ["odd"]}, {"kind": "not_plain", "type": 7},
                 {"kind": "value", "json": '{"a": [1, 2]}'}]
    for record in malformed:
        result = _judge(q5, spec, _reply(record), "")
        assert result.score == 0.0 and result.status in (NOT_PLAIN_DATA, INCORRECT), (record, result)
    assert _judge(q5, spec, _reply({"kind": "value", "json": "1" * 5000}), "").message.startswith(
        "`respondents_needed` is an integer too large to grade")
    # No record at all (exporter deleted, user_expressions replaced): not reached, with the reason.
    for reply in [{"status": "ok", "user_expressions": {}}, {"status": "ok", "user_expressions": {"export": "x"}},
                  _reply("not a dict")]:
        result = _judge(q5, spec, reply, "")
        assert result.status == NOT_REACHED and "could not be read from the kernel" in result.message


@pytest.mark.slow
def test_sandbox_kernel_runs_with_limits_reduced_environment_and_an_empty_folder(tmp_path, monkeypatch):
    import resource

    import psutil

    from modlab.grading.engine import run_notebook
    from modlab.grading.sandbox import OPEN_FILES, PROCESS_MARGIN

    monkeypatch.setenv("MODLAB_SECRET_TOKEN", "must-not-leak")
    code = ("import os, resource\n"
            "env = sorted(os.environ)\n"
            "here = sorted(os.listdir('.'))\n"
            "limits = [resource.getrlimit(getattr(resource, 'RLIMIT_' + r))[0] for r in ('AS', 'FSIZE', 'NOFILE', 'NPROC')]\n"
            "parent_is_grader = os.getppid() == {pid}\n").format(pid=os.getpid())
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)] +
                                  [nbformat.v4.new_code_cell("# export") for _ in range(4)])
    workdir = tmp_path / "work"
    workdir.mkdir()
    run = run_notebook(nb, workdir, export_cells={1: "env", 2: "here", 3: "limits", 4: "parent_is_grader"},
                       export_name="_modlab_x", memory_limit_bytes=3 * 2**30, file_size_limit_bytes=10**7)
    values = [json.loads(run.replies[i]["user_expressions"]["export"]["data"][MIME]["json"]) for i in range(1, 5)]
    env, here, limits, parent_is_grader = values
    # Nothing of the grader's environment leaks but what the engine keeps; ipykernel adds its own variables.
    kept = {"PATH", "LANG", "LC_ALL", "TZ", "MODLAB_DATA_DIR", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
            "HOME", "TMPDIR", "IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_CONFIG_DIR", "PYTHONNOUSERSITE"}  # the last six: ours
    kernel_own = ("JPY_", "PYDEVD_", "CLICOLOR", "FORCE_COLOR", "PAGER", "GIT_PAGER", "MPLBACKEND", "TERM")
    assert {name for name in env if name in os.environ and name not in kept and not name.startswith(kernel_own)} == set()
    assert {"HOME", "IPYTHONDIR", "MPLCONFIGDIR", "TMPDIR"} <= set(env)
    assert "MODLAB_SECRET_TOKEN" not in env and "MODLAB_GRADING_EXPORT_NAME" not in env and "MODLAB_DATA_DIR" in env
    assert here == [".home"]  # nothing but the sandbox's own HOME: no solutions, no other students
    assert limits[:2] == [3 * 2**30, 10**7]
    assert limits[2] == min(OPEN_FILES, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    # RLIMIT_NPROC counts the user's processes and threads: the kernel may add about PROCESS_MARGIN, no more.
    tasks = sum(p.info["num_threads"] or 0 for p in psutil.process_iter(["uids", "num_threads"])
                if p.info["uids"] and p.info["uids"].real == os.getuid())
    assert tasks < limits[3] <= tasks + PROCESS_MARGIN + 100
    assert parent_is_grader is False  # the supervisor stands between the kernel and the grader
    assert run.stopped == "" and run.stopped_at == 5


@pytest.mark.slow
def test_no_kernel_outlives_a_killed_grader(tmp_path):
    import subprocess
    import sys
    import time

    import psutil

    notebook = next(case for case in CASES if case.name == "infinite_loop").write(tmp_path)
    code = ("from pathlib import Path\nfrom modlab.grading.engine import grade_submission\n"
            "from modlab.grading.lesson_spec import load_spec\nfrom modlab.grading.model import Submission\n"
            f"grade_submission(Submission('x', Path({str(notebook)!r})), load_spec('03'))\n")
    grader = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, sandbox = time.monotonic() + 90, []
        while len(sandbox) < 2 and time.monotonic() < deadline:  # supervisor and kernel
            time.sleep(0.5)
            sandbox = [p for p in psutil.Process(grader.pid).children(recursive=True)
                       if "modlab.grading.sandbox" in " ".join(p.cmdline())]
        assert len(sandbox) == 2
        time.sleep(2)
    finally:
        grader.kill()  # as a batch worker killed by a notebook (or by the instructor) would be
        grader.wait()
    _, alive = psutil.wait_procs(sandbox, timeout=15)
    assert alive == []


@pytest.mark.parametrize("breakage, message", [
    (lambda src: src.replace("### BEGIN HIDDEN TESTS\nassert abs(respondents_needed - 1068) <= 1\n### END HIDDEN TESTS\n", ""),
     "grade cell 'q5-check' needs hidden tests"),
    (lambda src: src.replace("respondents_needed = int(", "needed = int("), "answer cell 'q5-answer' does not assign 'respondents_needed'"),
    (lambda src: src.replace("ex.q5.check(respondents_needed)", "ex.q99.check(respondents_needed)"), "q99-answer"),
])
def test_a_solution_not_in_the_grading_format_is_a_clear_error(tmp_path, breakage, message):
    nb = nbformat.read(ROOT / "solutions" / "03_amnesty_poll.ipynb", as_version=4)
    for cell in nb.cells:
        cell.source = breakage(cell.source)
    nbformat.write(nb, tmp_path / "03_amnesty_poll.ipynb")
    with pytest.raises(LessonSpecError, match=re.escape(message)):
        load_spec("03", solutions_dir=tmp_path)


@pytest.mark.slow
@pytest.mark.notebooks
def test_solutions_with_two_point_questions_grade_full_marks():
    # Lessons 04 and 07: 2-point questions, random cell ids; the engine is the same for every lesson.
    specs = [load_spec("04"), load_spec("07")]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(grade_submission, Submission(s.lesson, s.solution_path), s, cell_timeout=120) for s in specs]
        results = [future.result() for future in futures]
    assert [(r.auto_score, r.auto_points) for r in results] == [(9.0, 9.0), (10.0, 10.0)]
    assert [q.points for q in results[1].questions] == [1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 2.0, 1.0]
    # a solution's check cells carry the hidden tests, so they differ from the handed-out ones: flagged, replaced
    assert all(flag.endswith("was edited; the original was used") for r in results for flag in r.flags)


@pytest.mark.slow
@pytest.mark.parametrize("then", ["", "os.kill(os.getppid(), 9)\n"], ids=["kernel_lives", "supervisor_killed"])
def test_nothing_a_notebook_starts_outlives_its_grading(tmp_path, then):
    # A detached sleeper (double fork + setsid: own session, no death signal) that would rewrite the grader's
    # outputs after it exits. The supervisor is a subreaper: it inherits the sleeper and kills it at teardown;
    # if the notebook kills the supervisor first, the engine's sweep by the sandbox's HOME finds it.
    import time

    import psutil

    pid_file, marker = tmp_path / "sleeper.pid", tmp_path / "escaped.txt"
    escape = ("import os, time\n"
              "if os.fork() == 0:\n"
              "    os.setsid()\n"
              "    if os.fork() == 0:\n"
              f"        open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
              "        time.sleep(8)\n"
              f"        open({str(marker)!r}, 'w').write('rewritten after grading')\n"
              "        os._exit(0)\n"
              "    os._exit(0)\n"
              "os.wait()\n"
              "time.sleep(0.5)\n" + then)
    notebook = tmp_path / "escaper.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(escape)]), notebook)
    result = grade_submission(Submission("escaper", notebook), load_spec("03"), cell_timeout=30)
    started = pid_file.stat().st_mtime
    sleeper = int(pid_file.read_text())
    assert not psutil.pid_exists(sleeper) or psutil.Process(sleeper).status() == psutil.STATUS_ZOMBIE, \
        "the detached sleeper outlived grading"
    time.sleep(max(0.0, started + 10 - time.time()))
    assert not marker.exists()
    expected = "not reached" if then else "not answered"  # it defined no answers (and killed its kernel)
    assert [q.status for q in result.questions] == [expected] * 9
