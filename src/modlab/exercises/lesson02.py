"""Self-checks for lesson 02, moderation decisions.

Every expected value is computed from ``datasets/moderation_cases.csv`` (fictional
vignettes), ``datasets/suspended_accounts.csv`` (simulated) or :mod:`modlab.decisions`,
never typed in.
"""

from __future__ import annotations

import math
from functools import lru_cache

from modlab import decisions as _decisions
from modlab.exercises.base import ChoiceQuestion, NumberQuestion

#: Exercise 5's assumptions: contract moderators before the Nov 2022 cuts (about 5,500 [S, Platformer])
#: and decisions per moderator per day (an assumption of the lesson, not a reported figure).
MODERATORS_BEFORE_CUTS = 5_500
MODERATORS_AFTER_CUTS = 5_500 - 4_400
DECISIONS_PER_MODERATOR_PER_DAY = 200


@lru_cache(maxsize=1)
def _trainee() -> dict:
    from modlab import data

    cases = data.load("moderation_cases")
    frame = _decisions.decisions_frame(cases, list(cases["trainee_decision"].astype(str)))
    return {**_decisions.agreement_summary(frame), "by_type": _decisions.agreement_by_type(frame)}


@lru_cache(maxsize=1)
def _accounts():
    from modlab import data

    return data.load("suspended_accounts")


def _slur_posts_left_up() -> int:
    from modlab import data

    cases = data.load("moderation_cases")
    has_slur = cases["post"].str.contains("[slur-", regex=False)
    return int((has_slur & (cases["reference_decision"] == "leave up")).sum())


def _poll_wording_mask(accounts=None):
    accounts = _accounts() if accounts is None else accounts
    return ~accounts["plausibly_illegal"] & ~accounts["egregious_spam"]


def _wrong_per_day(moderators: int = MODERATORS_BEFORE_CUTS, error_rate: float | None = None) -> float:
    rate = _trainee()["error_rate"] if error_rate is None else error_rate
    return _decisions.wrong_decisions_per_day(moderators * DECISIONS_PER_MODERATOR_PER_DAY, rate)


q1 = NumberQuestion(
    "Exercise 1: posts with a slur that the reference leaves up",
    _slur_posts_left_up,
    kind="count",
    rel_tol=0.0,
    mistakes=[
        (lambda v: v == 11, "that counts every post with a masked slur; keep only those the reference panel leaves up."),
        (lambda v: v == 12, "that counts every case left up; keep only those whose post contains a masked slur."),
    ],
    hints=[
        "Two conditions: the post contains '[slur-' and reference_decision is 'leave up'. Combine them with &.",
        "cases['post'].str.contains('[slur-', regex=False) gives True/False per case; .sum() counts the True values.",
    ],
    praise="7 of the 11 posts with a masked slur break no rule: a keyword is not a verdict.",
)

q2 = NumberQuestion(
    "Exercise 2: the trainee's percent agreement with the reference",
    lambda: _trainee()["agreement"],
    kind="proportion",
    rel_tol=0.01,  # accepts 0.54
    mistakes=[
        (lambda v: math.isclose(v, _trainee()["error_rate"], rel_tol=0.01), "that is the share of cases where they disagree."),
    ],
    hints=[
        "Compare the columns trainee_decision and reference_decision case by case, then take the mean of the True/False result.",
        "(cases['trainee_decision'] == cases['reference_decision']).mean()",
    ],
    praise="the trainee agrees with the reference on 13 of 24 cases, about 54%.",
)

def _chance_agreement() -> float:
    """p_e, from kappa = (p_o - p_e) / (1 - p_e)."""
    agreement, kappa = _trainee()["agreement"], _trainee()["kappa"]
    return (agreement - kappa) / (1 - kappa)


q3 = NumberQuestion(
    "Exercise 3: Cohen's kappa of the trainee and the reference",
    lambda: _trainee()["kappa"],
    kind="number",
    rel_tol=0.0,
    abs_tol=0.005,  # accepts 0.29
    mistakes=[
        (lambda v: math.isclose(v, _trainee()["agreement"], rel_tol=0.01), "that is the percent agreement; kappa takes out the agreement expected by chance."),
        (lambda v: math.isclose(v, _chance_agreement(), abs_tol=0.005), "that is the agreement expected by chance (p_e); kappa = (p_o - p_e) / (1 - p_e)."),
    ],
    hints=[
        "from sklearn.metrics import cohen_kappa_score, then cohen_kappa_score(first_labels, second_labels).",
        "Pass the two columns as text: cases['trainee_decision'].astype(str) and cases['reference_decision'].astype(str).",
    ],
    praise="about 0.29: well below the 54% raw agreement, because some agreement happens by chance.",
)


def _most_disagreed_type() -> str:
    return str(_trainee()["by_type"].index[0])


_Q4_OPTIONS = {
    "a": "direct attack",
    "b": "threat without slur",
    "c": "counter-speech",
    "d": "coded language",
    "e": "criticism and rudeness",
}

