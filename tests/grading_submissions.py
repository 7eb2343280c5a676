"""Generated lesson-03 submissions (right, wrong, broken, cheating) with the exact grade each deserves.

Every case starts from the handed-out ``lessons/03_amnesty_poll.ipynb`` (as a student gets it), fills answer
cells and adds or edits cells, and states the expected status of q1..q9 and the flags the engine must raise.
A cheating case gets exactly what its *honest* answers deserve: the cheat must change nothing.

Lesson 03: q1..q9 one point each (auto), r1 3 and r2 4 points (manual).

Used by tests/test_grading_engine.py (the engine) and available to the batch side's tests (a folder of
generated submissions: :func:`write_all`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from modlab.grading.export import MIME
from modlab.grading.model import CORRECT, INCORRECT, NOT_ANSWERED, NOT_PLAIN_DATA, NOT_REACHED

ROOT = Path(__file__).resolve().parents[1]
LESSON = "03_amnesty_poll"
QUESTIONS = [f"q{i}" for i in range(1, 10)]

#: Answers a learner might type: all right, some sensibly rounded (the checks accept them).
ROUNDED = {
    "q1": "amnesty_yes_share = 0.724",
    "q2": "step_down_yes_votes = 10_060_000",
    "q3": 'whose_opinion = "(c)"',
    "q4": "amnesty_moe = 0.0005",
    "q5": "respondents_needed = 1068",
    "q6": "share_with_double_turnout = 0.67",
    "q7": "population_share_in_favour = 0.51",
    "q8": "meng_effective_n = 400",
    "q9": "amnesty_effective_n = 130",
}
#: Three wrong: a percentage for a proportion, z = 2 instead of 1.96, a ratio instead of n_eff.
WRONG = {**ROUNDED, "q1": "amnesty_yes_share = 72.4", "q5": "respondents_needed = 1111", "q9": "amnesty_effective_n = 1.32"}
WRONG_STATUSES = {q: INCORRECT if q in ("q1", "q5", "q9") else CORRECT for q in QUESTIONS}
ALL_CORRECT = dict.fromkeys(QUESTIONS, CORRECT)
REFLECTION = "The poll counts self-selected voters, not users; its margin of error assumes a random sample."


def _statuses(**changes: str) -> dict[str, str]:
    return {**ALL_CORRECT, **changes}


def handed_out() -> nbformat.NotebookNode:
    """A fresh copy of the notebook students receive."""
    return nbformat.read(ROOT / "lessons" / f"{LESSON}.ipynb", as_version=4)


def _grade_id(cell) -> str:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id", "")


def _index(nb, grade_id: str) -> int:
    return next(i for i, cell in enumerate(nb.cells) if _grade_id(cell) == grade_id)


def answered(answers: dict[str, str], reflections: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The handed-out notebook with answer cells (``qN-answer``) and free responses (``rN``) filled in."""
    nb = handed_out()
    for cell in nb.cells:
        question = _grade_id(cell).removesuffix("-answer")
        if _grade_id(cell).endswith("-answer") and question in answers:
            cell.source = answers[question]
        if reflections and _grade_id(cell) in reflections:
            cell.source = reflections[_grade_id(cell)]
    return nb


def insert_after(nb, grade_id: str, source: str) -> nbformat.NotebookNode:
    """Add a student's scratch cell after the cell with this grade id."""
    nb.cells.insert(_index(nb, grade_id) + 1, nbformat.v4.new_code_cell(source))
    return nb


def insert_before(nb, grade_id: str, source: str) -> nbformat.NotebookNode:
    nb.cells.insert(_index(nb, grade_id), nbformat.v4.new_code_cell(source))
    return nb


