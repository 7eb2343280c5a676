"""Before/after comparisons of hate speech: the Tufts top-20 design and an interrupted time series.

Two ways to ask "did hate speech rise after the takeover?", with the standard tools:

- **Top-N by engagement** (the Tufts Digital Planet design, reported by WIRED, Nov 22 2022 [S]):
  per keyword list, the ``n`` posts with the most engagement before and after, judged by hand;
  compare the hateful proportions with **Fisher's exact test** (:func:`scipy.stats.fisher_exact`)
  and **Wilson score intervals** (:func:`statsmodels.stats.proportion.proportion_confint`).
  It measures how much of the *most viral* content is hateful, not how much hate there is.
- **Interrupted time series** (segmented regression; Wagner et al. 2002, J. Clin. Pharm. Ther.
  27: 299-309): daily counts regressed on time, a level change and a slope change at the break,
  by OLS with Newey-West (HAC) standard errors because daily counts are autocorrelated
  (:mod:`statsmodels`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

#: The published Tufts counts (via WIRED, Nov 22 2022) [S]: before, 1 hateful post across the
#: three top-20 lists (60 posts); after, 7 of 20 for the anti-LGBTQ+ and for the antisemitic
#: list (14 of 40; the racist list's count was not reported [?]).
TUFTS_BEFORE_HATEFUL, TUFTS_BEFORE_POSTS = 1, 60
TUFTS_AFTER_HATEFUL, TUFTS_AFTER_POSTS = 14, 40


def engagement(posts: pd.DataFrame) -> pd.Series:
    """Engagement score of each post: likes + reposts.

    Tufts ranked by "a mix of followers, likes and retweets" [S] whose weights were not published;
    the kit uses the plain sum of likes and reposts.

    Parameters
    ----------
    posts : pandas.DataFrame
        With integer columns ``likes`` and ``reposts``.

    Returns
    -------
    pandas.Series of int
    """
    return (posts["likes"] + posts["reposts"]).rename("engagement")


def top_n_by_engagement(posts: pd.DataFrame, start, end, n: int = 20, by: str = "keyword_list") -> pd.DataFrame:
    """The ``n`` posts with the most engagement per group, among posts dated ``start``-``end``.

    Parameters
    ----------
    posts : pandas.DataFrame
        The post stream (``date``, ``likes``, ``reposts``, ``by`` columns).
    start, end : str or pandas.Timestamp
        First and last day, inclusive.
    n : int
        Posts per group.
    by : str
        Grouping column; rows whose value is ``"none"`` are left out (they match no list).

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` rows per group, highest engagement first (ties broken by ``post_id``), with
        an ``engagement`` column added.
    """
    window = posts[(posts["date"] >= pd.Timestamp(start)) & (posts["date"] <= pd.Timestamp(end)) & (posts[by] != "none")]
    window = window.assign(engagement=engagement(window))
    ordered = window.sort_values(["engagement", "post_id"], ascending=[False, True], kind="stable")
    return ordered.groupby(by, sort=True).head(n).sort_values([by, "engagement"], ascending=[True, False], kind="stable")


def fisher_exact(hits_a: int, n_a: int, hits_b: int, n_b: int) -> tuple[float, float]:
    """Fisher's exact test (two-sided) of two proportions, hits_a/n_a vs hits_b/n_b.

    Parameters
    ----------
    hits_a, n_a, hits_b, n_b : int
        Hateful posts and posts in group a and group b (``0 <= hits <= n``).

    Returns
    -------
    (float, float)
        The sample odds ratio ``(hits_a (n_b-hits_b)) / ((n_a-hits_a) hits_b)`` and the two-sided
        p-value, from :func:`scipy.stats.fisher_exact` on ``[[hits_a, n_a-hits_a], [hits_b, n_b-hits_b]]``.
    """
    result = stats.fisher_exact([[hits_a, n_a - hits_a], [hits_b, n_b - hits_b]], alternative="two-sided")
    return float(result.statistic), float(result.pvalue)


def wilson_interval(hits: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (Wilson 1927), via statsmodels.

    Parameters
    ----------
    hits, n : int
        Successes and trials.
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    (float, float)
        Lower and upper bounds, proportions.
    """
    low, high = proportion_confint(hits, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)


def daily_counts(posts: pd.DataFrame, hateful_only: bool = True, lists=None) -> pd.Series:
    """Posts per day (days without posts count 0).

    Parameters
    ----------
    posts : pandas.DataFrame
        The post stream.
    hateful_only : bool
        Count only posts judged hateful.
    lists : sequence of str, optional
        Keyword lists to include; default all three (``"none"`` left out).

    Returns
    -------
    pandas.Series of int
        Indexed by every day from the first to the last date in ``posts``, named ``"posts"``.
    """
    lists = ["anti_lgbtq", "antisemitic", "racist"] if lists is None else list(lists)
    chosen = posts[posts["keyword_list"].isin(lists) & (posts["hateful"] if hateful_only else True)]
    every_day = pd.date_range(posts["date"].min(), posts["date"].max(), freq="D")
    return chosen.groupby("date").size().reindex(every_day, fill_value=0).rename("posts")


@dataclass(frozen=True)
class ITSResult:
    """An interrupted time series fit.

    Attributes
    ----------
    level_change : float
        Jump in the outcome at the break (outcome units, e.g. posts per day).
    slope_change : float
        Change of the daily trend after the break (outcome units per day).
    level_ci, slope_ci : (float, float)
        95% confidence intervals from the HAC (Newey-West) covariance.
    level_p, slope_p : float
        Two-sided p-values (HAC).
    pre_slope : float
        Daily trend before the break.
    fitted : pandas.Series
        Fitted values over the window.
    n_days : int
        Days used.
    """

    level_change: float
    slope_change: float
    level_ci: tuple[float, float]
    slope_ci: tuple[float, float]
    level_p: float
    slope_p: float
    pre_slope: float
    fitted: pd.Series
    n_days: int


def interrupted_time_series(series: pd.Series, break_date, window_days: int | None = None, maxlags: int = 7) -> ITSResult:
    """Segmented regression with a level and a slope change at ``break_date``, HAC errors.

    Model: ``y_t = b0 + b1 t + b2 after_t + b3 (t - t_break) after_t + e_t``, with ``t`` in days and
    ``after_t = 1`` from ``break_date`` on; OLS with a Newey-West covariance
    (``cov_type="HAC", cov_kwds={"maxlags": maxlags}``). Method: Wagner et al. (2002).

    Parameters
    ----------
    series : pandas.Series
        Daily values indexed by day (e.g. :func:`daily_counts`).
    break_date : str or pandas.Timestamp
        First day after the interruption.
    window_days : int, optional
        Use only ``window_days`` days before and from the break on; default all.
    maxlags : int
        Lags of the Newey-West covariance (7: a week of autocorrelation).

    Returns
    -------
    ITSResult

    Raises
    ------
    ValueError
        If the window leaves fewer than 3 days on either side.
    """
    break_date = pd.Timestamp(break_date)
    if window_days is not None:
        series = series[(series.index >= break_date - pd.Timedelta(days=window_days)) & (series.index < break_date + pd.Timedelta(days=window_days))]
    t = (series.index - break_date).days.to_numpy().astype(float)
    after = (t >= 0).astype(float)
    if after.sum() < 3 or (1 - after).sum() < 3:
        raise ValueError("the window needs at least 3 days before and 3 days after the break")
    design = pd.DataFrame({"const": 1.0, "time": t, "level": after, "slope": t * after}, index=series.index)
    fit = sm.OLS(series.astype(float), design).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
    ci = fit.conf_int()
    return ITSResult(
        level_change=float(fit.params["level"]), slope_change=float(fit.params["slope"]),
        level_ci=(float(ci.loc["level", 0]), float(ci.loc["level", 1])),
        slope_ci=(float(ci.loc["slope", 0]), float(ci.loc["slope", 1])),
        level_p=float(fit.pvalues["level"]), slope_p=float(fit.pvalues["slope"]),
        pre_slope=float(fit.params["time"]), fitted=fit.fittedvalues, n_days=len(series),
    )


def null_top_n_counts(n: int, share: float, draws: int = 2000, seed: int = 0) -> np.ndarray:
    """Hateful posts in ``draws`` top-``n`` lists if each slot is hateful with chance ``share``.

    The "nothing changed" model of the top-N resampler: after the takeover, a top-``n`` slot is
    as likely to hold a hateful post as before. Equivalent to Binomial(n, share) draws.

    Returns
    -------
    numpy.ndarray of int, shape (draws,)
    """
    rng = np.random.default_rng(seed)
    return (rng.random((draws, n)) < share).sum(axis=1)
