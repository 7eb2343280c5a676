"""The annotator simulator widget, headless: controls drive the pure functions, fast enough to feel live."""

import re
import statistics
import time

import pytest

from modlab.annotation_sim import AnnotationSetup, simulate_annotations, summarise
from modlab.widgets.annotators import describe_result, explore_annotators


def _alt(explorer):
    return re.search(r"alt='([^']*)'", explorer.figure.value).group(1)


def test_builds_with_labelled_controls_and_a_captioned_simulated_figure():
    explorer = explore_annotators()
    for name, control in explorer.controls.items():
        assert control.description, f"control {name} has no visible label"
    assert "<figcaption" in explorer.figure.value and "Simulated" in explorer.figure.value
    assert explorer.sim.items.attrs["kind"] == "simulated"
    assert "Simulated" in explorer.summary.value


def test_moving_sliders_updates_as_the_pure_functions_say():
    explorer = explore_annotators(seed=2)
    before = explorer.figure.value
    explorer.controls["dialect_bias"].value = 1.0
    explorer.controls["n_annotators"].value = 3
    setup = AnnotationSetup(dialect_bias=1.0, n_annotators=3)
    expected = simulate_annotations(setup, seed=2)
    assert explorer.sim.labels.equals(expected.labels)
    stats = summarise(expected)
    assert explorer.figure.value != before
    assert describe_result(expected, stats).replace("'", "&#x27;") in explorer.summary.value
    assert f"measured {stats['measured_prevalence_dialect']:.1%}" in _alt(explorer)
    assert f"Fleiss&#x27; kappa {stats['fleiss_kappa']:.2f}" in explorer.summary.value


def test_one_annotator_says_agreement_cannot_be_measured():
    explorer = explore_annotators(n_annotators=1)
    assert "cannot be measured with one annotator" in explorer.summary.value


def test_rerun_draws_a_new_study():
    explorer = explore_annotators()
    first = explorer.sim.items.copy()
    explorer.controls["rerun"].click()
    assert explorer.seed == 1 and not explorer.sim.items.equals(first)


def test_unknown_setting_is_a_clear_error():
    with pytest.raises(TypeError, match="unknown annotation setting"):
        explore_annotators(annotators=4)


def test_an_update_takes_under_300_ms():
    # CPU time of this process, so other jobs on a shared machine do not make the test flaky
    explorer = explore_annotators()
    times = []
    for value in (0.5, 1.0, 1.5, 0.2, 2.0, 0.0, 0.7):
        start = time.process_time()
        explorer.controls["dialect_bias"].value = value
        times.append(time.process_time() - start)
    assert statistics.median(times) < 0.3, times


def test_the_readout_states_the_tie_rule_and_the_strictness_sign():
    even = explore_annotators(n_annotators=4, strictness=-0.5)
    assert "a 2-2 split counts as not hateful" in even.summary.value
    assert "strictness -0.5 SD (negative = more lenient)" in even.summary.value
    odd = explore_annotators(strictness=0.5)
    assert "split" not in odd.summary.value and "(positive = stricter)" in odd.summary.value
    # The rule the readout states is the one the simulator applies: 2 of 4 votes is not hateful.
    items = even.sim.items
    assert not items.loc[items["votes_hateful"] == 2, "majority_hateful"].any()
    assert items.loc[items["votes_hateful"] == 3, "majority_hateful"].all()
