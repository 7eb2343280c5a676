"""Self-checks for lesson 04, weighting.

Every expected value, and every diagnosed wrong answer, is computed from
``datasets/optin_poll.csv`` (simulated), from the FiveThirtyEight surveys (``modlab.corpora``)
and from :mod:`modlab.weighting` when first needed, never typed in. Feedback that reports on
the simulated poll says so. The learner's own ``groupby`` post-stratification is checked
against :func:`modlab.weighting.post_stratification_weights`.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from modlab import optin_poll as _optin
from modlab import weighting as _weighting
from modlab.exercises.base import ChoiceQuestion, NumberQuestion

CELLS = ["age_group", "sex"]


@functools.cache
def _poll():
    from modlab import data

    return data.load("optin_poll")


def _young_share() -> float:
    return float((_poll()["age_group"] == "18-29").mean())


def _cell_counts():
    return _poll().groupby(CELLS, observed=True).size()


def _weight_of(age_group: str, sex: str) -> float:
    """Post-stratification weight of one cell: population share / sample share."""
    return float(_optin.population_shares(CELLS)[(age_group, sex)] / (_cell_counts()[(age_group, sex)] / len(_poll())))


def _weights(by) -> object:
    return _weighting.post_stratification_weights(_poll(), _optin.population_shares(by), by)


def _estimate(by) -> float:
    return _weighting.weighted_share(_poll()["in_favour"], _weights(by))


@functools.cache
def _raked_weights():
    margins = {column: _optin.population_shares(column).to_dict() for column in CELLS}
    return _weighting.rake_weights(_poll(), margins)


def _raked_estimate() -> float:
    return _weighting.weighted_share(_poll()["in_favour"], _raked_weights())


def _mean_raked_weight() -> float:
    """The mistake of reporting the raking weights' mean (1 by construction) as the share."""
    return float(np.mean(_raked_weights()))


def _plain_average_of_cells() -> float:
    """The mistake of averaging the cells' shares in favour without the population shares."""
    return float(_poll().groupby(CELLS, observed=True)["in_favour"].mean().mean())


def _men_share_by_age() -> tuple[float, float]:
    """Share of men among the simulated population's youngest and oldest age groups."""
    cells = _optin.POPULATION_CELLS["population_share"]
    young, old = _optin.AGE_GROUPS[0], _optin.AGE_GROUPS[-1]
    return float(cells[(young, "man")] / cells[young].sum()), float(cells[(old, "man")] / cells[old].sum())


def _inverted_estimate() -> float:
    """The mistake of weighting by sample share / population share (upside down)."""
    w = 1 / _weights(CELLS)
    return _weighting.weighted_share(_poll()["in_favour"], w)


def _kish_cells() -> float:
    return _weighting.kish_effective_sample_size(_weights(CELLS))


@functools.cache
def _masculinity():
    from modlab import corpora

    return corpora.load("fte_masculinity")


@functools.cache
def _nonvoters():
    from modlab import corpora

    return corpora.load("fte_nonvoters")


def _masculinity_n_eff() -> float:
    return _weighting.kish_effective_sample_size(_masculinity()["weight"])


def _nonvoters_n_eff() -> float:
    return _weighting.kish_effective_sample_size(_nonvoters()["weight"])


def _masculinity_college(weighted: bool = True) -> float:
    from modlab import fte_surveys

    table = fte_surveys.shares(fte_surveys.men_in_masculinity(_masculinity()), "education")
    return float(table.loc["college degree or more", "weighted" if weighted else "unweighted"])


def _nonvoters_college(weighted: bool = True) -> float:
    """The same share among the non-voters survey's men (the mistake of using the other survey)."""
    from modlab import fte_surveys

    table = fte_surveys.shares(fte_surveys.men_in_nonvoters(_nonvoters()), "education")
    return float(table.loc["college degree or more", "weighted" if weighted else "unweighted"])


q1 = NumberQuestion(
    "Exercise 1: how young is the simulated poll?",
    _young_share,
    kind="proportion",
    rel_tol=1e-3,
    mistakes=[(lambda v: math.isclose(v, 0.19, rel_tol=1e-3), "0.19 is the population's share of 18-29 year-olds; the question asks about the respondents.")],
    hints=[
        "Compare the age_group column with the text '18-29': that gives True/False for every respondent.",
        "The mean of True/False values is the share of True: (poll['age_group'] == '18-29').mean().",
    ],
    praise="about two respondents in three are 18-29, as in the Xbox poll, against about one voter in five.",
)

