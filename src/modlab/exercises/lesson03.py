"""Self-checks for lesson 03, the amnesty poll.

Every expected value is computed from ``datasets/polls.csv`` or from
:mod:`modlab.polls` when first needed, never typed in.
"""

from __future__ import annotations

import math

from modlab import polls as _polls
from modlab.exercises.base import ChoiceQuestion, NumberQuestion


def _poll(poll_id: str):
    from modlab import data

    table = data.load("polls")
    return table.loc[table["poll_id"] == poll_id].iloc[0]


def _amnesty_yes_share() -> float:
    return float(_poll("general_amnesty")["yes_share"])


def _step_down_yes_votes() -> float:
    row = _poll("step_down")
    return float(row["votes"] * row["yes_share"])


def _amnesty_moe() -> float:
    row = _poll("general_amnesty")
    return _polls.srs_margin_of_error(float(row["yes_share"]), int(row["votes"]))


q1 = NumberQuestion(
    "Exercise 1: the amnesty poll's yes share",
    _amnesty_yes_share,
    kind="proportion",
    rel_tol=1e-6,
    hints=[
        "Select the row whose poll_id is 'general_amnesty', then the yes_share column.",
        "polls_table.loc[polls_table['poll_id'] == 'general_amnesty', 'yes_share'] gives a Series with one value.",
        "Add .item() to take the single number out of that Series.",
    ],
    praise="72.4% of the votes, written as the proportion 0.724.",
)

q2 = NumberQuestion(
    "Exercise 2: yes votes in the step-down poll",
    _step_down_yes_votes,
    kind="count",
    rel_tol=1e-3,
    mistakes=[
        (lambda v: math.isclose(v, _step_down_yes_votes() / 0.575 * 0.425, rel_tol=1e-3),
         "that is the number of 'no' votes: the share in the table is the share saying yes."),
    ],
    hints=[
        "Yes votes = votes x yes share, row by row: multiply the two columns.",
        "polls_table['votes'] * polls_table['yes_share'] gives one number per poll; pick the one whose poll_id is 'step_down'.",
        "Because the share is rounded to 0.1 points, the count is only known to about +/- 9,000 votes: any rounding is fine.",
    ],
    praise="about 10.06 million accounts voted yes (the share is rounded, so the last digits are uncertain).",
)

q3 = ChoiceQuestion(
    "Exercise 3: whose opinion is 72.4%?",
    options={
        "a": "All Twitter users.",
        "b": "Adults in the United States.",
        "c": "The accounts that saw the poll and chose to vote within its 24 hours, bots included.",
        "d": "The accounts that had been suspended.",
    },
    answer="c",
    explanations={
        "a": "most users never saw the poll, and those who voted chose to; nothing makes them a miniature of all users.",
        "b": "the poll did not sample US adults: anyone with an account anywhere could vote, and most adults have no account.",
        "d": "suspended accounts could not vote at all.",
    },
    hints=["Think about the two steps before a vote is counted: being shown the poll, then choosing to answer."],
    praise="a poll describes only those who answered it; the question is how they differ from everyone else.",
)

q4 = NumberQuestion(
    "Exercise 4: the margin of error the amnesty poll would have as a random sample",
    _amnesty_moe,
    kind="proportion",
    rel_tol=5e-3,
    mistakes=[
        (lambda v: math.isclose(v, _amnesty_moe() / _polls.z_value(), rel_tol=5e-3),
         "that is the standard error; the margin of error at 95% multiplies it by about 1.96."),
        (lambda v: math.isclose(v, 2 * _amnesty_moe(), rel_tol=5e-3),
         "that is the width of the whole interval; the margin of error is half of it."),
    ],
    hints=[
        "For a share p from a random sample of n people: margin = 1.96 x sqrt(p (1 - p) / n).",
        "Use p = 0.724 and n = 3,100,000, or call polls.srs_margin_of_error(p, n).",
    ],
    praise="about 0.0005, i.e. +/- 0.05 percentage points: tiny, and irrelevant, as the next part shows.",
)

