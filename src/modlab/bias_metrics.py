"""Unintended-bias metrics for a classifier: subgroup AUC, BPSN and BNSP AUC, false-positive rate by group.

Borkan, Dixon, Sorensen, Thain and Vasserman (2019), "Nuanced Metrics for Measuring Unintended Bias
with Real Data for Text Classification", WWW '19 Companion, define three AUCs per identity subgroup
(the Jigsaw unintended-bias work):

- **subgroup AUC**: AUC on the subgroup's examples only. Low: the model confuses hateful and
  non-hateful texts *about this group*.
- **BPSN AUC** (background positive, subgroup negative): AUC on the hateful examples *not* about
  the group together with the non-hateful examples about it. Low: non-hateful texts mentioning the
  group score higher than hateful texts elsewhere, i.e. false positives for the group.
- **BNSP AUC** (background negative, subgroup positive): AUC on the non-hateful examples not about
  the group together with the hateful ones about it. Low: hate against the group scores lower than
  harmless texts elsewhere, i.e. missed hate against the group.

The *background* is every example not in the subgroup, including examples with no group at all.

All AUCs are computed with :func:`sklearn.metrics.roc_auc_score`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score


def _auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC, or nan when only one class is present (AUC is undefined then)."""
    if len(np.unique(labels)) < 2:
        return float("nan")
    return float(roc_auc_score(labels, scores))


def in_group(groups, name: str) -> np.ndarray:
    """Which examples belong to the group ``name``, refusing a name no example has.

    A misspelt name ("gay" for "gay people") would otherwise give an all-False mask, and then
    AUCs of NaN with no word about why.

    Parameters
    ----------
    groups : array of str, shape (n,)
        Group of each example (e.g. HateCheck's ``target_ident``); missing values mean no group.
    name : str
        The group, spelt exactly as in ``groups``.

    Returns
    -------
    numpy.ndarray of bool, shape (n,)

    Raises
    ------
    ValueError
        If no example has the group ``name``; the message lists the groups there are.
    """
    groups = pd.Series(groups).reset_index(drop=True)
    mask = (groups == name).to_numpy()
    if not mask.any():
        known = ", ".join(repr(g) for g in sorted(groups.dropna().unique()))
        raise ValueError(f"no cases with target group {name!r}; the groups are: {known}")
    return mask


def subgroup_aucs(labels, scores, in_subgroup) -> dict[str, float]:
    """Subgroup, BPSN and BNSP AUC of one subgroup (Borkan et al. 2019).

    Parameters
    ----------
    labels : array of int, shape (n,)
        1 = hateful (positive), 0 = not.
    scores : array of float, shape (n,)
        Classifier scores; higher means more likely hateful.
    in_subgroup : array of bool, shape (n,)
        True for examples that mention or target the subgroup; the others are the background.

    Returns
    -------
    dict
        ``subgroup_auc``, ``bpsn_auc``, ``bnsp_auc`` (each nan if its set lacks a class).

    Raises
    ------
    ValueError
        If ``in_subgroup`` is False everywhere (usually a misspelt group name; see :func:`in_group`).
    """
    labels = np.asarray(labels).astype(int)
    scores = np.asarray(scores, dtype=float)
    sub = np.asarray(in_subgroup, dtype=bool)
    if not sub.any():
        raise ValueError("no cases in the subgroup: in_subgroup is False everywhere. Check the group's name "
                         "(bias_metrics.in_group(groups, name) lists the groups there are).")
    pos = labels == 1
    bpsn = (~sub & pos) | (sub & ~pos)
    bnsp = (~sub & ~pos) | (sub & pos)
    return {
        "subgroup_auc": _auc(labels[sub], scores[sub]),
        "bpsn_auc": _auc(labels[bpsn], scores[bpsn]),
        "bnsp_auc": _auc(labels[bnsp], scores[bnsp]),
    }


def bias_table(labels, scores, groups, threshold: float) -> pd.DataFrame:
    """Per-group bias metrics: the three AUCs, and error rates at a threshold.

    Parameters
    ----------
    labels : array of int, shape (n,)
        1 = hateful, 0 = not.
    scores : array of float, shape (n,)
    groups : array of str, shape (n,)
        Group of each example; missing values (no group) count only as background.
    threshold : float
        Flag when score >= threshold.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted by name), columns ``n, n_hateful, n_not_hateful, subgroup_auc,
        bpsn_auc, bnsp_auc, fpr`` (share of the group's non-hateful examples flagged) and ``fnr``
        (share of its hateful examples not flagged).
    """
    labels = np.asarray(labels).astype(int)
    scores = np.asarray(scores, dtype=float)
    groups = pd.Series(groups).reset_index(drop=True)
    flagged = scores >= threshold
    rows = []
    for group in sorted(groups.dropna().unique()):
        sub = (groups == group).to_numpy()
        neg, pos = sub & (labels == 0), sub & (labels == 1)
        rows.append({
            "group": group,
            "n": int(sub.sum()),
            "n_hateful": int(pos.sum()),
            "n_not_hateful": int(neg.sum()),
            **subgroup_aucs(labels, scores, sub),
            "fpr": float(flagged[neg].mean()) if neg.any() else float("nan"),
            "fnr": float((~flagged[pos]).mean()) if pos.any() else float("nan"),
        })
    return pd.DataFrame(rows).set_index("group")