q2 = NumberQuestion(
    "Exercise 2: the weight of a respondent who is a woman aged 65+",
    lambda: _weight_of("65+", "woman"),
    kind="number",
    rel_tol=1e-3,
    mistakes=[
        (lambda v: math.isclose(v, 1 / _weight_of("65+", "woman"), rel_tol=1e-3),
         "that is upside down: the weight is the population share divided by the sample share, so rare cells get large weights."),
        (lambda v: math.isclose(v, _weight_of("65+", "woman") / len(_poll()), rel_tol=1e-3),
         "you divided the population share by the cell's *count*; divide by its *share* of the sample (count / number of respondents)."),
        (lambda v: math.isclose(v, 1.0, rel_tol=1e-3),
         "a weight of 1 comes from dividing the sample share by itself: use the population share on top."),
        (lambda v: math.isclose(v, float(_optin.population_shares("age_group")["65+"] / (_poll()["age_group"] == "65+").mean()), rel_tol=1e-3),
         "that is the weight for being 65+ (age alone); the cell here is age x sex: women aged 65+."),
    ],
    hints=[
        "weight = (share of the population in the cell) / (share of the respondents in the cell).",
        "Count the cells with poll.groupby(['age_group', 'sex'], observed=True).size(); observed=True lists only the "
        "age x sex combinations that occur in the data (the two columns are categorical).",
        "The population share of (65+, woman) is in the population table; the sample share is the number of such respondents divided by len(poll).",
    ],
    praise="each of these rare simulated respondents stands for about forty: a handful of people carry a large share of the estimate.",
)

q3 = NumberQuestion(
    "Exercise 3: your post-stratified share in favour in the simulated poll (age x sex)",
    lambda: _estimate(CELLS),
    kind="proportion",
    rel_tol=1e-3,
    mistakes=[
        (lambda v: math.isclose(v, float(_poll()["in_favour"].mean()), rel_tol=1e-3),
         "that is the unweighted share: with sample shares in place of population shares every weight is 1. Use the population shares."),
        (lambda v: math.isclose(v, _estimate("age_group"), rel_tol=1e-3),
         "that is post-stratified on age alone; group by both age_group and sex."),
        (lambda v: math.isclose(v, _inverted_estimate(), rel_tol=1e-3),
         "your weights are upside down (sample share / population share): they make the skew worse."),
        (lambda v: math.isclose(v, _estimate(CELLS) / len(_poll()), rel_tol=1e-3),
         "divide the weighted sum by the sum of the weights (or use np.average with weights=), not by the number of respondents."),
        (lambda v: math.isclose(v, _plain_average_of_cells(), rel_tol=1e-3),
         "that is the plain average of the eight cells' shares, as if every cell were an eighth of the population: "
         "weight each cell's share by its population share instead."),
    ],
    hints=[
        "Group the poll by ['age_group', 'sex'] (observed=True, as in Exercise 2) and take the mean of in_favour: one share per cell.",
        "Multiply each cell's share in favour by the cell's population share, and add up. That is the post-stratified estimate.",
        "Equivalently: give each respondent the weight population share / sample share of their cell and take np.average(in_favour, weights=...).",
    ],
    praise="the weighted simulated poll now has the population's mix of ages and sexes, and its estimate moves most of the way back to the simulated truth.",
)

q4 = NumberQuestion(
    "Exercise 4: the raked share in favour in the simulated poll",
    _raked_estimate,
    kind="proportion",
    rel_tol=1e-3,
    mistakes=[
        (lambda v: math.isclose(v, float(_poll()["in_favour"].mean()), rel_tol=1e-3), "that is the unweighted share; pass the raking weights to np.average."),
        (lambda v: math.isclose(v, _estimate(CELLS), rel_tol=1e-4) and not math.isclose(v, _raked_estimate(), rel_tol=1e-3),
         "that is the post-stratified estimate from Exercise 3; here use weighting.rake_weights with the two margins."),
        (lambda v: math.isclose(v, _mean_raked_weight(), rel_tol=1e-3),
         "that is the mean of the raking weights, which is 1 by construction; the question asks for the weighted share in favour: "
         "np.average(poll['in_favour'], weights=raked)."),
    ],
    hints=[
        "margins = {'age_group': optin_poll.population_shares('age_group').to_dict(), 'sex': optin_poll.population_shares('sex').to_dict()}",
        "raked = weighting.rake_weights(poll, margins), then np.average(poll['in_favour'], weights=raked).",
    ],
    praise=("raking used only the two margins, yet lands close to full post-stratification on the simulated poll: in the simulated "
            "population the share of men is much the same in every age group ({:.0%} of 18-29 year-olds, {:.0%} of those 65+), "
            "so matching the age margin and the sex margin almost matches every age x sex cell.").format(*_men_share_by_age()),
)

