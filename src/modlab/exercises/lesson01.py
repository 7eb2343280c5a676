"""Self-checks for lesson 01, platform governance.

Every expected value is computed from ``datasets/transparency.csv`` or from
:mod:`modlab.capacity` when first needed, never typed in.
"""

from __future__ import annotations

import math

from modlab import capacity as _capacity
from modlab.exercises.base import ChoiceQuestion, NumberQuestion, half_unit, precision_words


def _figure(report: str, metric: str, policy: str) -> float:
    """One figure of the transparency table, e.g. ``("twitter_2021h2", "accounts_suspended", "all")``."""
    from modlab import data

    table = data.load("transparency")
    row = table[(table["report"] == report) & (table["metric"] == metric) & (table["policy"] == policy)]
    return float(row["value"].item())


def _listed_policies_2021() -> float:
    from modlab import data

    table = data.load("transparency")
    listed = (table["report"] == "twitter_2021h2") & (table["metric"] == "accounts_suspended") & (table["policy"] != "all")
    return float(table.loc[listed, "value"].sum())


def _suspended_share() -> float:
    return _figure("twitter_2021h2", "accounts_suspended", "all") / _figure("twitter_2021h2", "accounts_actioned", "all")


def _hateful_share() -> float:
    return _figure("twitter_2021h2", "accounts_suspended", "hateful_conduct") / _figure("twitter_2021h2", "accounts_suspended", "all")


def _hateful_ratio() -> float:
    return _figure("twitter_2020h2", "accounts_actioned", "hateful_conduct") / _figure("x_2024h1", "accounts_actioned", "hateful_conduct")


def _actions_per_million_reports() -> float:
    return _figure("x_2024h1", "accounts_actioned", "hateful_conduct") / _figure("x_2024h1", "reports", "hateful_conduct") * 1e6


def _unreviewed(scenario: str, group: str) -> float:
    return float(_capacity.summarise(_capacity.PRESETS[scenario]).loc[group, "unreviewed_share"])


#: How far each numeric answer may be rounded, in decimal places; each exercise in the lesson says the
#: same in words. The check accepts the full value or the value rounded so far,
#: never a coarser rounding: a tolerance of half a unit in the last place asked (plus the kit's usual 0.1%).
DECIMALS = {"q2": 3, "q3": 3, "q4": 0, "q5": 0, "q7": 3}
#: The words the exercises use for :data:`DECIMALS` (the checks' messages use the same words).
PRECISION_WORDS = {places: precision_words(places) for places in set(DECIMALS.values())}



q1 = ChoiceQuestion(
    "Exercise 1: which step is the decision?",
    options={
        "a": "A user flags the post with the report button.",
        "b": "A classifier scores the post and moves it up the review queue.",
        "c": "A reviewer reads the post and judges that it breaks the hateful conduct policy.",
        "d": "The post is shown to fewer people and carries a warning label.",
    },
    answer="c",
    explanations={
        "a": "a user report is detection: it tells the platform where to look, but decides nothing (the policy says the number of reports does not decide removal).",
        "b": "scoring and ranking is automated detection (or prioritisation): it decides what is looked at first, not whether a rule was broken.",
        "d": "that is the action, what follows once the decision has been made.",
    },
    hints=["Detection finds a post, the decision judges it against the policy, the action does something to it."],
    praise="the decision is the judgement against the policy; detection comes before it and the action after it.",
)

q2 = NumberQuestion(
    "Exercise 2: share of actioned accounts that were suspended",
    _suspended_share,
    kind="proportion",
    rel_tol=1e-3,
    abs_tol=half_unit(DECIMALS["q2"]),  # accepts 0.298, refuses 0.30
    places=DECIMALS["q2"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: math.isclose(v, 1 / _suspended_share(), rel_tol=1e-3),
         "this is upside down: divide the suspended accounts by the actioned accounts."),
        (lambda v: math.isclose(v, _figure("twitter_2021h2", "accounts_suspended", "all") / _figure("twitter_2021h2", "content_removed", "all"), rel_tol=1e-3),
         "that divides by content removed; the question compares two kinds of account figures."),
    ],
    hints=[
        "Select the rows of report 'twitter_2021h2' with policy 'all'; you need the metrics 'accounts_suspended' and 'accounts_actioned'.",
        "One way: totals = transparency[(transparency['report'] == 'twitter_2021h2') & (transparency['policy'] == 'all')].set_index('metric')['value'], then totals['accounts_suspended'] / totals['accounts_actioned'].",
    ],
    praise="0.298: fewer than one in three actioned accounts was suspended; most actions were lighter.",
)

q3 = NumberQuestion(
    "Exercise 3: hateful conduct's share of all suspensions",
    _hateful_share,
    kind="proportion",
    rel_tol=1e-3,
    abs_tol=half_unit(DECIMALS["q3"]),  # accepts 0.082, refuses 0.08
    places=DECIMALS["q3"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: math.isclose(v, _figure("twitter_2021h2", "accounts_suspended", "hateful_conduct") / _listed_policies_2021(), rel_tol=5e-3),
         "that divides by the sum of the seven listed policies; the question asks for a share of all suspensions (policy 'all')."),
        (lambda v: math.isclose(v, _figure("twitter_2021h2", "accounts_suspended", "hateful_conduct") / _figure("twitter_2021h2", "accounts_actioned", "all"), rel_tol=5e-3),
         "that is a share of all actioned accounts; the question asks for a share of suspended accounts."),
    ],
    hints=[
        "Both numbers are accounts_suspended rows of report 'twitter_2021h2': one with policy 'hateful_conduct', one with policy 'all'.",
        "Make a Series of suspensions indexed by policy, e.g. with .set_index('policy')['value'], then divide one entry by the other.",
    ],
    praise="0.082, that is 8.2% of suspensions: fifth among the seven listed policies.",
)

