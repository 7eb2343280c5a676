"""Solution notebooks that ``release_notebook`` mishandled (found by trying to break it).

The rule they protect (CONTRIBUTING.md): the learner version runs top to bottom with every
placeholder untouched, so a check cell after an exercise finds its name bound to ``...``.
"""

from __future__ import annotations

import ast

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from modlab.release import CODE_STUB, release_notebook


def _answer_cell(source):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": "q1-answer", "solution": True, "grade": False, "locked": False, "schema_version": 3}
    return cell


def _released(source) -> str:
    return release_notebook(new_notebook(cells=[_answer_cell(source)])).cells[0].source


def test_region_that_is_a_whole_function_body_still_parses():
    # Before: "def f():\n    # YOUR CODE HERE\n" -- an IndentationError in the learner's notebook.
    learner = _released("def moe(p, n):\n    ### BEGIN SOLUTION\n    return 1.96 * (p * (1 - p) / n) ** 0.5\n    ### END SOLUTION\n")
    assert learner.split("\n") == ["def moe(p, n):", "    " + CODE_STUB, "    ...", ""]
    ast.parse(learner)


def test_magic_line_in_a_region_does_not_hide_the_other_names():
    # Before: the region did not parse as Python, so neither `listing` nor `share` got a placeholder.
    learner = _released("### BEGIN SOLUTION\n%matplotlib inline\nlisting = !ls\nshare = 0.724\n### END SOLUTION")
    assert learner.split("\n") == [CODE_STUB, "listing = ...", "share = ..."]


def test_function_defined_in_a_region_gets_a_placeholder():
    # Before: no placeholder, so the check cell `ex.q.check(margin)` raised NameError.
    learner = _released("### BEGIN SOLUTION\ndef margin(p, n):\n    return p / n\n### END SOLUTION")
    assert learner.split("\n") == [CODE_STUB, "margin = ..."]


def test_cell_source_as_a_list_of_lines_is_released():
    # nbformat.from_dict keeps JSON's list of lines; before: AttributeError 'list' has no 'split'.
    nb = nbformat.from_dict({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{
            "cell_type": "code", "id": "a", "execution_count": 3, "outputs": [],
            "metadata": {"nbgrader": {"grade_id": "q1-answer", "solution": True, "grade": False, "locked": False, "schema_version": 3}},
            "source": ["### BEGIN SOLUTION\n", "share = 0.724\n", "### END SOLUTION\n", "print(share)"],
        }],
    })
    cell = release_notebook(nb).cells[0]
    assert cell.source == f"{CODE_STUB}\nshare = ...\nprint(share)"
    assert cell.execution_count is None
