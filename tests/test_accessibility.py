"""Accessibility without a browser: labelled controls on every explorer, a colour-blind-safe palette.

The browser suite checks the same labels as rendered (present, shown, not clipped); here
the check itself is shown to fail on unlabelled controls, and every explorer in
``modlab.widgets`` (found by name, so new ones are covered) is checked.
"""

from __future__ import annotations

import itertools

import ipywidgets as widgets
import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE
from explorers import explorer_factories

from modlab.style import PALETTE, ROLE_COLOURS
from modlab.widgets.accessibility import (
    EXPLORER_CLASS,
    MAIN_CONTROL_CLASS,
    controls_of,
    mark_explorer,
    unlabelled_controls,
)


FACTORIES = explorer_factories()


def test_explorers_are_found():
    assert {name for name, _ in FACTORIES} >= {"poll_explorer.explore_poll", "timeline.explore_timeline"}


@pytest.mark.parametrize("name, factory", FACTORIES, ids=[name for name, _ in FACTORIES])
def test_every_explorer_is_labelled_and_marked(name, factory):
    explorer = factory()
    assert unlabelled_controls(explorer) == []
    assert EXPLORER_CLASS in explorer._dom_classes
    marked = [c for c in controls_of(explorer) if MAIN_CONTROL_CLASS in c._dom_classes]
    assert len(marked) == 1, f"{name}: exactly one main control"


def test_check_names_unlabelled_and_blank_controls():
    box = widgets.VBox([
        widgets.FloatSlider(description="Share of bots (%)"),
        widgets.HBox([widgets.FloatSlider(), widgets.HTML("<p>text needs no label</p>")]),
        widgets.Dropdown(options=["a", "b"], description="   "),
        widgets.Button(),
        widgets.Button(description="Rerun"),
    ])
    assert unlabelled_controls(box) == ["FloatSlider #1", "Dropdown #2", "Button #3"]


def test_display_only_widgets_are_not_controls():
    box = widgets.VBox([widgets.HTML("x"), widgets.Label("y"), widgets.Output(), widgets.Valid(value=True)])
    assert controls_of(box) == []


def test_mark_explorer_refuses_unlabelled_or_foreign_controls():
    slider = widgets.IntSlider()
    with pytest.raises(ValueError, match="unlabelled control"):
        mark_explorer(widgets.VBox([slider]), slider)
    with pytest.raises(ValueError, match="not a control inside"):
        mark_explorer(widgets.VBox([widgets.IntSlider(description="n")]), widgets.IntSlider(description="n"))
    labelled = widgets.IntSlider(description="Votes (number)")
    box = widgets.VBox([labelled])
    mark_explorer(box, labelled)
    assert EXPLORER_CLASS in box._dom_classes and MAIN_CONTROL_CLASS in labelled._dom_classes


# Colour vision deficiency: simulate full dichromacy (Machado et al. 2009, as implemented by
# colorspacious) and require every pair of colours to stay at least MIN_DELTA_E apart in
# CAM02-UCS. matplotlib's tab10 fails this (its green and red merge for protanopes, 1.6).
MIN_DELTA_E = 10.0
CVD_TYPES = ("protanomaly", "deuteranomaly", "tritanomaly")


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def _min_distance(colours, cvd_type: str) -> float:
    space = {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}
    seen = [np.clip(cspace_convert(_rgb(c), space, "sRGB1"), 0, 1) for c in colours]
    return min(deltaE(a, b, input_space="sRGB1") for a, b in itertools.combinations(seen, 2))


@pytest.mark.parametrize("cvd_type", CVD_TYPES)
@pytest.mark.parametrize(
    "name, colours", [("palette", PALETTE), ("role colours", list(ROLE_COLOURS.values()))]
)
def test_palette_stays_distinguishable_under_colour_blindness(name, colours, cvd_type):
    assert _min_distance(colours, cvd_type) >= MIN_DELTA_E


def test_palette_check_can_fail():
    tab10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    assert _min_distance(tab10, "protanomaly") < MIN_DELTA_E
