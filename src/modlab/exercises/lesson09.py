"""Self-checks for lesson 09, the capstone: audit the amnesty.

Every expected value, and every diagnosed wrong answer, is computed when first needed from the
simulated data pack (``datasets/reinstated_posts_simulated.csv``) with pandas, scikit-learn,
statsmodels and :mod:`modlab.polls`, never typed in. Feedback about the pack says it is simulated.
"""

from __future__ import annotations

import functools
import math

from modlab import polls as _polls
from modlab.exercises.base import ChoiceQuestion, NumberQuestion, half_unit

BEFORE, AFTER = "before_suspension", "after_reinstatement"
#: The margin of error the audit plans for (Exercise 2), as a proportion.
PLANNED_MARGIN = 0.05
#: Decimal places each prompt asks for.
PLACES = {"q3": 2, "q4": 2, "q5": 3, "q6": 4, "q7": 4}
Z95 = 1.959963984540054


@functools.cache
def _posts():
    from modlab import data

    return data.load("reinstated_posts")


def _labelled(period: str | None = None):
    posts = _posts()
    rows = posts[posts["annotated"]]
    return rows if period is None else rows[rows["period"] == period]


def _hits(period: str, column: str = "adjudicated") -> int:
    return int((_labelled(period)[column] == "hateful").sum())


def _n(period: str) -> int:
    return len(_labelled(period))


def _keyword_share(period: str = AFTER) -> float:
    posts = _posts()
    rows = posts[posts["has_keyword"] & (posts["period"] == period)]
    return float(rows["true_hateful"].mean())


def _kappa(rows=None, a: str = "annotator_a", b: str = "annotator_b") -> float:
    from sklearn.metrics import cohen_kappa_score

    rows = _labelled() if rows is None else rows
    return float(cohen_kappa_score(rows[a].astype(str), rows[b].astype(str)))


def _agreement() -> float:
    rows = _labelled()
    return float((rows["annotator_a"] == rows["annotator_b"]).mean())


def _wilson(hits: int, n: int) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(hits, n, alpha=0.05, method="wilson")
    return float(low), float(high)


def _wald(hits: int, n: int) -> tuple[float, float]:
    p = hits / n
    half = Z95 * math.sqrt(p * (1 - p) / n)
    return p - half, p + half


def _difference(column: str = "adjudicated") -> float:
    return _hits(AFTER, column) / _n(AFTER) - _hits(BEFORE, column) / _n(BEFORE)


def _diff_ci(method: str = "newcomb") -> tuple[float, float]:
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(_hits(AFTER), _n(AFTER), _hits(BEFORE), _n(BEFORE), method=method, compare="diff", alpha=0.05)
    return float(low), float(high)


def _true_share(period: str) -> float:
    posts = _posts()
    return float(posts.loc[posts["period"] == period, "true_hateful"].mean())


def _near(a: float, b: float, places: int) -> bool:
    return math.isclose(a, b, abs_tol=half_unit(places))


def _keyword_recall(period: str = AFTER) -> float:
    """The reverse conditional of Exercise 3: the share of truly hateful posts that carry a keyword."""
    posts = _posts()
    rows = posts[posts["true_hateful"] & (posts["period"] == period)]
    return float(rows["has_keyword"].mean())


def answer_tolerance(value: float, places: int) -> float:
    """How far from ``value`` an answer may be: the value rounded to ``places`` is accepted, and so is any
    answer given more precisely that is at least as close; 0.0965 for 0.0961 asked to 3 places is not.

    At least half a unit two places further, for float noise and z = 1.96 instead of 1.95996.
    The hidden tests in the notebook compute the same tolerance.
    """
    return max(abs(value - round(value, places)), half_unit(places + 2)) + 1e-12


class _RoundedAnswer(NumberQuestion):
    """A number asked "to N decimal places or more": tolerance from :func:`answer_tolerance`; a named
    method mistake (e.g. Wald for Newcombe) is diagnosed before a coarser rounding it coincides with."""

    def __init__(self, label, expected, **kwargs):
        super().__init__(label, expected, rel_tol=0, abs_tol=0, **kwargs)

    @property
    def tolerance(self) -> float:
        return answer_tolerance(self.expected, self.places)

    def close(self, value: float, target: float) -> bool:
        return math.isclose(value, target, rel_tol=0, abs_tol=self.tolerance)

    def _rounded_too_far(self, number: float) -> bool:
        return super()._rounded_too_far(number) and not any(predicate(number) for predicate, _ in self.mistakes)


