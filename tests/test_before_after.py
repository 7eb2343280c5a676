"""Top-N, Fisher, Wilson and the interrupted time series against hand-worked or closed-form values."""

import math

import numpy as np
import pandas as pd
import pytest

from modlab import before_after


def test_fisher_on_a_table_worked_by_hand():
    # [[0, 3], [3, 0]]: margins 3/3, P(0 in the top-left) = C(3,0)C(3,3)/C(6,3) = 1/20; the mirror table too -> 0.1
    odds, p = before_after.fisher_exact(0, 3, 3, 3)
    assert p == pytest.approx(0.1, abs=1e-12) and odds == 0
    # [[1, 2], [2, 1]]: P(a) for a = 0..3 is 1/20, 9/20, 9/20, 1/20; every table is as likely or less -> p = 1
    assert before_after.fisher_exact(1, 3, 2, 3)[1] == pytest.approx(1.0, abs=1e-12)


def test_tufts_published_counts():
    _, p = before_after.fisher_exact(1, 60, 14, 40)
    # by hand: hypergeometric sum over tables at most as likely as the observed
    from math import comb

    probs = [comb(15, a) * comb(85, 60 - a) / comb(100, 60) for a in range(0, 16)]
    observed = probs[1]
    assert p == pytest.approx(sum(q for q in probs if q <= observed * (1 + 1e-7)), rel=1e-9)
    assert p < 1e-5


@pytest.mark.parametrize("hits, n", [(14, 40), (1, 60), (0, 20)])
def test_wilson_matches_the_closed_form(hits, n):
    z = 1.959963984540054
    p = hits / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    low, high = before_after.wilson_interval(hits, n)
    assert low == pytest.approx(centre - half, abs=1e-12) and high == pytest.approx(centre + half, abs=1e-12)


def test_top_n_keeps_the_most_engaging_posts_per_list():
    posts = pd.DataFrame({
        "post_id": [f"P{i}" for i in range(8)], "date": pd.to_datetime(["2022-05-01"] * 7 + ["2023-01-01"]),
        "keyword_list": ["racist", "racist", "racist", "antisemitic", "antisemitic", "none", "racist", "racist"],
        "likes": [5, 50, 1, 7, 2, 999, 30, 1000], "reposts": [0, 0, 100, 0, 0, 0, 0, 0], "hateful": [False] * 8,
    })
    top = before_after.top_n_by_engagement(posts, "2022-03-01", "2022-10-27", n=2)
    assert top["post_id"].tolist() == ["P3", "P4", "P2", "P1"]  # none left out, P7 outside the window
    assert top["engagement"].tolist() == [7, 2, 101, 50]


def test_its_recovers_a_known_level_and_slope_change():
    days = pd.date_range("2022-01-01", periods=200, freq="D")
    t = np.arange(200) - 100.0
    after = t >= 0
    rng = np.random.default_rng(1)
    noise = np.zeros(200)
    for i in range(1, 200):
        noise[i] = 0.6 * noise[i - 1] + rng.normal(0, 1)
    exact = pd.Series(10 + 0.05 * t + 8 * after + 0.2 * t * after, index=days)
    fit = before_after.interrupted_time_series(exact, days[100])
    assert fit.level_change == pytest.approx(8, abs=1e-9) and fit.slope_change == pytest.approx(0.2, abs=1e-9)
    noisy = before_after.interrupted_time_series(exact + noise, days[100], window_days=80)
    assert noisy.level_ci[0] < 8 < noisy.level_ci[1] and noisy.slope_ci[0] < 0.2 < noisy.slope_ci[1]
    assert noisy.n_days == 160
    # HAC errors are wider than naive OLS ones on positively autocorrelated noise
    import statsmodels.api as sm

    x = sm.add_constant(np.column_stack([t, after, t * after]))
    naive = sm.OLS((exact + noise).to_numpy(), x).fit()
    hac = before_after.interrupted_time_series(exact + noise, days[100])
    assert hac.level_ci[1] - hac.level_ci[0] > (naive.conf_int()[2, 1] - naive.conf_int()[2, 0])


def test_its_refuses_a_window_without_days_on_one_side():
    series = pd.Series(1.0, index=pd.date_range("2022-01-01", periods=10))
    with pytest.raises(ValueError, match="at least 3 days"):
        before_after.interrupted_time_series(series, "2022-01-09")


def test_null_top_n_counts_follow_the_binomial():
    counts = before_after.null_top_n_counts(20, 0.1, draws=20_000, seed=2)
    assert counts.mean() == pytest.approx(2.0, abs=0.05)  # n p, sd of the mean ~0.01
    assert counts.var() == pytest.approx(1.8, abs=0.08)  # n p (1 - p)
