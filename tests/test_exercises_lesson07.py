"""Lesson 07 questions: right, typical wrong, untouched and wrong-type answers.

Right answers are worked out here without modlab.before_after: with pandas from the shipped
simulated stream, with scipy's hypergeometric and binomial distributions, and with a hand-built
segmented regression in statsmodels.
"""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from question_cases import assert_question_behaves
from scipy import stats

from modlab import data
from modlab.exercises import lesson07 as ex

POSTS = data.load("post_stream")
KEYWORD = POSTS[POSTS["keyword_list"] != "none"].assign(engagement=lambda f: f["likes"] + f["reposts"])


def _top20(start, end, n=20):
    window = KEYWORD[(KEYWORD["date"] >= start) & (KEYWORD["date"] <= end)]
    return window.sort_values(["engagement", "post_id"], ascending=[False, True]).groupby("keyword_list").head(n)


TOP_BEFORE = _top20("2022-03-01", "2022-10-27")
TOP_AFTER = _top20("2022-10-28", "2022-11-13")
TOP50_AFTER = _top20("2022-10-28", "2022-11-13", 50)
ALL_AFTER = KEYWORD[(KEYWORD["date"] >= "2022-10-28") & (KEYWORD["date"] <= "2022-11-13")]
# Fisher by hand: sum of hypergeometric probabilities of tables no likelier than the observed one
_H = stats.hypergeom(100, 15, 60)  # 100 posts, 15 hateful, 60 in the "before" row
FISHER = float(sum(_H.pmf(a) for a in range(16) if _H.pmf(a) <= _H.pmf(1) * (1 + 1e-7)))
Z = 1.959963984540054
_P = 14 / 40
WILSON_LOW = (_P + Z**2 / 80 - Z * math.sqrt(_P * (1 - _P) / 40 + Z**2 / 6400)) / (1 + Z**2 / 40)
BINOM_TAIL = float(sum(math.comb(20, k) * (1 / 60) ** k * (59 / 60) ** (20 - k) for k in range(7, 21)))


def _its_level(window):
    daily = POSTS[POSTS["hateful"] & (POSTS["keyword_list"] != "none")].groupby("date").size()
    daily = daily.reindex(pd.date_range("2022-03-01", "2023-06-30"), fill_value=0)
    t = (daily.index - pd.Timestamp("2022-10-28")).days.to_numpy().astype(float)
    keep = (t >= -window) & (t < window)
    x = np.column_stack([np.ones(keep.sum()), t[keep], t[keep] >= 0, t[keep] * (t[keep] >= 0)]).astype(float)
    return float(sm.OLS(daily.to_numpy()[keep].astype(float), x).fit().params[2])


ITS_56 = _its_level(56)

CASES = [
    (ex.q1, int(TOP_BEFORE["hateful"].sum()), [(int(KEYWORD.loc[KEYWORD["date"] <= "2022-10-27", "hateful"].sum()), "every hateful post"),
                                               (int(TOP_AFTER["hateful"].sum()), "after the takeover")]),
    (ex.q2, float(TOP50_AFTER["hateful"].mean()), [(float(ALL_AFTER["hateful"].mean()), "volume"), (float(TOP50_AFTER["hateful"].mean()) * 100, "percentage"),
                                                   (0.35, "published"), (14 / 40, "published")]),
    (ex.q3, FISHER, [(float(stats.chi2_contingency([[1, 59], [14, 26]]).pvalue), "chi-square"),
                     (float(stats.fisher_exact([[1, 60], [14, 40]]).pvalue), "not the totals")]),
    (ex.q4, WILSON_LOW, [(_P - Z * math.sqrt(_P * (1 - _P) / 40), "Wald"), (ex.q4.expected + 0.3, "")]),
    (ex.q5, BINOM_TAIL, [(float(stats.binom.pmf(7, 20, 1 / 60)), "exactly 7"), (float(stats.binom.sf(7, 20, 1 / 60)), "more than")]),
    (ex.q7, ITS_56, [(ITS_56 * 50, "real scale"), (_its_level(10_000), "every day")]),
    (ex.q6, "b", [("a", "random sample"), ("c", "impressions")]),
    (ex.q8, "c", [("a", "seen"), ("d", "checked")]),
]


@pytest.mark.parametrize("question, right, wrong", CASES, ids=[c[0].label.split(":")[0] for c in CASES])
def test_question(question, right, wrong):
    assert_question_behaves(question, right, wrong)


def test_expected_values_match_the_independent_computation():
    assert ex.q1.expected == 1 and ex.q2.expected == pytest.approx(40 / 150, abs=1e-12)
    assert float(TOP_AFTER["hateful"].mean()) == pytest.approx(14 / 40)  # why Exercise 2 asks for the top 50, not the top 20
    assert ex.q3.expected == pytest.approx(FISHER, rel=1e-9)
    assert ex.q4.expected == pytest.approx(WILSON_LOW, rel=1e-12)
    assert ex.q5.expected == pytest.approx(BINOM_TAIL, rel=1e-9)
    assert ex.q7.expected == pytest.approx(ITS_56, rel=1e-9)
    assert len(ex.QUESTIONS) >= 6


@pytest.mark.parametrize("question, printed, too_coarse", [
    (ex.q3, 5.7e-06, 6e-06),  # the lesson prints p = 5.7e-06 (2 significant figures)
    (ex.q4, 0.22, 0.2),  # Wilson low 0.2213, asked to 2 decimal places
    (ex.q7, 5.2, 5.0),  # level change 5.19, asked to 1 decimal place
    (ex.q2, 0.27, 0.3),  # top-50 share 40/150, asked to 2 decimal places
])
def test_the_precision_the_prompt_asks_for_is_accepted(question, printed, too_coarse):
    assert question.is_correct(printed)
    assert not question.is_correct(too_coarse)