q1 = ChoiceQuestion(
    "Exercise 1: the audit's estimand",
    options={
        "a": "The number of hateful posts on the whole platform in December 2022 minus the number in October 2022.",
        "b": "Among the accounts reinstated in the amnesty: the share of their posts that are hateful in the 60 days after reinstatement, minus the same share in the 60 days before their suspension.",
        "c": "The share of hateful posts among the 20 most-liked posts of reinstated accounts, after minus before.",
        "d": "The share of voters in the amnesty poll who wanted hateful accounts back.",
    },
    answer="b",
    explanations={
        "a": "that is the whole platform, where everything else that happened in those months also counts; the question is about the reinstated accounts.",
        "c": "a top-20 list measures the virality of the most engaging posts (lesson 07), not how much hate the accounts post.",
        "d": "the poll's voters are not the reinstated accounts, and an opt-in poll measures neither (lesson 03).",
    },
    hints=["An estimand names a population, a quantity and a comparison. Whose posts? Which quantity (a count, a share, a top list)? Compared with when?",
           "The council asked about the reinstated accounts, and about how much hate they post: a share of all their posts, in two windows."],
    praise="a population (the reinstated accounts), a quantity (the share of their posts that are hateful) and a comparison (after reinstatement vs before suspension).",
)

q2 = NumberQuestion(
    f"Exercise 2: posts to label per period for a {PLANNED_MARGIN:.0%} margin of error at 95% (worst case p = 0.5)",
    lambda: _polls.sample_size_for_margin(PLANNED_MARGIN),
    kind="count",
    rel_tol=0,
    abs_tol=0,
    mistakes=[
        # z = 2 gives exactly 400, which is also the pack's labelled sample: one message names both readings.
        (lambda v: v == math.ceil(2**2 * 0.25 / PLANNED_MARGIN**2),
         "that uses z = 2 (or copies the 400 posts the pack's annotators labelled); with z = 1.96 (95%) the answer is a little smaller."),
        (lambda v: v == math.ceil(0.25 / PLANNED_MARGIN**2), "the formula is n = z^2 p (1 - p) / MoE^2: the z^2 is missing."),
        (lambda v: v == math.floor(Z95**2 * 0.25 / PLANNED_MARGIN**2), "round *up*: the smallest whole n whose margin is at most 5 points."),
        (lambda v: abs(v - Z95 * 0.5 / PLANNED_MARGIN) < 1, "the margin shrinks with the square root of n: square z x sqrt(p(1-p)) / MoE."),
    ],
    hints=["Lesson 03: MoE = z sqrt(p(1 - p) / n). Solve for n.",
           "n = z^2 p (1 - p) / MoE^2 with z = 1.96, p = 0.5 and MoE = 0.05 (a proportion, not 5), rounded up; or polls.sample_size_for_margin(0.05)."],
    praise="and the pack's 400 random posts per period are just enough: a margin of about 4.9 points each.",
)

q3 = _RoundedAnswer(
    "Exercise 3: truly hateful share of the keyword-matching posts after reinstatement (simulated, 2 decimal places)",
    lambda: _keyword_share(AFTER),
    kind="proportion",
    places=PLACES["q3"],
    mistakes=[
        (lambda v: _near(v, _true_share(AFTER), 2), "that is the share among *all* posts after reinstatement; keep only the posts with has_keyword."),
        (lambda v: _near(v, _keyword_share(BEFORE), 2), "that is the share before suspension; use the after_reinstatement period."),
        (lambda v: _near(v, float(_posts().loc[_posts()["period"] == AFTER, "has_keyword"].mean()), 2),
         "that is the share of posts that match a keyword; the question asks how many of those are hateful (true_hateful)."),
        (lambda v: _near(v, _keyword_recall(AFTER), 2),
         "that is the reverse conditional: the share of the hateful posts that match a keyword. The question asks the other way round: "
         "among the keyword-matching posts, the share that is hateful."),
    ],
    hints=["Use the full table `posts` (audit_posts hides true_hateful). Keep the rows whose period is 'after_reinstatement' and whose has_keyword is True.",
           "The mean of the True/False column true_hateful on those rows is the share."],
    praise="a keyword sample would report several times the real share of hateful posts: it measures something else (lesson 05).",
)

q4 = _RoundedAnswer(
    "Exercise 4: Cohen's kappa between the two annotators, all 800 labelled posts (simulated, 2 decimal places)",
    _kappa,
    kind="number",
    places=PLACES["q4"],
    mistakes=[
        (lambda v: _near(v, _agreement(), 2), "that is the percent agreement; kappa corrects it for the agreement expected by chance."),
        (lambda v: _near(v, _kappa(_labelled(AFTER)), 3) or _near(v, _kappa(_labelled(BEFORE)), 3),
         "that is kappa for one period; use all 800 labelled posts."),
        (lambda v: _near(v, _kappa(a="annotator_a", b="adjudicated"), 3) or _near(v, _kappa(a="annotator_b", b="adjudicated"), 3),
         "that compares an annotator with the adjudicated label; compare annotator_a with annotator_b."),
    ],
    hints=["Keep the rows where annotated is True (the labels are missing elsewhere).",
           "sklearn.metrics.cohen_kappa_score(labelled['annotator_a'], labelled['annotator_b'])."],
    praise="moderate-to-substantial agreement: better than untrained annotators, but far from perfect; report it.",
)

