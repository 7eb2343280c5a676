"""release refuses grading metadata that nbgrader would reject, naming the cell."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from modlab.release import ReleaseError, release_notebook


def _cell(source, **grading):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, "solution": False, "grade": False, "locked": False, **grading}
    return cell


def _nb(*cells):
    return new_notebook(cells=list(cells))


def test_duplicate_grade_id_is_refused():
    nb = _nb(_cell("x = 1", solution=True, grade_id="q1"), _cell("y = 2", solution=True, grade_id="q1"))
    with pytest.raises(ReleaseError, match="grade_id 'q1' is already used by cell 0"):
        release_notebook(nb)


@pytest.mark.parametrize("points", [None, 0, -1, "2", True])
def test_graded_cell_needs_positive_points(points):
    grading = {"grade": True, "locked": True, "grade_id": "q1-check"}
    if points is not None:
        grading["points"] = points
    with pytest.raises(ReleaseError, match="positive 'points'"):
        release_notebook(_nb(_cell("assert True", **grading)))


def test_missing_grade_id_is_refused():
    with pytest.raises(ReleaseError, match="needs a grade_id"):
        release_notebook(_nb(_cell("x = 1", solution=True)))


def test_valid_metadata_passes_and_plain_cells_are_ignored():
    nb = _nb(
        new_code_cell("import math"),
        _cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", solution=True, grade_id="q1"),
        _cell("assert x == 1", grade=True, locked=True, points=1.5, grade_id="q1-check"),
    )
    out = release_notebook(nb)
    assert out.cells[1].source == "# YOUR CODE HERE\nx = ..."
    nbformat.validate(out)


def test_saved_widget_state_is_not_released():
    nb = _nb(new_code_cell("explore_poll()"))
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"abc": {}}}}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    out = release_notebook(nb)
    assert "widgets" not in out.metadata and out.metadata["kernelspec"]["name"] == "python3"


def test_committed_notebooks_carry_no_widget_state():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for folder in ("solutions", "lessons"):
        for path in sorted((root / folder).glob("*.ipynb")):
            assert "widgets" not in nbformat.read(path, as_version=4).metadata, (
                f"{path.relative_to(root)} keeps saved widget state: in JupyterLab, Settings > "
                "Save Widget State Automatically off, or remove metadata.widgets, then save"
            )