q4 = ChoiceQuestion(
    "Exercise 4: where does the trainee disagree most?",
    options=_Q4_OPTIONS,
    answer=next(letter for letter, case_type in _Q4_OPTIONS.items() if case_type == _most_disagreed_type()),
    explanations={
        "a": "the trainee agrees with the reference on every direct attack: slurs used as insults are the easy cases.",
        "b": "the trainee gets two threats of three wrong, but another type has more disagreements.",
        "d": "the trainee misses two coded posts of three, but another type has more disagreements.",
        "e": "the trainee agrees on every case of this type.",
    },
    hints=[
        "Add a column that says whether the two decisions agree, then group by case_type.",
        "cases.assign(agrees=...).groupby('case_type', observed=True)['agrees'].mean(): the lowest mean has the most disagreements (each type has 3 cases).",
    ],
    praise="the trainee removes every post that quotes a slur to condemn it: keyword thinking punishes the people speaking back.",
)

q5 = NumberQuestion(
    "Exercise 5: wrong decisions per day at the trainee's error rate",
    _wrong_per_day,
    kind="number",
    rel_tol=0.01,  # accepts an error rate rounded to 0.46
    mistakes=[
        (lambda v: math.isclose(v, _wrong_per_day(error_rate=_trainee()["agreement"]), rel_tol=0.01),
         "that is the number of decisions that agree with the reference; use the error rate, 1 - agreement."),
        (lambda v: math.isclose(v, MODERATORS_BEFORE_CUTS * DECISIONS_PER_MODERATOR_PER_DAY, rel_tol=0.01),
         "that is all decisions per day; multiply by the error rate."),
        (lambda v: math.isclose(v, _wrong_per_day(MODERATORS_AFTER_CUTS), rel_tol=0.01),
         "that uses the moderators left after the cuts; the question asks about the 5,500 before."),
        (lambda v: 0 < v <= 1, "that is a rate; the question asks for a number of decisions per day."),
    ],
    hints=[
        "Decisions per day = moderators x decisions per moderator per day.",
        "Wrong decisions per day = decisions per day x error rate, and the error rate is 1 - the agreement of Exercise 2.",
    ],
    praise="about 500,000 wrong decisions a day: small error rates become large numbers at platform scale.",
)

q6 = NumberQuestion(
    "Exercise 6: accounts the poll's wording brings back",
    lambda: int(_poll_wording_mask().sum()),
    kind="count",
    rel_tol=0.0,
    mistakes=[
        (lambda v: v == int((~_accounts()["plausibly_illegal"] | ~_accounts()["egregious_spam"]).sum()),
         "with | an account comes back if it passes either condition; the wording needs both (&)."),
        (lambda v: v == int((~_accounts()["plausibly_illegal"]).sum()), "you left out the egregious spam condition."),
        (lambda v: v == int((~_accounts()["egregious_spam"]).sum()), "you left out the 'have not broken the law' condition."),
        (lambda v: v == len(_accounts()) - int(_poll_wording_mask().sum()), "that is the number that stay suspended."),
    ],
    hints=[
        "'Have not broken the law' is ~accounts['plausibly_illegal']; 'not engaged in egregious spam' is ~accounts['egregious_spam'].",
        "Both must hold: combine with & (and put each condition in brackets if you write comparisons); len() or .sum() counts.",
    ],
    praise="the same number as the explorer with its starting rule, which is the poll's wording.",
)

q7 = NumberQuestion(
    "Exercise 7: hateful-conduct suspensions that come back",
    lambda: int((_poll_wording_mask() & (_accounts()["category"] == "hateful conduct")).sum()),
    kind="count",
    rel_tol=0.0,
    mistakes=[
        (lambda v: v == int((_accounts()["category"] == "hateful conduct").sum()),
         "that is every hateful-conduct suspension; keep only those your filter brings back."),
    ],
    hints=[
        "Start from the accounts your filter of Exercise 6 brings back, then keep those whose category is 'hateful conduct'.",
        "(back['category'] == 'hateful conduct').sum()",
    ],
    praise="most hateful-conduct suspensions come back: the poll's wording says nothing about them.",
)

q8 = ChoiceQuestion(
    "Exercise 8: who decides that an account 'broke the law'?",
    options={
        "a": "Nobody needs to: it is recorded in the platform's data, like the plausibly_illegal column.",
        "b": "Someone has to judge each account against the law of some country; the column is a simulated stand-in for "
        "that judgement, which the poll left undefined.",
        "c": "The voters in the poll.",
        "d": "The account's followers.",
    },
    answer="b",
    explanations={
        "a": "the column is simulated. No platform records 'broke the law' for its users; somebody would have to decide it, "
        "under some country's law, account by account.",
        "c": "voters chose the rule, not who falls under it; they never saw a single account.",
        "d": "followers have no say in a suspension, and the question is about the law, not popularity.",
    },
    hints=["Where would the plausibly_illegal flag come from for a real account? Which country's law? Who looks?"],
    praise="turning a poll's wording into a rule means deciding who judges, by which law, with what evidence.",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7, q8]