q5 = _RoundedAnswer(
    "Exercise 5: lower end of the 95% Wilson interval for the adjudicated hateful share after reinstatement (simulated, 3 decimal places)",
    lambda: _wilson(_hits(AFTER), _n(AFTER))[0],
    kind="proportion",
    places=PLACES["q5"],
    mistakes=[
        (lambda v: _near(v, _wald(_hits(AFTER), _n(AFTER))[0], 3), "that is the Wald interval (p +/- 1.96 standard errors); use method='wilson'."),
        (lambda v: _near(v, _wilson(_hits(AFTER), _n(AFTER))[1], 3), "that is the upper end; the question asks for the lower one."),
        (lambda v: _near(v, _wilson(_hits(BEFORE), _n(BEFORE))[0], 3), "that is the interval before suspension; use after_reinstatement."),
        (lambda v: _near(v, _wilson(_hits(AFTER, "annotator_a"), _n(AFTER))[0], 3) or _near(v, _wilson(_hits(AFTER, "annotator_b"), _n(AFTER))[0], 3),
         "that uses one annotator's labels; the audit's label is the adjudicated one."),
    ],
    hints=["Count the labelled posts after reinstatement, and how many of them are adjudicated 'hateful'.",
           "statsmodels.stats.proportion.proportion_confint(hits, n, alpha=0.05, method='wilson') returns (low, high)."],
    praise="the interval, not only the point estimate, is what the memo reports.",
)

q6 = _RoundedAnswer(
    "Exercise 6: adjudicated hateful share after reinstatement minus before suspension (simulated, proportion, 4 decimal places)",
    _difference,
    kind="number",
    places=PLACES["q6"],
    mistakes=[
        (lambda v: _near(v, _true_share(AFTER) - _true_share(BEFORE), 4), "that uses the hidden true label on every post; an audit only has its labelled sample."),
        (lambda v: _near(v, _difference("annotator_a"), 4), "that uses one annotator's labels; use the adjudicated column."),
        (lambda v: _near(v, 100 * _difference(), 1), "that is in percentage points; give the difference of two proportions (e.g. 0.012)."),
    ],
    hints=["Per period: adjudicated hateful share = (labelled posts adjudicated 'hateful') / (labelled posts).",
           "Subtract: after_reinstatement minus before_suspension (a positive number means more hate after)."],
    praise="the point estimate of the estimand from Exercise 1, in the audit's sample.",
)

q7 = _RoundedAnswer(
    "Exercise 7: lower end of the 95% confidence interval for that difference, Newcombe's method (simulated, 4 decimal places)",
    lambda: _diff_ci("newcomb")[0],
    kind="number",
    places=PLACES["q7"],
    mistakes=[
        (lambda v: _near(v, _diff_ci("wald")[0], 4), "that matches the Wald interval for a difference; use method='newcomb' (built from the two Wilson intervals). "
         "If you did use Newcombe's method, this is rounded too far: give four decimal places."),
        (lambda v: _near(v, _diff_ci("newcomb")[1], 4), "that is the upper end; the question asks for the lower one."),
        (lambda v: _near(v, -_diff_ci("newcomb")[1], 4), "that is the interval of before minus after, with its sign flipped: put the after period first."),
    ],
    hints=["statsmodels.stats.proportion.confint_proportions_2indep(count1, nobs1, count2, nobs2, method='newcomb', compare='diff')",
           "count1 and nobs1 are the after period (hateful, labelled), count2 and nobs2 the before period; it returns (low, high)."],
    praise="look at the sign of the lower end: does the interval include 0?",
)

q8 = ChoiceQuestion(
    "Exercise 8: what this audit's design cannot tell us",
    options={
        "a": "Whether the hateful share of *all* the reinstated accounts' posts changed, when only 800 posts were labelled.",
        "b": "How precisely the share after reinstatement is estimated.",
        "c": "Whether the amnesty itself *caused* the change in these accounts' hateful share.",
        "d": "How well the two annotators agree.",
    },
    answer="c",
    explanations={
        "a": "a random sample is how an audit learns about all the posts: Exercises 6-7 estimate that change, with an interval that says how precisely.",
        "b": "the Wilson interval of Exercise 5 says that.",
        "d": "Cohen's kappa (Exercise 4) measures it.",
    },
    hints=["Which questions did Exercises 4-7 answer? The remaining one is about cause.",
           "A before/after comparison of one group has no counterfactual: what would these accounts have posted without the amnesty, in the same weeks?"],
    praise="a before/after comparison of one selected group describes a change; it does not identify the amnesty's effect.",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7, q8]