q4 = NumberQuestion(
    "Exercise 4: accounts actioned for hateful conduct, Jul-Dec 2020 vs Jan-Jun 2024",
    _hateful_ratio,
    kind="number",
    rel_tol=1e-3,
    abs_tol=half_unit(DECIMALS["q4"]),  # accepts 477, refuses 480
    places=DECIMALS["q4"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: math.isclose(v, 1 / _hateful_ratio(), rel_tol=0.01),
         "this is upside down: how many times the 2020 figure is the 2024 one, so divide 2020 by 2024."),
    ],
    hints=[
        "The two rows have metric 'accounts_actioned' and policy 'hateful_conduct'; one is report 'twitter_2020h2', the other 'x_2024h1'.",
        "Divide the 2020 figure by the 2024 figure.",
    ],
    praise="477: the 2020 count is 477 times the 2024 one. The next part asks what such a drop can and cannot mean.",
)

q5 = NumberQuestion(
    "Exercise 5: hateful-conduct actions per million reports, Jan-Jun 2024",
    _actions_per_million_reports,
    kind="number",
    rel_tol=1e-3,
    abs_tol=half_unit(DECIMALS["q5"]),  # accepts 35, refuses 40
    places=DECIMALS["q5"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: math.isclose(v, 1e6 / _actions_per_million_reports(), rel_tol=0.01),
         "this is upside down: that is reports per action. Divide actions by reports, then multiply by a million."),
    ],
    hints=[
        "Actions per report = accounts actioned / reports, both for report 'x_2024h1' and policy 'hateful_conduct'.",
        "Multiply the actions per report by 1,000,000.",
    ],
    praise="35 actions for every million reports. The 67 million is itself rounded, so the result is approximate.",
)

q6 = ChoiceQuestion(
    "Exercise 6: what can the 2021 table answer?",
    options={
        "a": "How many of the 1,269,477 suspensions were mistakes.",
        "b": "Which of the seven listed policies led to the most suspensions after child sexual exploitation.",
        "c": "How many user reports of hateful conduct led to no action at all.",
        "d": "How many of the suspended accounts posted mainly in Hindi.",
    },
    answer="b",
    explanations={
        "a": "the table counts actions, not errors: it has no appeals, no reversals and no audit of decisions.",
        "c": "the 2021 table has no number of reports, so there is no denominator for 'led to no action'.",
        "d": "nothing in the table is broken down by language (or by country).",
    },
    hints=["Look at the columns and rows you have: report, metric, policy, value. Which question needs nothing else?"],
    praise="impersonation (169,396). The other three need numbers the report did not publish: errors, reports, languages.",
)

q7 = NumberQuestion(
    "Exercise 7: 'All other languages' after the contractor cuts",
    lambda: _unreviewed("after the contractor cuts", "All other languages"),
    kind="proportion",
    rel_tol=1e-3,
    abs_tol=half_unit(DECIMALS["q7"]),  # accepts 0.912, refuses 0.91 and 0.9
    places=DECIMALS["q7"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: math.isclose(v, _unreviewed("before Nov 2022", "All other languages"), rel_tol=5e-3),
         "that is the 'before Nov 2022' scenario; use the one after the contractor cuts."),
        (lambda v: math.isclose(v, _unreviewed("after the contractor cuts", "All languages"), rel_tol=5e-3),
         "that is all languages together; the question asks for the row 'All other languages'."),
    ],
    hints=[
        "capacity.summarise(capacity.PRESETS['after the contractor cuts']) gives a table indexed by language group.",
        "Pick one cell with .loc['All other languages', 'unreviewed_share'].",
    ],
    praise="0.912 (simulated): in this model 91.2% of such reports are not looked at within the month.",
)

q8 = NumberQuestion(
    "Exercise 8: reviewers needed so that no language group falls behind",
    lambda: _capacity.reviewers_needed(_capacity.PRESETS["before Nov 2022"]),
    kind="count",
    rel_tol=1e-3,
    mistakes=[
        (lambda v: math.isclose(v, _capacity.PRESETS["before Nov 2022"].to_humans_per_day / _capacity.PRESETS["before Nov 2022"].reviews_per_reviewer, rel_tol=2e-3),
         "that is enough only if every reviewer could read every language; each group needs its own reviewers."),
        (lambda v: 6_900 <= v <= 7_000,
         "that keeps the Arabic, Hindi & Indonesian group up to date, but another group is served worse."),
    ],
    hints=[
        "For each group: reviewers needed = reports_to_humans_per_day / (reviewer_share x reviews_per_reviewer); the first two are columns of summary_before, the third is capacity.PRESETS['before Nov 2022'].reviews_per_reviewer (60).",
        "Drop the 'All languages' row (summary_before.drop(index='All languages')), divide the columns to get one number per group, then take the largest with .max(): that group sets the number.",
    ],
    praise="12,500 (simulated): more than twice the 5,500 contractors, because of one under-served group.",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7, q8]
