"""modlab.agreement: the library calls agree with values worked out by hand on small tables, and the real
corpora give the figures lesson 06 states."""

import math

import numpy as np
import pandas as pd
import pytest

from modlab import agreement


def test_fleiss_kappa_matches_a_hand_computation_on_four_items():
    # 4 items, 3 coders each, 3 categories.
    counts = np.array([[3, 0, 0], [0, 3, 0], [1, 1, 1], [2, 1, 0]])
    # By hand (Fleiss 1971): P_i = (sum_j n_ij^2 - n) / (n (n - 1)) = 1, 1, 0, 1/3, so P_bar = 7/12.
    # Category shares p_j = 6/12, 5/12, 1/12, so P_e = (36 + 25 + 1) / 144 = 31/72.
    # kappa = (7/12 - 31/72) / (1 - 31/72) = (11/72) / (41/72) = 11/41.
    assert agreement.fleiss_kappa(counts) == pytest.approx(11 / 41, abs=1e-12)
    assert agreement.fleiss_kappa(pd.DataFrame(counts)) == pytest.approx(11 / 41, abs=1e-12)


def test_fleiss_kappa_refuses_unequal_numbers_of_coders():
    with pytest.raises(ValueError, match="same number of coders"):
        agreement.fleiss_kappa(np.array([[3, 0, 0], [2, 1, 1]]))
    with pytest.raises(ValueError, match="at least 2 coders"):
        agreement.fleiss_kappa(np.array([[1, 0], [0, 1]]))


def test_pairwise_cohen_kappa_matches_a_hand_computed_2x2():
    # Two annotators, 10 items: both yes 4, A yes B no 1, A no B yes 2, both no 3.
    a = ["y"] * 4 + ["y"] + ["n"] * 2 + ["n"] * 3
    b = ["y"] * 4 + ["n"] + ["y"] * 2 + ["n"] * 3
    # p_o = 7/10; A says yes 5/10, B 6/10; p_e = 0.5 x 0.6 + 0.5 x 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4 (Cohen 1960).
    pairs = agreement.pairwise_cohen_kappa(pd.DataFrame({"A": a, "B": b}))
    assert pairs.loc[0, "kappa"] == pytest.approx(0.4, abs=1e-12)
    assert pairs.loc[0, "percent_agreement"] == pytest.approx(0.7)
    assert pairs.loc[0, "n_shared"] == 10


def test_pairwise_cohen_kappa_uses_only_shared_items_and_reports_pairs_that_share_none():
    labels = pd.DataFrame({
        "A": ["y", "y", "n", "n", np.nan, np.nan],
        "B": ["y", "n", "n", "n", np.nan, np.nan],
        "C": [np.nan, np.nan, np.nan, np.nan, "y", "n"],
    })
    pairs = agreement.pairwise_cohen_kappa(labels).set_index(["annotator_a", "annotator_b"])
    # A and B share 4 items: p_o = 3/4; A yes 2/4, B yes 1/4; p_e = 0.5 x 0.25 + 0.5 x 0.75 = 0.5; kappa = 0.5.
    assert pairs.loc[("A", "B"), "n_shared"] == 4
    assert pairs.loc[("A", "B"), "kappa"] == pytest.approx(0.5)
    assert pairs.loc[("A", "C"), "n_shared"] == 0 and math.isnan(pairs.loc[("A", "C"), "kappa"])
    square = agreement.kappa_matrix(pairs.reset_index())
    assert list(square.index) == ["A", "B", "C"] and square.loc["B", "A"] == square.loc["A", "B"] == pytest.approx(0.5)
    assert math.isnan(square.loc["A", "A"]) and math.isnan(square.loc["C", "A"])
    assert agreement.kappa_matrix(pairs.reset_index(), "n_shared").loc["B", "A"] == 4


def test_krippendorff_alpha_matches_a_hand_computation_with_missing_values():
    # 5 units (rows) x 3 coders (columns); NaN = no label. Unit 5 has one label and is not pairable.
    labels = pd.DataFrame([["a", "a", np.nan], ["a", "b", "b"], ["b", "b", "b"], ["b", np.nan, "a"], [np.nan, np.nan, "a"]])
    # Coincidences (Krippendorff 2011), each ordered pair in a unit weighted 1 / (m_u - 1):
    # unit 1: o_aa += 2; unit 2: o_ab += 1, o_ba += 1, o_bb += 1; unit 3: o_bb += 3; unit 4: o_ab += 1, o_ba += 1.
    # n_a = 4, n_b = 6, n = 10. Nominal alpha = 1 - (n - 1) (o_ab + o_ba) / (2 n_a n_b) = 1 - 9 x 4 / 48 = 0.25.
    assert agreement.krippendorff_alpha(labels) == pytest.approx(0.25, abs=1e-12)


def test_reliability_matrix_is_annotators_by_units_with_nan_for_missing():
    labels = pd.DataFrame({"c1": ["no", "yes"], "c2": [np.nan, "yes"]})
    matrix, categories = agreement.reliability_matrix(labels)
    assert categories == ["no", "yes"]
    np.testing.assert_array_equal(matrix, np.array([[0.0, 1.0], [np.nan, 1.0]]))
    with pytest.raises(ValueError, match="not among the categories"):
        agreement.reliability_matrix(labels, categories=["yes"])


def test_krippendorff_alpha_refuses_data_without_agreement_to_measure():
    with pytest.raises(ValueError, match="two or more labels"):
        agreement.krippendorff_alpha(pd.DataFrame({"A": ["y", np.nan], "B": [np.nan, "n"]}))
    with pytest.raises(ValueError, match="same category"):
        agreement.krippendorff_alpha(pd.DataFrame({"A": ["y", "y"], "B": ["y", "y"]}))


