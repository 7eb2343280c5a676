"""An error inside an explorer's callback is shown to the learner, for every explorer."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from explorers import explorer_factories, main_control, operate

from modlab.widgets.guard import ERROR_CLASS, ERROR_TEXT, error_html, shows_errors

FACTORIES = explorer_factories()


@pytest.mark.parametrize("name, factory", FACTORIES, ids=[name for name, _ in FACTORIES])
def test_a_failing_update_becomes_a_message(name, factory, monkeypatch):
    explorer = factory()
    before = explorer.summary.value

    def broken():
        raise RuntimeError("simulated <failure>")

    monkeypatch.setattr(explorer, "update", broken)
    operate(main_control(explorer))  # must not raise
    assert explorer.summary.value != before
    assert ERROR_TEXT in explorer.summary.value and ERROR_CLASS in explorer.summary.value
    assert "RuntimeError: simulated &lt;failure&gt;" in explorer.summary.value  # escaped, named


@pytest.mark.parametrize("name, factory", FACTORIES, ids=[name for name, _ in FACTORIES])
def test_operating_the_main_control_changes_the_output(name, factory):
    explorer = factory()
    before = (explorer.figure.value, explorer.summary.value)
    operate(main_control(explorer))
    assert (explorer.figure.value, explorer.summary.value) != before
    assert ERROR_TEXT not in explorer.summary.value


def test_shows_errors_passes_results_through_and_catches_only_exceptions():
    class Box:
        summary = widgets.HTML("ok")

        @shows_errors
        def good(self, x):
            return x * 2

        @shows_errors
        def bad(self):
            raise ValueError("no")

    box = Box()
    assert box.good(21) == 42 and box.summary.value == "ok"
    assert box.bad() is None and box.summary.value == error_html(ValueError("no"))
