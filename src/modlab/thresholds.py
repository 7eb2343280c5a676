"""Operating a classifier at a threshold: error rates, and what they mean per day at platform scale.

A score threshold turns scores into decisions (flag/remove when score >= threshold). The
confusion matrix and the rates built from it (precision, recall, false-positive rate) are the
field's standard terms; :func:`errors_per_day` turns the rates into counts for a platform that
screens ``posts_per_day`` posts of which a share ``prevalence`` is hateful.

The rates come from a labelled test set; the prevalence must come from the platform, not from
the test set: a keyword-selected sample such as Davidson et al. (2017) holds far more hate than a
platform's whole stream, so its share would overstate how many hateful posts there are.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import confusion_matrix


def rates_at_threshold(labels, scores, threshold: float) -> dict[str, float]:
    """Confusion-matrix counts and rates when posts with ``score >= threshold`` are flagged.

    Parameters
    ----------
    labels : array of int, shape (n,)
        1 = hateful, 0 = not.
    scores : array of float, shape (n,)
        Classifier scores.
    threshold : float
        Flag when score >= threshold.

    Returns
    -------
    dict
        ``tp, fp, fn, tn`` (counts, from :func:`sklearn.metrics.confusion_matrix`), ``precision``
        (tp / (tp + fp); nan when nothing is flagged), ``recall`` (tp / (tp + fn), the true-positive
        rate), ``fpr`` (fp / (fp + tn)) and ``flagged_share`` (share of posts flagged).
    """
    labels = np.asarray(labels).astype(int)
    flagged = (np.asarray(scores) >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(labels, flagged, labels=[0, 1]).ravel()
    return {
        "tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn),
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "fpr": fp / (fp + tn) if fp + tn else float("nan"),
        "flagged_share": float(flagged.mean()),
    }


def errors_per_day(recall: float, fpr: float, posts_per_day: float, prevalence: float) -> dict[str, float]:
    """Expected wrongful removals and missed hateful posts per day at a platform's scale.

    Parameters
    ----------
    recall : float
        True-positive rate of the classifier, in [0, 1].
    fpr : float
        False-positive rate, in [0, 1].
    posts_per_day : float
        Posts the classifier screens per day (posts/day).
    prevalence : float
        Share of those posts that are hateful, in [0, 1] (the platform's base rate, an assumption
        unless measured on a random sample of its posts).

    Returns
    -------
    dict
        ``wrongful_removals`` = posts_per_day x (1 - prevalence) x fpr and ``missed_hateful`` =
        posts_per_day x prevalence x (1 - recall), both in posts/day; ``hateful`` = posts_per_day x
        prevalence.

    Raises
    ------
    ValueError
        If a rate or the prevalence lies outside [0, 1] or posts_per_day is negative.
    """
    for name, value in (("recall", recall), ("fpr", fpr), ("prevalence", prevalence)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be a share between 0 and 1, not {value}")
    if posts_per_day < 0:
        raise ValueError(f"posts_per_day must be >= 0, not {posts_per_day}")
    hateful = posts_per_day * prevalence
    return {
        "wrongful_removals": (posts_per_day - hateful) * fpr,
        "missed_hateful": hateful * (1 - recall),
        "hateful": hateful,
    }
