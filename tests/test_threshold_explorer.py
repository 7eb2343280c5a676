"""The threshold explorer, headless: controls drive the pure functions; updates are fast."""

import re
import time

import numpy as np
import pytest

from modlab.thresholds import errors_per_day, rates_at_threshold
from modlab.widgets.threshold import explore_threshold

# A small fixed test set, so the expected counts can be read off by hand.
LABELS = np.array([1, 1, 1, 0, 0, 0, 0, 0])
SCORES = np.array([0.9, 0.6, 0.2, 0.7, 0.3, 0.1, 0.1, 0.05])


class _Model:
    test_labels, test_scores, threshold = LABELS, SCORES, 0.5


def test_builds_labelled_with_a_captioned_figure():
    explorer = explore_threshold(_Model())
    for name, control in explorer.controls.items():
        assert control.description, name
    assert "(posts/day)" in explorer.controls["posts_per_day"].description
    assert "Assumed" in explorer.controls["prevalence"].description
    assert "<figcaption" in explorer.figure.value and "alt='Threshold 0.50" in explorer.figure.value


def test_readouts_follow_the_controls():
    explorer = explore_threshold(_Model())
    explorer.controls["threshold"].value = 0.5
    assert (explorer.rates["tp"], explorer.rates["fp"], explorer.rates["fn"], explorer.rates["tn"]) == (2, 1, 1, 4)
    assert "2 true positives" in explorer.summary.value and "4 true negatives" in explorer.summary.value
    explorer.controls["posts_per_day"].value = 100_000
    explorer.controls["prevalence"].value = 0.01
    # 100,000 posts, 1% hate: 1,000 hateful, recall 2/3 -> 333 missed; 99,000 others x FPR 1/5 -> 19,800
    assert "19,800 wrongful removals per day" in explorer.summary.value
    assert "333 missed hateful posts per day" in explorer.summary.value
    explorer.controls["threshold"].value = 0.25
    expected = errors_per_day(**{k: rates_at_threshold(LABELS, SCORES, 0.25)[k] for k in ("recall", "fpr")},
                              posts_per_day=100_000, prevalence=0.01)
    assert explorer.per_day == pytest.approx(expected)
    assert "precision 50.0%" in explorer.summary.value  # flagged 0.9, 0.6 (hate), 0.7, 0.3 (not): 2 of 4


def test_the_recount_behind_an_update_is_fast_and_the_redraw_within_bounds():
    # The target is 300 ms per update (about 150-250 ms measured on an idle machine, mostly PNG rendering). The
    # recount must leave nearly all of it to drawing; the full redraw gets a generous bound because other test
    # runs share the two cores (`make bench` times it properly), which still catches recomputing the curves.
    from modlab.classifier import trained

    model = trained()
    recount = []
    for value in (0.05, 0.3, 0.6):
        start = time.perf_counter()
        rates = rates_at_threshold(model.test_labels, model.test_scores, value)
        errors_per_day(rates["recall"], rates["fpr"], 1_000_000, 0.01)
        recount.append(time.perf_counter() - start)
    assert min(recount) < 0.03, recount
    explorer = explore_threshold(model)
    times = []
    for value in (0.05, 0.3, 0.6, 0.9):
        start = time.perf_counter()
        explorer.controls["threshold"].value = value
        times.append(time.perf_counter() - start)
    assert np.median(times) < 0.6, times
    assert re.search(r"Threshold 0\.90", explorer.summary.value)


def test_values_outside_the_choices_are_refused():
    with pytest.raises(ValueError, match="posts_per_day"):
        explore_threshold(_Model(), posts_per_day=123)


def test_precision_on_fewer_than_five_flagged_tweets_is_said_and_not_drawn():
    explorer = explore_threshold(_Model())
    explorer.controls["threshold"].value = 0.25  # flags 0.9, 0.6, 0.7, 0.3: four tweets
    assert "precision 50.0% (of only 4 flagged tweets: not drawn in the figure)" in explorer.summary.value
    left = explorer.draw(0.25).axes[0]
    precision = left.get_lines()[0].get_ydata()
    # thresholds 0.01-0.20 flag 5 to 8 tweets (0.11-0.20: 0.9, 0.7, 0.6, 0.3, 0.2); from 0.21 on, four or fewer
    assert not np.isnan(precision[:20]).any() and np.isnan(precision[20:]).all()
