"""Lesson 04 questions: right, typical wrong, untouched and wrong-type answers.

Right answers are worked out here independently of modlab.weighting: with pandas from the shipped
simulated poll (post-stratification as sum of population share x cell mean) and from the real
masculinity survey, so a wrong reference implementation would fail these tests.
"""

import pandas as pd
import pytest
from question_cases import assert_question_behaves

from modlab import corpora, data
from modlab.exercises import CORRECT
from modlab.exercises import lesson04 as ex

POLL = data.load("optin_poll")
CELLS = ["age_group", "sex"]
SHARES = pd.Series(
    [0.0931, 0.0969, 0.12, 0.13, 0.1692, 0.1908, 0.0877, 0.1123],
    index=pd.MultiIndex.from_product([["18-29", "30-44", "45-64", "65+"], ["man", "woman"]], names=CELLS),
)
SIZES = POLL.groupby(CELLS, observed=True).size()
SIZES.index = SIZES.index.set_levels([level.astype(str) for level in SIZES.index.levels])
CELL_MEANS = POLL.groupby(CELLS, observed=True)["in_favour"].mean()
CELL_MEANS.index = SIZES.index
WEIGHT = SHARES / (SIZES / len(POLL))
POSTSTRATIFIED = float((SHARES * CELL_MEANS).sum())
N_EFF = float((SIZES * WEIGHT).sum() ** 2 / (SIZES * WEIGHT**2).sum())
MASC = corpora.load("fte_masculinity")
MASC_N_EFF = float(MASC["weight"].sum() ** 2 / (MASC["weight"] ** 2).sum())
COLLEGE = float(MASC.loc[MASC["educ3"] == "College or more", "weight"].sum() / MASC["weight"].sum())
# typical mistakes, worked out from the raw files: the other survey's numbers, the plain mean of the cell shares
NV = corpora.load("fte_nonvoters")
NV_N_EFF = float(NV["weight"].sum() ** 2 / (NV["weight"] ** 2).sum())
NV_MEN = NV.loc[NV["gender"] == "Male"]
NV_COLLEGE = float(NV_MEN.loc[NV_MEN["educ"] == "College", "weight"].sum() / NV_MEN["weight"].sum())
PLAIN_CELL_AVERAGE = float(CELL_MEANS.sum() / 8)

CASES = [
    (ex.q1, float((POLL["age_group"] == "18-29").mean()), [(0.19, "population"), (65.41, "percentage")]),
    (ex.q2, float(WEIGHT[("65+", "woman")]), [(1 / WEIGHT[("65+", "woman")], "upside down"),
                                             (WEIGHT[("65+", "woman")] / len(POLL), "count"), (1.0, "population share")]),
    (ex.q3, POSTSTRATIFIED, [(float(POLL["in_favour"].mean()), "unweighted"), (POSTSTRATIFIED / len(POLL), "sum of the weights"),
                             (POSTSTRATIFIED * 100, "percentage"), (PLAIN_CELL_AVERAGE, "plain average of the eight cells")]),
    (ex.q4, ex.q4.expected, [(float(POLL["in_favour"].mean()), "unweighted"), (POSTSTRATIFIED, "Exercise 3"),
                             (1.0, "mean of the raking weights")]),
    (ex.q5, N_EFF, [(1 / N_EFF, "upside down"), (len(POLL) / N_EFF, "design effect"), (len(POLL), "number of respondents")]),
    (ex.q6, "a", [("b", "within a cell"), ("c", "bot"), ("d", "mix of cells")]),
    (ex.q7, MASC_N_EFF, [(1 / MASC_N_EFF, "upside down"), (1615 / MASC_N_EFF, "design effect"), (1615, "number of respondents"),
                         (NV_N_EFF, "non-voters survey"), (round(NV_N_EFF), "non-voters survey")]),
    (ex.q8, COLLEGE, [(997 / 1615, "unweighted"), (NV_COLLEGE, "non-voters survey's men"), (round(NV_COLLEGE, 3), "nv_men")]),
]


@pytest.mark.parametrize("question, right, wrong", CASES, ids=[c[0].label.split(":")[0] for c in CASES])
def test_question(question, right, wrong):
    assert_question_behaves(question, right, wrong)


def test_expected_values_match_the_independent_computation():
    assert ex.q3.expected == pytest.approx(POSTSTRATIFIED, rel=1e-12)
    assert ex.q5.expected == pytest.approx(N_EFF, rel=1e-12)
    assert ex.q7.expected == pytest.approx(MASC_N_EFF, rel=1e-12)
    assert ex.q8.expected == pytest.approx(COLLEGE, rel=1e-12)
    # raking lands near, not on, full post-stratification: the population has a small age x sex interaction
    assert abs(ex.q4.expected - POSTSTRATIFIED) < 0.005 and ex.q4.expected != pytest.approx(POSTSTRATIFIED, rel=1e-3)


def test_age_only_weighting_is_called_out():
    by_age = POLL.groupby("age_group", observed=True)["in_favour"].mean()
    age_only = float((pd.Series([0.19, 0.25, 0.36, 0.20], index=by_age.index) * by_age).sum())
    assert "age alone" in ex.q3.evaluate(age_only).message


@pytest.mark.parametrize("question, rounded", [(ex.q2, round(ex.q2.expected, 2)), (ex.q3, round(ex.q3.expected, 4)),
                                               (ex.q5, round(ex.q5.expected)), (ex.q7, round(ex.q7.expected))])
def test_sensibly_rounded_answers_are_accepted(question, rounded):
    assert question.evaluate(rounded).status == CORRECT


def test_questions_are_listed_in_order():
    assert [q.label.split(":")[0] for q in ex.QUESTIONS] == [f"Exercise {i}" for i in range(1, 9)]


def test_the_typical_mistakes_are_the_numbers_the_student_helper_saw():
    # the trial's wrong answers, rounded as a learner would copy them, get the specific diagnosis
    assert PLAIN_CELL_AVERAGE == pytest.approx(0.491, abs=5e-4) and "plain average" in ex.q3.evaluate(0.4912).message
    assert NV_N_EFF == pytest.approx(5205, abs=1) and "non-voters" in ex.q7.evaluate(5205).message
    assert NV_COLLEGE == pytest.approx(0.378, abs=5e-4) and "non-voters" in ex.q8.evaluate(0.3785).message


def test_feedback_on_the_simulated_poll_says_it_is_simulated():
    for question in (ex.q3, ex.q4, ex.q5):
        assert "simulated" in question.label and "simulated" in question.praise


def test_raking_praise_explains_in_plain_words_with_computed_shares():
    praise = ex.q4.praise
    assert "interact" not in praise
    assert "49% of 18-29" in praise and "44% of those 65+" in praise  # 0.0931 / 0.19 and 0.0877 / 0.20 by hand