def test_modal_share_and_unanimity_on_a_small_count_table():
    counts = pd.DataFrame({"hate_speech": [3, 1, 0, 6], "offensive_language": [0, 2, 3, 0], "neither": [0, 0, 0, 0]})
    assert list(agreement.modal_share(counts)) == pytest.approx([1, 2 / 3, 1, 1])
    assert list(agreement.is_unanimous(counts)) == [True, False, True, True]
    assert list(agreement.is_unanimous(counts, "hate_speech")) == [True, False, False, True]
    with pytest.raises(KeyError, match="neither"):
        agreement.coder_counts(counts.drop(columns="neither"))


# --- the real corpora (read without their text) give the figures the lesson states -------------------------------

def test_davidson_counts_give_the_lessons_figures():
    tweets = agreement.read_davidson_counts()
    counts = agreement.coder_counts(tweets)
    assert len(tweets) == 24_783
    assert (counts.sum(axis=1) == tweets["count"]).all()
    assert sorted(tweets["count"].unique()) == [3, 4, 6, 7, 9]
    assert (tweets["class"] == 0).sum() == 1_430  # majority hate: 5.77%
    assert agreement.is_unanimous(counts, "hate_speech").sum() == 263  # every coder: 1.06%
    assert (tweets["hate_speech"] >= 3).sum() == 323  # at least three coders: 1.30%, the fact sheet's "~1.3%"
    three = tweets["count"] == 3
    assert three.sum() == 22_807
    assert agreement.fleiss_kappa(counts[three]) == pytest.approx(0.5495, abs=1e-4)
    with pytest.raises(ValueError, match="same number of coders"):
        agreement.fleiss_kappa(counts)


def test_hatecheck_annotations_give_the_lessons_figures():
    table = agreement.read_hatecheck_labels()
    labels = table[list(agreement.HATECHECK_ANNOTATORS)]
    assert len(table) == 3_728 and "test_case" not in table.columns
    assert (labels.notna().sum(axis=1) == 5).all()
    # validation: no case kept on which the five split 3-2
    assert set(table["count_label_h"]) == {0, 1, 4, 5}
    assert agreement.krippendorff_alpha(labels) == pytest.approx(0.9390, abs=1e-4)
    pairs = agreement.pairwise_cohen_kappa(labels)
    assert len(pairs) == 45 and (pairs["n_shared"] == 0).sum() == 5
    lowest = pairs.loc[pairs["kappa"].idxmin()]
    highest = pairs.loc[pairs["kappa"].idxmax()]
    assert (lowest["annotator_a"], lowest["annotator_b"], lowest["n_shared"]) == ("label_2", "label_9", 733)
    assert lowest["kappa"] == pytest.approx(0.8158, abs=1e-4)
    assert (highest["annotator_a"], highest["annotator_b"]) == ("label_4", "label_8")
    assert highest["kappa"] == pytest.approx(0.9926, abs=1e-4)


def test_krippendorff_value_counts_on_the_fleiss_table_matches_a_hand_computation():
    # Lesson 06 gives krippendorff.alpha Davidson's count table directly (value_counts=, units x categories).
    import krippendorff

    counts = np.array([[3, 0, 0], [0, 3, 0], [1, 1, 1], [2, 1, 0]])
    # Coincidences across categories, each pair weighted 1 / (m_u - 1) = 1/2: unit 3 gives 6 ordered pairs, 3;
    # unit 4 gives a-b and b-a with 2 x 1 each, 2. Sum 5. n = 12, n_c = 6, 5, 1, so sum_{c != k} n_c n_k = 144 - 62 = 82.
    # alpha = 1 - (n - 1) x 5 / 82 = 27/82 (Fleiss' kappa of the same table is 22/82: alpha corrects for small samples).
    assert krippendorff.alpha(value_counts=counts, level_of_measurement="nominal") == pytest.approx(27 / 82, abs=1e-12)


def test_the_lessons_worked_alpha_example_by_its_plain_words_definition():
    """Lesson 06's 3-unit table: D_o, D_e as 'share of the other labels (on the unit / in the table) that differ'."""
    import krippendorff

    units = [[1, 1, 1], [1, 1, 0], [0, 0]]  # unit 3 has a missing label
    flat = [v for unit in units for v in unit]
    d_o = np.mean([sum(w != v for w in unit) / (len(unit) - 1) for unit in units for v in unit])
    d_e = np.mean([(sum(w != v for w in flat)) / (len(flat) - 1) for v in flat])
    assert (d_o, d_e) == (pytest.approx(2 / 8), pytest.approx(30 / 56))  # the lesson's numbers
    matrix = np.array([[1, 1, 0], [1, 1, 0], [1, 0, np.nan]])  # coders x units, as the lesson builds it
    assert krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal") == pytest.approx(1 - d_o / d_e, abs=1e-12)
    assert 1 - d_o / d_e == pytest.approx(0.5333, abs=1e-4)


def test_one_pair_by_scikit_learn_matches_the_helpers_row():
    from sklearn.metrics import cohen_kappa_score

    labels = agreement.read_hatecheck_labels()[list(agreement.HATECHECK_ANNOTATORS)]
    both = labels[["label_1", "label_2"]].dropna()
    pairs = agreement.pairwise_cohen_kappa(labels).set_index(["annotator_a", "annotator_b"])
    assert pairs.loc[("label_1", "label_2"), "n_shared"] == len(both) == 1_113
    assert pairs.loc[("label_1", "label_2"), "kappa"] == pytest.approx(cohen_kappa_score(both["label_1"], both["label_2"]), abs=1e-12)
