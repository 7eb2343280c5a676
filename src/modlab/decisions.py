"""Applying a content policy to cases, and how far two moderators agree.

Pure functions for lesson 02 (moderation decisions). A *decision* is one of
:data:`ACTIONS`; a set of decisions is a sequence in the order of the cases (``None``
or ``...`` for a case not yet decided) or a mapping ``case_id -> action``.

The cases are the kit's fictional vignettes (``datasets/moderation_cases.csv``):
written for the kit, depicting no real post or person, with slurs masked as
``[slur-NN]``. Each has a reference decision under :data:`POLICY` and the decision
of a fictional trainee moderator.

Sources
-------
- The policy is modelled on the elements of Twitter's 2018 hateful conduct policy [P]:
  no promoting violence against, directly attacking or threatening people on the basis
  of race, ethnicity, national origin, sexual orientation, gender, gender identity,
  religious affiliation, age, disability or serious disease; context matters; the
  number of reports does not decide removal. Caste was added to the list later [S].
  The wording, the clause codes and the enforcement ladder are the kit's own.
- Cohen, J. (1960), "A coefficient of agreement for nominal scales", *Educational and
  Psychological Measurement* 20(1): 37-46. Computed with scikit-learn's
  :func:`sklearn.metrics.cohen_kappa_score`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

#: The four actions a moderator can take, mildest first.
ACTIONS = ("leave up", "remove post", "suspend account", "escalate")

#: The kit's stated policy, clause by clause (code -> text). The lesson prints the same text.
POLICY_CLAUSES = {
    "H1": "Violent threats. No threatening or calling for violence against people, with or without slurs. "
    "Threats because of a protected attribute are the gravest case.",
    "H2": "Direct attacks. No slurs, dehumanising comparisons (calling people animals, insects or disease) "
    "or harmful stereotypes aimed at people because of a protected attribute.",
    "H3": "Hateful codes. No symbols or codes, in a post or a profile, used to promote hostility "
    "towards people because of a protected attribute.",
    "C1": "Quoting, reporting and condemning. Quoting or showing hateful words to condemn them, document "
    "them, explain them or report the news is not an attack.",
    "C2": "Reclaimed words. Members of a group using a reclaimed term about themselves are not attacking anyone.",
    "C3": "Satire and criticism. Satire, and criticism of ideas, religions' teachings, institutions or "
    "policies, are allowed unless they attack people because of a protected attribute.",
    "C4": "Reports do not decide. Judge the content and its context, not how many users reported it.",
    "C5": "When you cannot tell. If deciding needs knowledge you lack (a language, a local term, a code you "
    "cannot read), escalate.",
    "C6": "Outside the rule. Rudeness and insults aimed at people for something that is not a protected attribute "
    "(their club, job, party or opinions) break no clause of this rule.",
}

#: The protected attributes (Twitter 2018 list [P], plus caste, added later [S]).
PROTECTED_ATTRIBUTES = (
    "race", "ethnicity", "national origin", "caste", "sexual orientation", "gender", "gender identity",
    "religious affiliation", "age", "disability", "serious disease",
)

#: What each action means under the policy (the enforcement ladder, the kit's own).
ACTION_RULES = {
    "leave up": "No clause is broken (a context clause C1-C3 applies, or the post is outside the rule, C6).",
    "remove post": "An attack (H2) or hateful code (H3) by an account with fewer than 3 prior strikes; "
    "the account gets a strike.",
    "suspend account": "Any violent threat (H1); or an attack or code by an account with 3 or more prior strikes.",
    "escalate": "You cannot apply the rule without knowledge you lack (C5); a specialist decides.",
}

#: Prior strikes from which an attack leads to suspension instead of removal.
STRIKES_FOR_SUSPENSION = 3


def policy_text() -> str:
    """The stated policy as Markdown: the rule, its clauses, and the actions.

    Returns
    -------
    str
        Markdown text, the same clauses as :data:`POLICY_CLAUSES` and :data:`ACTION_RULES`.
    """
    lines = [
        "**Rule.** You may not threaten, promote violence against or directly attack people on the basis of "
        + ", ".join(PROTECTED_ATTRIBUTES) + ".",
        "",
    ]
    lines += [f"- **{code}** {text}" for code, text in POLICY_CLAUSES.items()]
    lines += ["", "**Actions.**", ""]
    lines += [f"- **{action}**: {rule}" for action, rule in ACTION_RULES.items()]
    return "\n".join(lines)


def normalise_decision(decision: Any) -> str | None:
    """One decision as an action from :data:`ACTIONS`, or ``None`` for "not decided".

    Parameters
    ----------
    decision : str, None or Ellipsis
        An action (case and extra spaces ignored: ``" Leave  Up"`` is ``"leave up"``), or
        ``None``, ``...`` or NaN for a case not decided.

    Returns
    -------
    str or None

    Raises
    ------
    TypeError
        If ``decision`` is not text (nor None, ``...``, NaN).
    ValueError
        If the text is not one of :data:`ACTIONS`.
    """
    if decision is None or decision is Ellipsis or (isinstance(decision, float) and math.isnan(decision)):
        return None
    if not isinstance(decision, str):
        raise TypeError(f"a decision is one of {ACTIONS} as text, got {type(decision).__name__} {decision!r}")
    text = " ".join(decision.strip().lower().split())
    if text not in ACTIONS:
        raise ValueError(f"unknown action {decision!r}; use one of {ACTIONS}")
    return text


def decisions_frame(cases: pd.DataFrame, decisions: Sequence[Any] | Mapping[str, Any]) -> pd.DataFrame:
    """Put a moderator's decisions next to the cases' reference decisions.

    Parameters
    ----------
    cases : pandas.DataFrame
        The vignettes, with columns ``case_id, case_type, reference_decision``
        (e.g. ``data.load("moderation_cases")``), one row per case.
    decisions : sequence or mapping
        Either one entry per case, in the order of ``cases`` (an action from
        :data:`ACTIONS`, or ``None``/``...`` for "not decided"), or a mapping
        ``case_id -> action`` (cases not in it are undecided). Case and spacing of
        the action text are ignored.

    Returns
    -------
    pandas.DataFrame
        One row per *decided* case, in case order: ``case_id, case_type, decision,
        reference_decision, agrees`` (bool). Empty (with these columns) when nothing
        is decided.

    Raises
    ------
    ValueError
        If a sequence has a different length from ``cases``, a mapping names an
        unknown case, or an action is not one of :data:`ACTIONS`.
    TypeError
        If a decision is neither text nor ``None``/``...``.
    """
    ids = list(cases["case_id"])
    if isinstance(decisions, Mapping):
        unknown = sorted(set(decisions) - set(ids))
        if unknown:
            raise ValueError(f"unknown case id(s) {unknown}")
        chosen = [normalise_decision(decisions.get(case_id)) for case_id in ids]
    else:
        decisions = list(decisions)
        if len(decisions) != len(ids):
            raise ValueError(f"{len(decisions)} decisions for {len(ids)} cases: give one per case (None for undecided)")
        chosen = [normalise_decision(d) for d in decisions]
    frame = pd.DataFrame(
        {
            "case_id": ids,
            "case_type": list(cases["case_type"]),
            "decision": chosen,
            "reference_decision": [str(r) for r in cases["reference_decision"]],
        }
    )
    frame = frame[frame["decision"].notna()].reset_index(drop=True)
    frame["agrees"] = frame["decision"] == frame["reference_decision"]
    return frame


def percent_agreement(first: Sequence[str], second: Sequence[str]) -> float:
    """Share of items on which two raters chose the same category.

    Parameters
    ----------
    first, second : sequence of str
        Labels of the same items, in the same order, equal length >= 1.

    Returns
    -------
    float
        Proportion in [0, 1] (not a percentage, despite the usual name).

    Raises
    ------
    ValueError
        If the lengths differ or there are no items.
    """
    first, second = list(first), list(second)
    if len(first) != len(second):
        raise ValueError(f"the raters labelled different numbers of items ({len(first)} and {len(second)})")
    if not first:
        raise ValueError("no items to compare")
    return sum(a == b for a, b in zip(first, second)) / len(first)


def cohen_kappa(first: Sequence[str], second: Sequence[str], labels: Sequence[str] = ACTIONS) -> float:
    """Cohen's kappa: agreement beyond what chance would give, for two raters.

    ``kappa = (p_o - p_e) / (1 - p_e)``, with ``p_o`` the observed agreement and
    ``p_e = sum_k p_1k p_2k`` the agreement expected if the raters chose
    independently with their own category frequencies (Cohen 1960). Computed by
    :func:`sklearn.metrics.cohen_kappa_score`.

    Parameters
    ----------
    first, second : sequence of str
        Labels of the same items, in the same order, equal length >= 1.
    labels : sequence of str
        The categories (default :data:`ACTIONS`).

    Returns
    -------
    float
        Kappa, at most 1 (1 = perfect agreement, 0 = as good as chance, < 0 worse
        than chance). ``nan`` when chance agreement is 1 (both raters used one and the
        same category for every item): kappa is then undefined.

    Raises
    ------
    ValueError
        If the lengths differ or there are no items.
    """
    percent_agreement(first, second)  # validates lengths
    first, second = list(first), list(second)
    if len(set(first) | set(second)) == 1:
        return math.nan
    from sklearn.metrics import cohen_kappa_score  # imported here: sklearn takes about a second to import

    return float(cohen_kappa_score(first, second, labels=list(labels)))


def agreement_by_type(frame: pd.DataFrame) -> pd.DataFrame:
    """Agreement with the reference, case type by case type.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`decisions_frame`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``case_type``: ``cases`` (decided), ``agreements``, ``disagreements``
        and ``agreement`` (proportion), most disagreements first (ties by name).
    """
    grouped = frame.groupby("case_type", observed=True)["agrees"]
    table = pd.DataFrame({"cases": grouped.size(), "agreements": grouped.sum().astype(int)})
    table["disagreements"] = table["cases"] - table["agreements"]
    table["agreement"] = table["agreements"] / table["cases"]
    return table.sort_values(["disagreements", "case_type"], ascending=[False, True], kind="stable")


def agreement_summary(frame: pd.DataFrame) -> dict[str, float]:
    """Percent agreement and Cohen's kappa of a moderator's decisions with the reference.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`decisions_frame`.

    Returns
    -------
    dict
        ``decided`` (int), ``agreement`` (proportion), ``kappa``, ``error_rate``
        (1 - agreement). Agreement, kappa and error rate are ``nan`` when nothing is decided.
    """
    if frame.empty:
        return {"decided": 0, "agreement": math.nan, "kappa": math.nan, "error_rate": math.nan}
    agreement = percent_agreement(frame["decision"], frame["reference_decision"])
    return {
        "decided": len(frame),
        "agreement": agreement,
        "kappa": cohen_kappa(frame["decision"], frame["reference_decision"]),
        "error_rate": 1 - agreement,
    }


def wrong_decisions_per_day(decisions_per_day: float, error_rate: float) -> float:
    """The scale arithmetic: how many wrong decisions a day a given error rate means.

    Parameters
    ----------
    decisions_per_day : float
        Moderation decisions taken per day (>= 0).
    error_rate : float
        Share of decisions that are wrong, a proportion in [0, 1].

    Returns
    -------
    float
        ``decisions_per_day * error_rate`` (decisions per day).

    Raises
    ------
    ValueError
        For a negative volume or an error rate outside [0, 1].
    """
    if decisions_per_day < 0:
        raise ValueError(f"decisions_per_day must be >= 0, got {decisions_per_day!r}")
    if not 0 <= error_rate <= 1:
        raise ValueError(f"error_rate must be a proportion between 0 and 1, got {error_rate!r}")
    return decisions_per_day * error_rate