q5 = NumberQuestion(
    "Exercise 5: respondents needed for +/- 3 points",
    lambda: _polls.sample_size_for_margin(0.03),
    kind="count",
    abs_tol=1.0,
    mistakes=[
        (lambda v: 1100 <= v <= 1112, "close: that uses z = 2; use 1.96 for 95% confidence."),
        (lambda v: math.isclose(v, 0.5 * 0.5 / 0.03**2, rel_tol=1e-2), "you left out the factor z squared (1.96 squared)."),
        (lambda v: math.isclose(v, 1.96**2 * 0.25 / 3**2, rel_tol=1e-2) or 0 < v <= 1,
         "write 3 points as the proportion 0.03, not 3."),
    ],
    hints=[
        "Solve margin = 1.96 x sqrt(p (1 - p) / n) for n.",
        "n = 1.96^2 x p (1 - p) / margin^2, with the cautious p = 0.5 and margin = 0.03; round up.",
    ],
    praise="about 1,068 people, if they are chosen at random.",
)

q6 = NumberQuestion(
    "Exercise 6: a poll of a 50-50 population where supporters vote twice as often",
    lambda: _polls.opt_in_share(0.5, 2.0),
    kind="proportion",
    rel_tol=0.01,  # accepts 0.67, two-thirds rounded
    mistakes=[(lambda v: math.isclose(v, 0.5, rel_tol=1e-3), "that is the population's share; who votes changes what the poll shows.")],
    hints=[
        "Imagine 100 supporters and 100 opponents. If opponents vote with chance x, supporters vote with chance 2x.",
        "Expected yes votes: 100 x 2x; no votes: 100 x x. What share of all votes is yes? (x cancels.)",
    ],
    praise="two votes in three say yes, though the population is split evenly.",
)

q7 = NumberQuestion(
    "Exercise 7: working back from 72.4%",
    lambda: _polls.share_from_opt_in(0.724, 2.5),
    kind="proportion",
    rel_tol=0.01,  # accepts 0.51
    mistakes=[
        (lambda v: math.isclose(v, 0.724 / 2.5, rel_tol=2e-3), "dividing the share by 2.5 is not enough: the odds, yes/no, are what the ratio multiplies."),
        (lambda v: math.isclose(v, 0.724, rel_tol=1e-3), "that is the poll's share; the question asks for the population's."),
    ],
    hints=[
        "Odds of yes among voters = 0.724 / 0.276. Supporters' higher turnout multiplies the odds by 2.5.",
        "Population odds = voter odds / 2.5; then share = odds / (1 + odds). Or use polls.share_from_opt_in.",
    ],
    praise="about 51%: a narrow majority looks like a landslide when one side is 2.5 times as keen to vote.",
)

q8 = NumberQuestion(
    "Exercise 8: Meng's 2016 example",
    lambda: _polls.effective_sample_size(-0.005, 2_300_000, 231_000_000),
    kind="number",
    rel_tol=0.01,
    mistakes=[
        (lambda v: v < 0, "an effective sample size cannot be negative. Python reads -0.005 ** 2 as -(0.005 ** 2): "
         "put the brackets in, (-0.005) ** 2."),
        (lambda v: math.isclose(v, 1 / 0.005**2, rel_tol=0.01), "you left out the data fraction f / (1 - f)."),
        (lambda v: math.isclose(abs(v), _polls.effective_sample_size(-0.005, 2_300_000, 231_000_000) * 0.005, rel_tol=0.01),
         "divide by rho squared, not by rho."),
    ],
    hints=[
        "n_eff = f / (1 - f) / rho^2, with f = n / N, the fraction of the population in the data.",
        "f = 2.3 million / 231 million, about 0.01; rho^2 = 0.000025.",
    ],
    praise="about 400: 2.3 million responses with a tiny defect are worth a few hundred random ones.",
)

q9 = NumberQuestion(
    "Exercise 9: what 3.1 million votes are worth at rho = 0.01",
    lambda: _polls.effective_sample_size(0.01, 3_100_000, _polls.TWITTER_MDAU_Q2_2022),
    kind="number",
    rel_tol=0.02,  # accepts "about 130"
    mistakes=[
        (lambda v: math.isclose(v, _polls.effective_sample_size(0.01, 3_100_000, _polls.TWITTER_MDAU_Q2_2022) * 0.01, rel_tol=0.01),
         "divide by rho squared, not by rho."),
        (lambda v: math.isclose(v, _polls.effective_sample_size(0.01, 3_100_000, 231_000_000), rel_tol=0.002),
         "that uses the US voting population from Meng's example; here N is Twitter's 237.8 million daily users."),
    ],
    hints=[
        "Same formula as Exercise 8: n_eff = f / (1 - f) / rho^2.",
        "n = 3,100,000; N = polls.TWITTER_MDAU_Q2_2022 (237.8 million); rho = 0.01.",
    ],
    praise="about 130 random respondents: the votes of 3.1 million accounts carry the information of a few classrooms.",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7, q8, q9]