@dataclass
class Case:
    """One generated submission and what grading it must give."""

    name: str
    build: Callable[[], object]       # -> NotebookNode, or bytes written as they are
    statuses: dict[str, str]          # q1..q9 -> status
    flags: list[str] = field(default_factory=list)  # substrings, each must appear in one flag
    reflections: dict[str, str] = field(default_factory=dict)  # r1/r2 -> expected text
    notebook_timeout: float = 180     # seconds for the whole run when graded in the tests

    @property
    def auto_score(self) -> float:
        return float(sum(status == CORRECT for status in self.statuses.values()))

    def write(self, folder: Path) -> Path:
        path = Path(folder) / f"{self.name}.ipynb"
        built = self.build()
        if isinstance(built, bytes):
            path.write_bytes(built)
        else:
            nbformat.write(built, path, version=built.get("nbformat", 4))
        return path


# --- builders -----------------------------------------------------------------------------------------
def _truncated() -> bytes:
    text = nbformat.writes(answered(ROUNDED))
    return text[: len(text) // 2].encode()


def _v3() -> nbformat.NotebookNode:
    return nbformat.convert(answered(ROUNDED), 3)


def _edited_check() -> nbformat.NotebookNode:
    nb = answered(WRONG)
    for grade_id in ("q1-check", "q5-check"):
        nb.cells[_index(nb, grade_id)].source = "print('\u2714 Correct: well done.')"
    return nb


def _deleted_checks() -> nbformat.NotebookNode:
    nb = answered(WRONG)
    for grade_id in ("q1-check", "q2-check"):
        del nb.cells[_index(nb, grade_id)]
    return nb


_SHADOW = """\
# Shadow the names nbgrader's in-kernel hidden tests use
abs = lambda *args: 0
isinstance = lambda *args: True
float = lambda *args: 0.724
round = lambda *args, **kwargs: 1068
import builtins
builtins.abs = lambda *args: 0
"""

_MONKEYPATCH = """\
import math, numpy, pandas
math.isclose = lambda *args, **kwargs: True
np.isclose = lambda *args, **kwargs: True
np.allclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
pandas.testing.assert_series_equal = lambda *args, **kwargs: None
pd.Series.__eq__ = lambda self, other: True
"""

_REPLACE_CHECKS = """\
from modlab.exercises import base
for _q in (ex.q1, ex.q5, ex.q9):
    _q.check = lambda *args: print('\u2714 Correct: well done.')
    _q.is_correct = lambda *args: True
base.Question.evaluate = lambda self, value: base.Feedback('correct', 'well done.', self.label)
"""

_REWRITE_TRANSFORMER = """\
def _cheat(lines):
    return ["print('\u2714 Correct: well done.')\\n" if ('check(' in line or 'assert' in line) else line for line in lines]
get_ipython().input_transformers_cleanup.append(_cheat)
get_ipython().input_transformers_post.append(_cheat)
"""

_BLANK_TRANSFORMER = "get_ipython().input_transformers_post.append(lambda lines: [])"

_FAKE_RECORD = (
    "from IPython.display import display\n"
    "def _fake(*args, **kwargs):\n"
    "    for _name, _value in [('amnesty_yes_share', 0.724), ('respondents_needed', 1068), ('amnesty_effective_n', 130)]:\n"
    f"        display({{{MIME!r}: {{'kind': 'value', 'json': str(_value), 'name': _name}}, 'text/plain': '\u2714 Correct'}}, raw=True)\n"
    "        print('\u2714 Correct: well done.')\n"
)


def _hook() -> nbformat.NotebookNode:
    nb = answered(WRONG)
    return insert_before(nb, "q1-answer", _FAKE_RECORD + "get_ipython().events.register('post_run_cell', _fake)")


def _fake_records() -> nbformat.NotebookNode:
    nb = answered(WRONG)
    insert_before(nb, "q1-answer", _FAKE_RECORD)
    for grade_id in ("q1-check", "q5-check", "q9-check"):
        insert_after(nb, grade_id, "_fake()")
    return nb


def _too_long() -> nbformat.NotebookNode:
    nb = answered(ROUNDED)
    for _ in range(10):  # 80 s in cells of 8 s, each within the 10 s cell timeout
        insert_after(nb, "q1-check", "import time\ntime.sleep(8)")
    return nb


def _odd_types() -> nbformat.NotebookNode:
    nb = answered({
        **ROUNDED,
        # a one-row Series (exported as a list; the check and the hidden tests both reject it)
        "q1": 'amnesty_yes_share = polls_table.loc[polls_table["poll_id"] == "general_amnesty", "yes_share"]',
        "q2": "step_down_yes_votes = np.float64(17_502_391 * 0.575)",
        "q4": "amnesty_moe = polls_table",  # a DataFrame: not plain data
        "q5": "respondents_needed = np.int64(1068)",
    })
    return nb


def _stripped_metadata() -> nbformat.NotebookNode:
    # An honest notebook re-saved by an editor that dropped the nbgrader metadata and renumbered the cell ids.
    nb = answered(ROUNDED, {"r1": REFLECTION})
    for number, cell in enumerate(nb.cells):
        cell.metadata, cell.id = {}, f"resaved-{number}"
    return nb


# Deletes the grader's exporter from builtins after Exercise 3: later answers cannot be read (never silent).
_DELETE_EXPORTER = "import builtins\nfor _n in [n for n in dir(builtins) if n.startswith('_modlab_export_')]:\n    delattr(builtins, _n)"

_HUGE = {
    **ROUNDED,
    "q3": "whose_opinion = 'c\\x00\\x1b[31m' + 'x' * 900_000",  # wrong, NUL and escape codes, 0.9 MB
    "q5": "respondents_needed = 10**5000",
    "q8": "import sys\nsys.set_int_max_str_digits(0)\nmeng_effective_n = 10**100000",
}


CASES = [
    Case("right", lambda: answered(ROUNDED | {"q2": "yes_votes = polls_table['votes'] * polls_table['yes_share']\n"
                                                    "step_down_yes_votes = yes_votes[polls_table['poll_id'] == 'step_down'].item()"},
                                   {"r1": REFLECTION}), ALL_CORRECT, reflections={"r1": REFLECTION, "r2": ""}),
    Case("wrong", lambda: answered(WRONG), WRONG_STATUSES),
    Case("untouched", handed_out, dict.fromkeys(QUESTIONS, NOT_ANSWERED), reflections={"r1": "", "r2": ""}),
    Case("odd_types", _odd_types, _statuses(q1=INCORRECT, q4=NOT_PLAIN_DATA)),
    Case("raises", lambda: answered({**ROUNDED, "q4": "amnesty_moe = 1 / 0"}), _statuses(q4=NOT_ANSWERED),
         flags=["the answer cell of Exercise 4 (cell 22) raised ZeroDivisionError"]),
    Case("scratch_raises", lambda: insert_after(answered(ROUNDED), "q3-check", "print(undefined_name)"), ALL_CORRECT,
         flags=["a cell you added after Exercise 3 (cell 20) raised NameError"]),
    Case("stripped_metadata", _stripped_metadata, ALL_CORRECT,
         flags=["grading metadata was missing; cells were matched by their ids and contents"],
         reflections={"r1": REFLECTION, "r2": ""}),
    Case("deleted_exporter", lambda: insert_after(answered(ROUNDED), "q3-check", _DELETE_EXPORTER),
         _statuses(**dict.fromkeys(["q4", "q5", "q6", "q7", "q8", "q9"], NOT_REACHED)),
         flags=["answers after Exercise 3 could not be read from the kernel: the notebook changed the kernel"]),
    Case("huge_values", lambda: answered(_HUGE), _statuses(q3=INCORRECT, q5=NOT_PLAIN_DATA, q8=NOT_PLAIN_DATA)),
    Case("infinite_loop", lambda: insert_after(answered(ROUNDED), "q5-check", "while True:\n    pass"), ALL_CORRECT,
         flags=["timed out"]),
    # Swallows the interrupt of the per-cell timeout: the next cell times out too, and the kernel is stopped.
    Case("stubborn_loop", lambda: insert_after(answered(ROUNDED), "q4-check",
                                               "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n"
                                               "    except KeyboardInterrupt:\n        pass"),
         _statuses(**dict.fromkeys(["q5", "q6", "q7", "q8", "q9"], NOT_REACHED)), flags=["stopped responding"],
         notebook_timeout=60),
    # Slow but obedient cells: the per-notebook timeout (30 s) stops it during the sleeps after q1.
    Case("too_long", _too_long,
         _statuses(**{q: NOT_REACHED for q in QUESTIONS[1:]}), flags=["longer than 30 s"], notebook_timeout=30),
    Case("os_exit", lambda: insert_after(answered(ROUNDED), "q4-check", "import os\nos._exit(1)"),
         _statuses(**dict.fromkeys(["q5", "q6", "q7", "q8", "q9"], NOT_REACHED)), flags=["kernel died"]),
    Case("sys_exit", lambda: insert_after(answered(ROUNDED), "q6-check", "import sys\nsys.exit()"), ALL_CORRECT,
         flags=["raised SystemExit"]),
    # exit() asks the front end to stop the kernel; the engine stops there, as JupyterLab would.
    Case("exit_builtin", lambda: insert_after(answered(ROUNDED), "q6-check", "exit()"),
         _statuses(q7=NOT_REACHED, q8=NOT_REACHED, q9=NOT_REACHED), flags=["called exit()"]),
    Case("huge_output", lambda: insert_after(answered(ROUNDED), "q2-check", "for _ in range(50):\n    print('x' * 1_000_000)"),
         ALL_CORRECT, flags=["more output than the limit"]),
    Case("memory_hog", lambda: insert_after(answered(ROUNDED), "q2-check", "hog = bytearray(64 * 2**30)"), ALL_CORRECT,
         flags=["raised MemoryError"]),
    Case("truncated_json", _truncated, dict.fromkeys(QUESTIONS, NOT_REACHED), flags=["could not be read"],
         reflections={"r1": "", "r2": ""}),
    Case("nbformat_v3", _v3, ALL_CORRECT),
    Case("edited_check", _edited_check, WRONG_STATUSES, flags=["check cell q1-check was edited", "check cell q5-check was edited"]),
    Case("deleted_checks", _deleted_checks, WRONG_STATUSES,
         flags=["check cell q1-check was deleted", "check cell q2-check was deleted"]),
    # The shadowed float() also breaks one of the lesson's own later cells: the student's doing, flagged.
    Case("shadow_builtins", lambda: insert_before(answered(WRONG), "q1-answer", _SHADOW), WRONG_STATUSES,
         flags=["raised ZeroDivisionError"]),
    Case("monkeypatch_libraries", lambda: insert_before(answered(WRONG), "q1-answer", _MONKEYPATCH), WRONG_STATUSES),
    Case("replace_checks", lambda: insert_before(answered(WRONG), "q1-answer", _REPLACE_CHECKS), WRONG_STATUSES),
    Case("rewrite_transformer", lambda: insert_before(answered(WRONG), "q1-answer", _REWRITE_TRANSFORMER), WRONG_STATUSES),
    # Blanking every later cell also blanks the student's own answers from q4 on: those were never given.
    Case("blank_transformer", lambda: insert_after(answered(ROUNDED), "q3-check", _BLANK_TRANSFORMER),
         _statuses(**dict.fromkeys(["q4", "q5", "q6", "q7", "q8", "q9"], NOT_ANSWERED))),
    Case("post_run_hook", _hook, WRONG_STATUSES),
    Case("fake_records", _fake_records, WRONG_STATUSES),
    Case("kill_parent", lambda: insert_after(answered(ROUNDED), "q4-check", "import os\nos.kill(os.getppid(), 9)"),
         _statuses(**dict.fromkeys(["q5", "q6", "q7", "q8", "q9"], NOT_REACHED)), flags=["kernel died"]),
]


def write_all(folder: Path) -> dict[str, Case]:
    """Write every case as ``<folder>/<name>.ipynb``; returns the cases by name."""
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        case.write(folder)
    return {case.name: copy.copy(case) for case in CASES}
