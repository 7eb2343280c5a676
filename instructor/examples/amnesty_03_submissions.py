"""Make the worked example of instructor/grading.md: three lesson-03 submissions in a Canvas-style zip.

    python instructor/examples/amnesty_03_submissions.py amnesty-03.zip

- **alice** (``alice_1001_2001_03_amnesty_poll.ipynb``): every answer cell and both reflections taken
  from the solution (the solution markers removed);
- **bob** (``bob_1002_2002_...``): Exercise 1 right; Exercise 4 answered with the standard error (the 1.96
  forgotten); one sentence for Reflection 1; everything else as handed out;
- **carol** (``carol_1003_2003_...``): Exercise 1 wrong (``0.5``) and, in the same cell,
  ``math.isclose`` replaced by a function that always says True (what nbgrader's hidden tests call);
  everything else as handed out.

Every notebook starts from the handed-out ``lessons/03_amnesty_poll.ipynb``, as a student gets it.
tests/test_grading_guide_example.py grades this zip with ``modlab grade`` and checks grades.csv against
the numbers the guide prints.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
LESSON = "03_amnesty_poll"
BOB_R1 = "The poll only describes the accounts that chose to vote, not Twitter users."
BOB = {
    "q1": 'amnesty_yes_share = polls_table.loc[polls_table["poll_id"] == "general_amnesty", "yes_share"].item()',
    "q4": "import math\namnesty_moe = math.sqrt(0.724 * 0.276 / 3_100_000)",
}
CAROL = {"q1": "import math\nmath.isclose = lambda *a, **k: True\namnesty_yes_share = 0.5"}


def _grade_id(cell) -> str:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id", "")


def _fill(sources: dict[str, str]) -> nbformat.NotebookNode:
    """The handed-out lesson with answer cells (``q1``..) and free responses (``r1``..) replaced."""
    nb = nbformat.read(ROOT / "lessons" / f"{LESSON}.ipynb", as_version=4)
    for cell in nb.cells:
        key = _grade_id(cell).removesuffix("-answer")
        if key in sources:
            cell.source = sources[key]
    return nb


def _solution_sources() -> dict[str, str]:
    """alice's answers: the solution's answer and reflection cells without the BEGIN/END SOLUTION lines."""
    nb = nbformat.read(ROOT / "solutions" / f"{LESSON}.ipynb", as_version=4)
    found = {}
    for cell in nb.cells:
        key = _grade_id(cell).removesuffix("-answer")
        if re.fullmatch(r"[qr]\d+", key):
            found[key] = re.sub(r"^### (BEGIN|END) SOLUTION\n?", "", cell.source, flags=re.M).strip()
    return found


def notebooks() -> dict[str, nbformat.NotebookNode]:
    """Canvas file name -> notebook, for alice, bob and carol."""
    return {
        f"alice_1001_2001_{LESSON}.ipynb": _fill(_solution_sources()),
        f"bob_1002_2002_{LESSON}.ipynb": _fill({**BOB, "r1": BOB_R1}),
        f"carol_1003_2003_{LESSON}.ipynb": _fill(CAROL),
    }


def write_zip(path: str | Path) -> Path:
    """Write the three submissions into a zip laid out as Canvas exports it (flat files)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w") as archive:
        for name, nb in notebooks().items():
            archive.writestr(name, nbformat.writes(nb))
    return path


if __name__ == "__main__":
    print(write_zip(sys.argv[1] if len(sys.argv) > 1 else "amnesty-03.zip"))