q5 = NumberQuestion(
    "Exercise 5: Kish's effective sample size of the simulated poll's age x sex weights",
    _kish_cells,
    kind="number",
    rel_tol=1e-3,
    mistakes=[
        (lambda v: math.isclose(v, 1 / _kish_cells(), rel_tol=1e-3), "that is upside down: n_eff = (sum of w)^2 / (sum of w^2), a number of respondents."),
        (lambda v: math.isclose(v, len(_poll()) / _kish_cells(), rel_tol=1e-3), "that is the design effect n / n_eff; the question asks for n_eff."),
        (lambda v: math.isclose(v, len(_poll()), rel_tol=1e-3), "that is the number of respondents; unequal weights make them count for fewer."),
        (lambda v: math.isclose(v, float(_weights(CELLS).sum()) ** 2 / len(_poll()), rel_tol=1e-3) and not math.isclose(v, _kish_cells(), rel_tol=1e-3),
         "the denominator is the sum of the *squared* weights."),
    ],
    hints=[
        "n_eff = (sum of the weights)^2 / (sum of the squared weights).",
        "With your weights in a column w: w.sum() ** 2 / (w ** 2).sum(). Or weighting.kish_effective_sample_size(w).",
    ],
    praise=f"the {_optin.DEFAULT_RESPONDENTS:,} simulated respondents, weighted, are worth under a thousand: the price of leaning on a few rare respondents.",
)

q6 = ChoiceQuestion(
    "Exercise 6: what can weighting on age x sex remove?",
    options={
        "a": "The bias from the poll having far too many young men, to the extent that opinions differ between age x sex cells.",
        "b": "The bias from supporters being keener to answer than opponents of the same age and sex.",
        "c": "The bias from bots that answer the age and sex questions like human respondents.",
        "d": "All three, if the population shares are exact.",
    },
    answer="a",
    explanations={
        "b": "within a cell the weights are all equal, so weighting cannot see a tilt inside the cell; it stays, and can even grow "
             "once weighting removes an offsetting bias or up-weights the rare cells (try supporters at 0.25 in the explorer).",
        "c": "a bot that says it is a 25-year-old man is weighted like one: its answer counts as much as a real respondent's, "
             "and a bot that claims a rare cell counts many times over.",
        "d": "exact population shares fix the mix of cells, not who answers within a cell or whether they are people.",
    },
    hints=["Weighting changes how much each *cell* counts. Which of the three problems lives between cells, and which inside them?"],
    praise="weighting on X removes the part of the data-defect correlation that runs through X, and nothing else.",
)

q7 = NumberQuestion(
    "Exercise 7: Kish's effective sample size of the masculinity survey",
    _masculinity_n_eff,
    kind="number",
    rel_tol=1e-3,
    mistakes=[
        (lambda v: math.isclose(v, 1 / _masculinity_n_eff(), rel_tol=1e-3), "that is upside down: (sum of w)^2 / (sum of w^2)."),
        (lambda v: math.isclose(v, len(_masculinity()) / _masculinity_n_eff(), rel_tol=1e-3), "that is the design effect; the question asks for n_eff."),
        (lambda v: math.isclose(v, len(_masculinity()), rel_tol=1e-3), "that is the number of respondents; use the weight column."),
        (lambda v: math.isclose(v, _nonvoters_n_eff(), rel_tol=1e-3),
         "that is the non-voters survey's effective sample size (the probability panel); use the weights of masculinity."),
    ],
    hints=[
        "The weights are in the 'weight' column of masculinity.",
        "weighting.kish_effective_sample_size(masculinity['weight']), or w.sum() ** 2 / (w ** 2).sum().",
    ],
    praise="the 1,615 men count for about a third as many: the weights had to work hard.",
)

q8 = NumberQuestion(
    "Exercise 8: weighted share of college graduates among the masculinity survey's men",
    _masculinity_college,
    kind="proportion",
    rel_tol=2e-3,
    mistakes=[
        (lambda v: math.isclose(v, _masculinity_college(weighted=False), rel_tol=2e-3),
         "that is the unweighted share of respondents; add up the weights of the college graduates and divide by the sum of all weights."),
        (lambda v: math.isclose(v, _nonvoters_college(weighted=True), rel_tol=2e-3),
         "that is the weighted share among the non-voters survey's men (nv_men); the question asks about the masculinity survey (masc_men)."),
    ],
    hints=[
        "In masc_men the column 'education' has the level 'college degree or more'.",
        "Weighted share = masc_men.loc[masc_men['education'] == 'college degree or more', 'weight'].sum() / masc_men['weight'].sum().",
    ],
    praise="the weights more than halve the graduates' share: the opt-in respondents were far more educated than American men.",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7, q8]
