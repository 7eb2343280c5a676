"""Subgroup, BPSN and BNSP AUC (Borkan et al. 2019) and per-group error rates, against hand computations."""

import math

import numpy as np
import pytest

from modlab.bias_metrics import bias_table, subgroup_aucs

# Six examples: three about group "g" (rows 0-2), three background (rows 3-5).
LABELS = np.array([1, 0, 0, 1, 1, 0])
SCORES = np.array([0.9, 0.8, 0.3, 0.7, 0.4, 0.2])
IN_G = np.array([True, True, True, False, False, False])


def test_three_aucs_by_hand():
    aucs = subgroup_aucs(LABELS, SCORES, IN_G)
    # Subgroup: positive 0.9 vs negatives 0.8, 0.3: both pairs ranked right -> 2/2.
    assert aucs["subgroup_auc"] == pytest.approx(1.0, abs=1e-12)
    # BPSN: background positives 0.7, 0.4 vs subgroup negatives 0.8, 0.3:
    # (0.7>0.8 no) (0.7>0.3 yes) (0.4>0.8 no) (0.4>0.3 yes) -> 2/4.
    assert aucs["bpsn_auc"] == pytest.approx(0.5, abs=1e-12)
    # BNSP: subgroup positive 0.9 vs background negative 0.2 -> 1/1.
    assert aucs["bnsp_auc"] == pytest.approx(1.0, abs=1e-12)


def test_a_tie_counts_half_and_a_missing_class_gives_nan():
    aucs = subgroup_aucs([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1], [True, True, False, False])
    assert aucs["subgroup_auc"] == pytest.approx(0.5)
    only_positive = subgroup_aucs([1, 1, 0], [0.9, 0.8, 0.1], [True, True, False])
    assert math.isnan(only_positive["subgroup_auc"]) and only_positive["bnsp_auc"] == pytest.approx(1.0)


def test_bias_table_rates_by_hand():
    groups = ["g", "g", "g", "h", "h", None]
    table = bias_table(LABELS, SCORES, groups, threshold=0.5)
    assert list(table.index) == ["g", "h"]
    # g: negatives score 0.8 (flagged) and 0.3 (not) -> FPR 1/2; its positive 0.9 is flagged -> FNR 0.
    assert table.loc["g", "fpr"] == pytest.approx(0.5) and table.loc["g", "fnr"] == pytest.approx(0.0)
    # h: two positives 0.7 (flagged) and 0.4 (missed) -> FNR 1/2; no negatives -> FPR undefined.
    assert table.loc["h", "fnr"] == pytest.approx(0.5) and math.isnan(table.loc["h", "fpr"])
    assert table.loc["g", ["n", "n_hateful", "n_not_hateful"]].tolist() == [3, 1, 2]
    assert table.loc["g", "bpsn_auc"] == pytest.approx(0.5)


def test_a_group_name_no_case_has_is_refused_with_the_names_there_are():
    import pytest

    from modlab.bias_metrics import in_group, subgroup_aucs

    groups = ["gay people", "women", None, "gay people"]
    assert in_group(groups, "gay people").tolist() == [True, False, False, True]
    with pytest.raises(ValueError, match=r"no cases with target group 'gay'; the groups are: 'gay people', 'women'"):
        in_group(groups, "gay")
    with pytest.raises(ValueError, match="no cases in the subgroup"):
        subgroup_aucs([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2], [False] * 4)
