"""Rates at a threshold and errors per day, against hand computations."""

import math

import pytest

from modlab.thresholds import errors_per_day, rates_at_threshold


def test_rates_by_hand():
    labels = [1, 1, 1, 0, 0, 0, 0, 0]
    scores = [0.9, 0.6, 0.2, 0.7, 0.3, 0.1, 0.1, 0.05]
    rates = rates_at_threshold(labels, scores, 0.5)
    # flagged: 0.9, 0.6 (hate) and 0.7 (not): tp 2, fp 1, fn 1, tn 4
    assert (rates["tp"], rates["fp"], rates["fn"], rates["tn"]) == (2, 1, 1, 4)
    assert rates["precision"] == pytest.approx(2 / 3)
    assert rates["recall"] == pytest.approx(2 / 3)
    assert rates["fpr"] == pytest.approx(1 / 5)
    assert rates["flagged_share"] == pytest.approx(3 / 8)
    # the threshold is inclusive: a score equal to it is flagged
    assert rates_at_threshold(labels, scores, 0.6)["tp"] == 2


def test_nothing_flagged_has_undefined_precision():
    rates = rates_at_threshold([1, 0], [0.2, 0.1], 0.9)
    assert math.isnan(rates["precision"]) and rates["recall"] == 0 and rates["fpr"] == 0


def test_errors_per_day_by_hand():
    out = errors_per_day(recall=0.5, fpr=0.02, posts_per_day=1_000_000, prevalence=0.01)
    assert out["hateful"] == pytest.approx(10_000)
    assert out["missed_hateful"] == pytest.approx(5_000)  # half of 10,000
    assert out["wrongful_removals"] == pytest.approx(19_800)  # 2% of 990,000


@pytest.mark.parametrize("kwargs", [{"fpr": 1.5}, {"prevalence": -0.1}, {"posts_per_day": -1}])
def test_impossible_inputs_are_refused(kwargs):
    args = {"recall": 0.5, "fpr": 0.1, "posts_per_day": 100, "prevalence": 0.01, **kwargs}
    with pytest.raises(ValueError):
        errors_per_day(**args)
