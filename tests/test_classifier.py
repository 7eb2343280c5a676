"""The lesson 08 classifier: reproducible, fast enough, and evaluated as sklearn says; HateCheck tables."""

import time

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from modlab import classifier, corpora, hatecheck_eval


@pytest.fixture(scope="module")
def tweets():
    return corpora.load("davidson2017")


@pytest.fixture(scope="module")
def model():
    return classifier.trained()


def test_masked_slurs_stay_one_token():
    analyse = classifier.build_pipeline().named_steps["tfidf"].build_analyzer()
    assert analyse("@USER you [slur-07] [URL]") == ["@user", "you", "[slur-07]", "[url]", "@user you", "you [slur-07]", "[slur-07] [url]"]


def test_target_is_hate_against_the_rest(tweets):
    target = classifier.hate_target(tweets)
    assert target.sum() == (tweets["class"] == 0).sum() and set(np.unique(target)) == {0, 1}


def test_training_is_reproducible_and_under_15_seconds(tweets, model):
    start = time.perf_counter()
    again = classifier.train(tweets)
    assert time.perf_counter() - start < 15  # split, fit and scoring together (the bound is for training)
    assert again.train_seconds < 15
    auc = roc_auc_score(again.test_labels, again.test_scores)
    assert abs(auc - roc_auc_score(model.test_labels, model.test_scores)) < 1e-12
    assert again.threshold == model.threshold


def test_splits_are_stratified_60_20_20(tweets, model):
    n = len(tweets)
    assert model.n_train == pytest.approx(0.6 * n, abs=1)
    assert len(model.test_labels) == pytest.approx(0.2 * n, abs=1)
    assert model.test_labels.mean() == pytest.approx((tweets["class"] == 0).mean(), abs=0.002)


def test_held_out_metrics_match_sklearn_and_beat_guessing(model):
    metrics = classifier.held_out_metrics(model.test_labels, model.test_scores)
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(model.test_labels, model.test_scores))
    assert 0.8 < metrics["roc_auc"] < 0.95
    assert metrics["pr_auc"] > 3 * metrics["prevalence"]  # far above a guess, far below perfect
    curves = classifier.curves(model.test_labels, model.test_scores)
    assert curves["roc"]["fpr"].iloc[0] == 0 and curves["roc"]["tpr"].iloc[-1] == 1
    assert len(curves["calibration"]) == 10 and curves["calibration"]["mean_predicted"].is_monotonic_increasing


def test_best_f1_threshold_by_hand():
    # thresholds 0.9 (P 1, R 1/2, F1 2/3), 0.6 (P 2/3, R 1, F1 0.8), 0.1 (P 1/2, R 1, F1 2/3)
    assert classifier.best_f1_threshold(np.array([1, 0, 1, 0]), np.array([0.9, 0.7, 0.6, 0.1])) == pytest.approx(0.6)


def test_hatecheck_tables(model):
    scored = hatecheck_eval.scored_cases(model)
    assert len(scored) == 3728
    by_function = hatecheck_eval.accuracy_by(scored, "functionality")
    assert by_function.shape == (29, 4) and by_function["n"].sum() == 3728
    assert by_function["accuracy"].is_monotonic_increasing
    # accuracy by hand for one functionality
    rows = scored[scored["functionality"] == "slur_reclaimed_nh"]
    assert by_function.loc["slur_reclaimed_nh", "accuracy"] == pytest.approx((~rows["flagged"]).mean())
    by_group = hatecheck_eval.accuracy_by(scored, "target_ident")
    assert len(by_group) == 7 and by_group["n"].sum() == scored["target_ident"].notna().sum()
