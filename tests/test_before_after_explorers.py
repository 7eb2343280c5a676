"""The lesson 07 explorers, headless: controls drive the pure functions, and updates are quick."""

import re
import time

import numpy as np
import pytest
from scipy import stats

from modlab import before_after, data, post_stream
from modlab.widgets.events import WINDOWS, explore_its_window
from modlab.widgets.top_n import explore_top_n

POSTS = data.load("post_stream")


def _alt(explorer):
    return re.search(r"alt='([^']*)'", explorer.figure.value).group(1)


def test_top_n_counts_match_the_binomial_and_the_stream():
    explorer = explore_top_n(POSTS)
    r = explorer.results()
    assert r["threshold"] == 7 and r["exact_p"] == pytest.approx(stats.binom.sf(6, 20, 1 / 60), rel=1e-12)
    assert r["top_share"] == pytest.approx(before_after.top_n_by_engagement(POSTS, *post_stream.TUFTS_AFTER)["hateful"].mean())
    explorer.controls["null_share"].value = 0.1
    explorer.controls["top_n"].value = 40
    r = explorer.results()
    assert r["threshold"] == 14
    # 2,000 draws of Binomial(40, 0.1): tail P(X >= 14) ~ 2e-4, so at most a handful of hits; mean 4
    assert r["null_counts"].mean() == pytest.approx(4.0, abs=0.15)
    assert r["resampled_p"] < 0.005
    assert "Simulated" in explorer.summary.value and "<figcaption" in explorer.figure.value
    assert f"top-40 lists are {r['top_share']:.0%} hateful" in _alt(explorer)


def test_random_samples_measure_the_volume_share():
    explorer = explore_top_n(POSTS)
    r = explorer.results()
    assert np.mean(r["sample_shares"]) == pytest.approx(r["pool_share"], abs=0.005)
    assert r["top_share"] > 2.5 * r["pool_share"]


def test_its_window_explorer_shows_the_precomputed_fit():
    explorer = explore_its_window(POSTS)
    explorer.controls["window"].value = 35
    fit = before_after.interrupted_time_series(before_after.daily_counts(POSTS) * post_stream.SCALE, post_stream.TAKEOVER, 35)
    assert f"{fit.level_change:+,.0f} posts per day" in explorer.summary.value
    assert "US midterms" in explorer.summary.value and "amnesty" in explorer.summary.value
    explorer.controls["window"].value = 14
    assert explorer.summary.value.endswith("after the takeover: US midterms.</p>")
    levels = [explorer.fits[("Hateful posts", w)].level_change for w in WINDOWS]
    assert max(levels) > 2 * min(levels)  # the window matters: the lesson's point
    with pytest.raises(ValueError, match="window must be one of"):
        explore_its_window(POSTS, window=15)


@pytest.mark.parametrize("factory, control, values", [
    (explore_top_n, "top_n", [30, 60, 100, 10]),
    (explore_its_window, "window", [14, 238, 112, 56]),
])
def test_updates_are_quick(factory, control, values):
    explorer = factory(POSTS)
    times = []
    for value in values:
        start = time.process_time()
        explorer.controls[control].value = value
        times.append(time.process_time() - start)
    assert np.median(times) < 0.3, times  # the kit's bound, 300 ms, in CPU time (the machine is shared) and as a median


def test_the_largest_sample_is_the_whole_population():
    explorer = explore_top_n(POSTS)
    keyword_after = POSTS[POSTS["date"].between(*post_stream.TUFTS_AFTER) & (POSTS["keyword_list"] != "none")]
    slider = explorer.controls["sample_size"]
    assert slider.max == len(keyword_after)  # every keyword post of the weeks
    slider.value = slider.max
    r = explorer.results()
    assert r["whole_population"] and np.all(r["sample_shares"] == keyword_after["hateful"].mean())
    assert "whole population" in explorer.summary.value and "no sampling variation" in explorer.summary.value
    assert "between" not in explorer.summary.value  # no "between 11.4% and 11.4%"
    slider.value = 800
    assert not explorer.results()["whole_population"] and "95% of samples between" in explorer.summary.value


@pytest.mark.parametrize("window", [14, 28, 56, 238])
def test_events_drawn_are_those_inside_the_window_and_every_label_fits(window):
    explorer = explore_its_window(POSTS, window=window)
    fig = explorer.draw("Hateful posts", window)
    axes = fig.axes[0]
    labels = [t.get_text() for t in axes.texts]
    end = post_stream.TAKEOVER + np.timedelta64(window - 1, "D")
    from modlab.widgets.events import EVENTS
    for date, name, _ in EVENTS:
        assert (name in labels) == (date <= end), (window, name)  # 14 days: no World Cup (Nov 20 > Nov 10)
    spike = before_after.daily_counts(POSTS).max() * post_stream.SCALE  # the Oct 28 spike, real scale
    assert f"Oct 28: {spike:,.0f} (off the scale)" in labels
    fig.canvas.draw()
    box = fig.bbox
    for text in axes.texts:
        extent = text.get_window_extent()
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1, (window, text.get_text())  # not cut off at the edges


def test_summary_says_whether_the_interval_includes_zero():
    explorer = explore_its_window(POSTS, window=56)
    fit = explorer.fits[("Hateful posts", 56)]
    assert fit.level_ci[0] < 0 < fit.level_ci[1]  # 56 days: not significant (p ~ 0.14)
    assert f"p = {fit.level_p:.2g}; the interval includes 0" in explorer.summary.value
