"""Testing a classifier out of distribution with HateCheck's functional tests.

HateCheck (Röttger, Vidgen, Nguyen, Waseem, Margetts and Pierrehumbert 2021, "HateCheck:
Functional Tests for Hate Speech Detection Models", ACL) holds 3,728 short written test cases in
29 functionalities (e.g. ``derog_neg_emote_h``: "I hate [group]."; ``counter_quote_nh``: quoting
hate to denounce it), each labelled ``hateful`` or ``non-hateful`` and most naming a target group.
A functionality's name ends in ``_h`` (its cases are hateful) or ``_nh`` (non-hateful). The cases
are written, not collected, so they can be shown in a lesson (masked like all corpus text).
"""

from __future__ import annotations

import pandas as pd


def scored_cases(model, cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """HateCheck's cases with the model's score and decision.

    Parameters
    ----------
    model : modlab.classifier.TrainedModel
        Provides ``score_texts`` and the operating ``threshold``.
    cases : pandas.DataFrame, optional
        ``corpora.load("hatecheck_cases")`` (loaded if not given).

    Returns
    -------
    pandas.DataFrame
        The cases with added columns ``hateful`` (1/0 from ``label_gold``), ``score`` (probability
        of hate), ``flagged`` (score >= threshold) and ``correct`` (flagged == hateful).
    """
    if cases is None:
        from modlab import corpora

        cases = corpora.load("hatecheck_cases")
    out = cases.copy()
    out["hateful"] = (out["label_gold"] == "hateful").astype(int)
    out["score"] = model.score_texts(out["test_case"])
    out["flagged"] = out["score"] >= model.threshold
    out["correct"] = out["flagged"] == out["hateful"].astype(bool)
    return out


def accuracy_by(scored: pd.DataFrame, column: str) -> pd.DataFrame:
    """Accuracy per value of ``column`` (e.g. ``functionality`` or ``target_ident``), worst first.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`scored_cases`.
    column : str
        Grouping column; rows where it is missing are left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by the column's values; ``n`` (cases), ``share_hateful`` (gold), ``share_flagged``
        and ``accuracy`` (share of cases decided as the gold label says), sorted by accuracy
        ascending (ties by name).
    """
    table = scored.groupby(column).agg(
        n=("correct", "size"),
        share_hateful=("hateful", "mean"),
        share_flagged=("flagged", "mean"),
        accuracy=("correct", "mean"),
    )
    return table.sort_values(["accuracy"], kind="stable")
