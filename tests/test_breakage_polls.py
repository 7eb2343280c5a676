"""Poll settings and lesson-03 answers that were mishandled (found by trying to break them)."""

from __future__ import annotations

import pytest

from modlab.exercises import INCORRECT, lesson03
from modlab.polls import OptInPollSetup, simulate_opt_in_polls


def test_settings_needing_more_opponents_than_exist_are_refused():
    # 95% supporters who are 16 times less keen: the 5% opponents would each need to vote
    # about 8 times (rate_no = 8.19). Before: simulate_opt_in_polls ran and showed a poll.
    setup = OptInPollSetup(true_share=0.95, see_ratio=0.25, vote_ratio=0.25, votes=15_085_458, population=16_000_000)
    with pytest.raises(ValueError, match="more opponents than exist"):
        setup.response_rates()
    with pytest.raises(ValueError, match="more opponents than exist"):
        simulate_opt_in_polls(setup, n_polls=3)


def test_possible_low_ratio_settings_still_run():
    rate_yes, rate_no = OptInPollSetup(true_share=0.95, see_ratio=0.25, vote_ratio=0.25).response_rates()
    assert 0 < rate_yes < rate_no <= 1


@pytest.mark.parametrize("value, fragment", [(0, "too low"), (-1068, "sign"), (-5, "cannot be negative")])
def test_q5_zero_or_negative_is_not_blamed_on_writing_3_for_0_03(value, fragment):
    feedback = lesson03.q5.evaluate(value)
    assert feedback.status == INCORRECT
    assert "0.03" not in feedback.message
    assert fragment in feedback.message


@pytest.mark.parametrize("value", [0.1067, 1])  # 3 points written as 3: unrounded, and rounded up
def test_q5_margin_written_as_3_is_still_caught(value):
    assert "0.03" in lesson03.q5.evaluate(value).message
