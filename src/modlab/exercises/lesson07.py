"""Self-checks for lesson 07, before and after the takeover.

Every expected value, and every diagnosed wrong answer, is computed from
``datasets/post_stream.csv`` (simulated), from the published Tufts counts in
:mod:`modlab.before_after` and with :mod:`scipy` / :mod:`statsmodels`, when first needed,
never typed in. Feedback about the post stream says it is simulated.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import stats

from modlab import before_after as _ba
from modlab import post_stream as _ps
from modlab.exercises.base import ChoiceQuestion, NumberQuestion

#: Window of the interrupted time series in Exercise 7 (days either side of the takeover).
ITS_WINDOW = 56
#: Random-sample size and share under "nothing changed" used in the lesson.
NULL_SHARE = 1 / 60
#: Length of each top list in Exercise 2: not the published 20, so the answer must come from the stream.
LONG_LIST = 50
#: Tolerances matching the precision each prompt asks for (and the lesson prints).
TWO_DECIMALS = 0.005  # a proportion "to 2 decimal places"
ONE_DECIMAL = 0.05  # posts per day "to 1 decimal place"
TWO_FIGURES = 0.01  # a p-value "to 2 significant figures" (5.7e-06 for 5.655e-06)


@functools.cache
def _posts():
    from modlab import data

    return data.load("post_stream")


def _top(period: str, n: int = 20):
    window = _ps.TUFTS_BEFORE if period == "before" else _ps.TUFTS_AFTER
    return _ba.top_n_by_engagement(_posts(), *window, n=n)


def _window_posts(period: str):
    start, end = _ps.TUFTS_BEFORE if period == "before" else _ps.TUFTS_AFTER
    posts = _posts()
    return posts[(posts["date"] >= start) & (posts["date"] <= end) & (posts["keyword_list"] != "none")]


def _tufts_p(alternative: str = "two-sided") -> float:
    table = [[_ba.TUFTS_BEFORE_HATEFUL, _ba.TUFTS_BEFORE_POSTS - _ba.TUFTS_BEFORE_HATEFUL],
             [_ba.TUFTS_AFTER_HATEFUL, _ba.TUFTS_AFTER_POSTS - _ba.TUFTS_AFTER_HATEFUL]]
    return float(stats.fisher_exact(table, alternative=alternative).pvalue)


def _chi2_p() -> float:
    table = np.array([[_ba.TUFTS_BEFORE_HATEFUL, _ba.TUFTS_BEFORE_POSTS - _ba.TUFTS_BEFORE_HATEFUL],
                      [_ba.TUFTS_AFTER_HATEFUL, _ba.TUFTS_AFTER_POSTS - _ba.TUFTS_AFTER_HATEFUL]])
    return float(stats.chi2_contingency(table).pvalue)


def _wald_low(hits: int, n: int) -> float:
    p = hits / n
    return p - 1.959963984540054 * math.sqrt(p * (1 - p) / n)


def _its(window: int | None = ITS_WINDOW, scale: int = 1) -> float:
    return _ba.interrupted_time_series(_ba.daily_counts(_posts()) * scale, _ps.TAKEOVER, window).level_change


def _mean_difference(window: int = ITS_WINDOW) -> float:
    daily = _ba.daily_counts(_posts())
    start, end = _ps.TAKEOVER - np.timedelta64(window, "D"), _ps.TAKEOVER + np.timedelta64(window, "D")
    before = daily[(daily.index >= start) & (daily.index < _ps.TAKEOVER)]
    after = daily[(daily.index >= _ps.TAKEOVER) & (daily.index < end)]
    return float(after.mean() - before.mean())


def _close(a: float, b: float, rel: float = 1e-3) -> bool:
    return math.isclose(a, b, rel_tol=rel)


q1 = NumberQuestion(
    "Exercise 1: hateful posts in the three top-20 lists before the takeover (simulated)",
    lambda: int(_top("before")["hateful"].sum()),
    kind="count",
    rel_tol=1e-9,
    mistakes=[
        (lambda v: _close(v, int(_window_posts("before")["hateful"].sum())),
         "that counts every hateful post before the takeover; keep only the 20 posts with the most engagement per list."),
        (lambda v: _close(v, int(_top("after")["hateful"].sum())), "that is the count after the takeover; use the window Mar 1 - Oct 27 2022."),
    ],
    hints=[
        "Keep only the posts of the window Mar 1 - Oct 27 2022, then the 20 with the most engagement in each keyword list: before_after has a function for exactly that.",
        "before_after.top_n_by_engagement(posts, start, end, n=20) returns those 60 posts (20 per list); fill in the window's first and last day.",
        "Add up its hateful column (True counts as 1), and convert the result with int().",
    ],
    praise="as in the Tufts study, the simulated top lists before the takeover hold almost no hateful posts.",
)

q2 = NumberQuestion(
    f"Exercise 2: share of hateful posts in the top-{LONG_LIST} lists after the takeover (simulated, all three lists, 2 decimal places)",
    lambda: float(_top("after", LONG_LIST)["hateful"].mean()),
    kind="proportion",
    abs_tol=TWO_DECIMALS,
    mistakes=[
        (lambda v: _close(v, _ba.TUFTS_AFTER_HATEFUL / _ba.TUFTS_AFTER_POSTS, 0.02),
         f"that is the published Tufts figure (14 of 40, top-20 lists) [S]; compute the share from the simulated stream, with n={LONG_LIST}."),
        (lambda v: _close(v, float(_window_posts("after")["hateful"].mean()), 0.02),
         "that is the hateful share of *all* keyword posts after the takeover (the volume); the question asks about the top lists."),
        (lambda v: _close(v, float(_top("before", LONG_LIST)["hateful"].mean()), 0.02),
         "that is the share before the takeover; use Oct 28 - Nov 13 2022."),
    ],
    hints=[
        "Same function as Exercise 1, with the window Oct 28 - Nov 13 2022 and a longer list.",
        f"before_after.top_n_by_engagement(posts, '2022-10-28', '2022-11-13', n={LONG_LIST}) gives {3 * LONG_LIST} posts.",
        "The mean of a True/False column is the share of True.",
    ],
    praise=f"in the simulated stream the top-{LONG_LIST} lists are less hateful than the top-20 ones, and both far more than all posts: the share depends on how far down the ranking you look.",
)

q3 = NumberQuestion(
    "Exercise 3: Fisher's exact test, published Tufts counts (two-sided p-value, 2 significant figures)",
    _tufts_p,
    kind="number",
    rel_tol=TWO_FIGURES,
    mistakes=[
        (lambda v: _close(v, _tufts_p("greater")), "that is a one-sided p-value in the wrong direction; use alternative='two-sided' (the default)."),
        (lambda v: _close(v, _chi2_p(), TWO_FIGURES), "that is the chi-square test's p-value; with 1 hateful post before, the exact test is the one to use."),
        (lambda v: _close(v, float(stats.fisher_exact([[1, 60], [14, 40]]).pvalue)),
         "each row of the table is (hateful, not hateful): 1 and 59 before, 14 and 26 after, not the totals."),
    ],
    hints=[
        "The 2x2 table: rows before/after, columns hateful/not hateful: [[1, 59], [14, 26]].",
        "scipy.stats.fisher_exact(table).pvalue, or before_after.fisher_exact(1, 60, 14, 40).",
    ],
    praise="a difference this large between 1 of 60 and 14 of 40 would almost never arise by chance, if the lists were samples from the same process.",
)

q4 = NumberQuestion(
    "Exercise 4: lower end of the 95% Wilson interval for 14 hateful of 40 (published, after; 2 decimal places)",
    lambda: _ba.wilson_interval(_ba.TUFTS_AFTER_HATEFUL, _ba.TUFTS_AFTER_POSTS)[0],
    kind="proportion",
    abs_tol=TWO_DECIMALS,
    mistakes=[
        (lambda v: math.isclose(v, _wald_low(14, 40), abs_tol=TWO_DECIMALS), "that is the Wald interval (p +/- 1.96 standard errors); use method='wilson'."),
        (lambda v: math.isclose(v, _ba.wilson_interval(14, 40)[1], abs_tol=TWO_DECIMALS), "that is the upper end; the question asks for the lower one."),
        (lambda v: _close(v, _ba.wilson_interval(1, 60)[0]) or _close(v, _ba.wilson_interval(1, 60)[1]), "that is the interval for 1 of 60 (before)."),
    ],
    hints=[
        "from statsmodels.stats.proportion import proportion_confint",
        "proportion_confint(14, 40, alpha=0.05, method='wilson') returns (low, high).",
    ],
    praise="even at its low end, the after share is over ten times the before share of 1 in 60.",
)

q5 = NumberQuestion(
    "Exercise 5: chance a top-20 list holds 7 or more hateful posts if each slot is hateful with chance 1/60 (4 significant figures)",
    lambda: float(stats.binom.sf(6, 20, NULL_SHARE)),
    kind="number",
    rel_tol=1e-3,
    mistakes=[
        (lambda v: _close(v, float(stats.binom.sf(7, 20, NULL_SHARE))), "that is the chance of *more than* 7; 7 or more is binom.sf(6, 20, p)."),
        (lambda v: _close(v, float(stats.binom.pmf(7, 20, NULL_SHARE))), "that is the chance of exactly 7; add the chances of 8, 9, ... 20 too."),
        (lambda v: _close(v, float(stats.binom.cdf(6, 20, NULL_SHARE))), "that is the chance of 6 or fewer; take 1 minus it."),
    ],
    hints=[
        "The number of hateful posts among 20 slots, each hateful with chance 1/60 independently, is Binomial(20, 1/60).",
        "P(X >= 7) = scipy.stats.binom.sf(6, 20, 1/60) (sf(k) is P(X > k)).",
    ],
    praise="about 2 in 100 million: 'nothing changed' cannot explain 7 of 20, whatever else might.",
)

q7 = NumberQuestion(
    f"Exercise 7: ITS level change at the takeover, {ITS_WINDOW} days either side (simulated hateful posts per day, 1 decimal place)",
    _its,
    kind="number",
    abs_tol=ONE_DECIMAL,
    mistakes=[
        (lambda v: _close(v, _its(None)), f"that uses every day of the stream; pass window_days={ITS_WINDOW}."),
        (lambda v: _close(v, _its(ITS_WINDOW, _ps.SCALE)), "that is on the real scale (x 50); the question asks in simulated posts per day."),
        (lambda v: _close(v, _mean_difference()), "that is the plain difference of the mean daily counts after and before; the ITS level change allows for the trends."),
        (lambda v: _close(v, _ba.interrupted_time_series(_ba.daily_counts(_posts()), _ps.TAKEOVER, ITS_WINDOW).slope_change),
         "that is the slope change; the question asks for the level change."),
    ],
    hints=[
        "daily = before_after.daily_counts(posts) counts hateful posts per day.",
        f"before_after.interrupted_time_series(daily, '2022-10-28', window_days={ITS_WINDOW}).level_change",
    ],
    praise="now move the window in the events explorer: the estimate is not one number, and the events inside the window share it.",
)

q6 = ChoiceQuestion(
    "Exercise 6: what does the share of hateful posts in a top-20-by-engagement list measure?",
    options={
        "a": "How much hate is posted: the share of hateful posts in the volume.",
        "b": "How much of the most engaged-with content is hateful: the virality (reach) of hate.",
        "c": "How many users saw hateful posts (impressions).",
        "d": "How many accounts posted hate.",
    },
    answer="b",
    explanations={
        "a": "a top list is chosen by engagement: in the simulation its hateful share is several times the hateful share of all posts. A random sample measures volume.",
        "c": "likes and reposts are not views: impressions are counted by the platform, not in the researchers' data.",
        "d": "a top list has 20 posts; it says nothing about how many accounts posted hate.",
    },
    hints=["Compare the top lists' hateful share (Exercises 1-2) with the share of hateful posts among all posts in the same weeks (the explorer's right panel).",
           "How are the posts in a top list chosen: at random, or by the likes and reposts they received?"],
    praise="ranking by engagement measures virality: hate can become more viral without more of it being posted, and the other way round.",
)

q8 = ChoiceQuestion(
    "Exercise 8: the company said hate speech *impressions* fell by a third; researchers counted more hateful *posts*. Which is true?",
    options={
        "a": "The researchers are right and the company's figure must be false.",
        "b": "The company is right and the researchers' counts must be wrong.",
        "c": "Both can be true at once: they measure different quantities (views of hateful posts vs how many are posted).",
        "d": "Neither can be checked, so neither means anything.",
    },
    answer="c",
    explanations={
        "a": "impressions (how often hateful posts were *seen*) can fall while the number posted rises, for instance if they are shown less, or if all viewing falls.",
        "b": "counts of posts are a different quantity from views; more posts with fewer views each is possible.",
        "d": "the researchers' keyword counts can be repeated by others; the company's impressions cannot be checked from outside, which is a reason for caution, not for dismissing both.",
    },
    hints=["What is counted in each claim: a view of a post, or a post?"],
    praise="first ask what each number counts, and who can check it: impressions are the platform's own, unaudited measure [S].",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7, q8]
