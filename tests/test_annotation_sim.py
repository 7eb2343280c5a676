"""The simulated annotation study: seeded, labelled simulated, and its parts do what the lesson says."""

import math

import numpy as np
import pytest
from scipy.stats import norm

from modlab.annotation_sim import AnnotationSetup, simulate_annotations, summarise


def test_same_seed_same_study_and_labelled_simulated():
    a = simulate_annotations(AnnotationSetup(), seed=3)
    b = simulate_annotations(AnnotationSetup(), seed=3)
    assert a.items.equals(b.items) and a.labels.equals(b.labels)
    assert a.items.attrs["kind"] == a.labels.attrs["kind"] == "simulated"
    assert not simulate_annotations(AnnotationSetup(), seed=4).items.equals(a.items)


def test_thresholds_run_from_strict_to_lenient_around_the_true_cut():
    setup = AnnotationSetup(n_annotators=5, strictness=0.2, threshold_spread=0.5, true_prevalence=0.1)
    assert setup.true_cut == pytest.approx(norm.ppf(0.9))
    np.testing.assert_allclose(setup.thresholds(), setup.true_cut + 0.2 + np.array([0.5, 0.25, 0, -0.25, -0.5]))
    assert AnnotationSetup(n_annotators=1, strictness=-0.3).thresholds() == pytest.approx([norm.ppf(0.9) - 0.3])


def test_perfect_annotators_measure_the_truth_and_agree_perfectly():
    sim = simulate_annotations(AnnotationSetup(noise=0, threshold_spread=0, n_items=500))
    stats = summarise(sim)
    assert (sim.items["majority_hateful"] == sim.items["truly_hateful"]).all()
    assert stats["measured_prevalence"] == stats["true_prevalence"]
    assert stats["fleiss_kappa"] == pytest.approx(1.0) and stats["krippendorff_alpha"] == pytest.approx(1.0)


def test_majority_and_prevalences_follow_the_labels():
    sim = simulate_annotations(AnnotationSetup(n_annotators=4, n_items=300), seed=1)
    votes = sim.labels.sum(axis=1)
    assert (sim.items["votes_hateful"] == votes).all()
    assert (sim.items["majority_hateful"] == (votes >= 3)).all()  # 2 of 4 is a tie, not a majority
    stats = summarise(sim)
    dialect = sim.items[sim.items["dialect"]]
    assert stats["measured_prevalence_dialect"] == pytest.approx(dialect["majority_hateful"].mean())
    harmless = dialect[~dialect["truly_hateful"]]
    assert stats["false_positive_rate_dialect"] == pytest.approx(harmless["majority_hateful"].mean())


def test_dialect_bias_raises_false_positives_for_dialect_items_only():
    fair = summarise(simulate_annotations(AnnotationSetup(n_items=20_000)))
    biased = summarise(simulate_annotations(AnnotationSetup(n_items=20_000, dialect_bias=1.0)))
    assert biased["true_prevalence_dialect"] == fair["true_prevalence_dialect"]  # the items are the same
    assert biased["false_positive_rate_dialect"] > 5 * fair["false_positive_rate_dialect"]
    assert biased["false_positive_rate_other"] == fair["false_positive_rate_other"]
    # with no bias the two groups are treated alike (up to sampling noise)
    assert abs(fair["false_positive_rate_dialect"] - fair["false_positive_rate_other"]) < 0.01


def test_stricter_guidelines_measure_less_and_lenient_more():
    base = summarise(simulate_annotations(AnnotationSetup()))["measured_prevalence"]
    assert summarise(simulate_annotations(AnnotationSetup(strictness=0.5)))["measured_prevalence"] < base
    assert summarise(simulate_annotations(AnnotationSetup(strictness=-0.5)))["measured_prevalence"] > base


def test_more_noise_lowers_agreement():
    calm = summarise(simulate_annotations(AnnotationSetup(noise=0.3)))
    noisy = summarise(simulate_annotations(AnnotationSetup(noise=1.5)))
    assert noisy["fleiss_kappa"] < calm["fleiss_kappa"] and noisy["krippendorff_alpha"] < calm["krippendorff_alpha"]


def test_one_annotator_or_an_empty_group_gives_nan_not_an_error():
    stats = summarise(simulate_annotations(AnnotationSetup(n_annotators=1, dialect_share=0)))
    assert math.isnan(stats["fleiss_kappa"]) and math.isnan(stats["krippendorff_alpha"])
    assert math.isnan(stats["true_prevalence_dialect"]) and not math.isnan(stats["true_prevalence_other"])


@pytest.mark.parametrize("bad", [{"n_annotators": 0}, {"noise": -1}, {"threshold_spread": -0.1}, {"dialect_share": 1.5},
                                 {"true_prevalence": 0}, {"n_items": 1}])
def test_impossible_setups_are_refused(bad):
    with pytest.raises(ValueError):
        AnnotationSetup(**bad)
