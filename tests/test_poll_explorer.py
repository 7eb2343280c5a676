"""The opt-in poll simulator widget, headless: controls drive the pure functions."""

import re

import pytest

from modlab import polls
from modlab.widgets.poll_explorer import describe_result, explore_poll


def _alt(explorer):
    return re.search(r"alt='([^']*)'", explorer.figure.value).group(1)


def test_builds_with_labelled_controls_and_a_captioned_figure():
    explorer = explore_poll()
    for name, control in explorer.controls.items():
        assert control.description, f"control {name} has no visible label"
    assert "<figcaption" in explorer.figure.value and "Simulated" in explorer.figure.value
    assert explorer.polls.attrs["simulated"]


def test_moving_a_slider_updates_as_the_pure_function_says():
    explorer = explore_poll(seed=5)
    before_summary, before_figure = explorer.summary.value, explorer.figure.value
    explorer.controls["true_share"].value = 0.3
    explorer.controls["bot_share"].value = 0.0
    setup = polls.OptInPollSetup(true_share=0.3, bot_share=0.0)
    expected = polls.simulate_opt_in_polls(setup, 200, 1000, seed=5)
    assert explorer.polls.equals(expected)
    assert explorer.summary.value != before_summary and explorer.figure.value != before_figure
    assert describe_result(setup, expected, 1000) in explorer.summary.value
    # the summary reports the same effective sample size as the pure function
    n_eff = setup.effective_sample_size()
    assert f"random sample of about {n_eff:,.0f} people" in explorer.summary.value
    assert f"{expected['opt_in_estimate'].mean():.1%}" in _alt(explorer)


def test_votes_control_and_rerun_button():
    explorer = explore_poll()
    explorer.controls["votes"].value = 1_000
    assert "1,000 votes" in explorer.summary.value
    first = explorer.polls.copy()
    explorer.controls["rerun"].click()
    assert explorer.seed == 1 and not explorer.polls.equals(first)


def test_unknown_setting_is_a_clear_error():
    with pytest.raises(TypeError, match="unknown poll setting"):
        explore_poll(share=0.4)


def test_impossible_settings_are_reported_not_raised():
    explorer = explore_poll(population=2_000_000, votes=1_000_000)
    explorer.controls["true_share"].value = 0.05
    explorer.controls["see_ratio"].value = 4.0
    explorer.controls["vote_ratio"].value = 4.0
    assert "cannot happen" in explorer.summary.value


def test_bots_alone_show_a_finite_worth_not_infinity():
    # the student trial's case: no self-selection, 10% bots all voting yes
    explorer = explore_poll(see_ratio=1.0, vote_ratio=1.0, bot_share=0.10, bot_yes_share=1.0)
    assert "inf" not in explorer.summary.value
    assert "random sample of about 100 people" in explorer.summary.value
    assert "error +5.0 percentage points" in explorer.summary.value
