"""Lesson 08 questions: right, typical wrong, untouched and wrong-type answers (values worked out independently)."""

import numpy as np
import pandas as pd
import pytest
from question_cases import assert_question_behaves
from sklearn.metrics import average_precision_score, roc_auc_score

from modlab import classifier, corpora
from modlab.exercises import lesson08 as ex


@pytest.fixture(scope="module")
def model():
    return classifier.trained()


@pytest.fixture(scope="module")
def hatecheck(model):
    """HateCheck scored by hand: the model's probabilities, flags at its threshold, per-group FPR by hand."""
    cases = corpora.load("hatecheck_cases")
    hateful = (cases["label_gold"] == "hateful").to_numpy()
    scores = model.pipeline.predict_proba(cases["test_case"].tolist())[:, 1]
    return cases, hateful, scores, scores >= model.threshold


def _independent(model, hatecheck):
    cases, hateful, scores, flagged = hatecheck
    labels, test_scores = model.test_labels, model.test_scores
    at_03 = test_scores >= 0.3
    fpr_03 = (at_03 & (labels == 0)).sum() / (labels == 0).sum()
    recall_03 = (at_03 & (labels == 1)).sum() / (labels == 1).sum()
    accuracy = pd.Series(flagged == hateful).groupby(cases["functionality"].to_numpy()).mean()
    fpr = {g: flagged[(cases["target_ident"] == g).to_numpy() & ~hateful].mean() for g in cases["target_ident"].dropna().unique()}
    gay = (cases["target_ident"] == "gay people").to_numpy()
    bpsn = (gay & ~hateful) | (~gay & hateful)
    return {
        "auc": roc_auc_score(labels, test_scores),
        "pr_auc": average_precision_score(labels, test_scores),
        "precision": labels[at_03].mean(),
        "recall": recall_03,
        "wrongful": 10_000_000 * 0.99 * fpr_03,
        "missed": 10_000_000 * 0.01 * (1 - recall_03),
        "worst": accuracy.min(),
        "best": accuracy.max(),
        "fpr_max": max(fpr.values()),
        "fpr_min": min(fpr.values()),
        "bpsn": roc_auc_score(hateful[bpsn], scores[bpsn]),
        "subgroup": roc_auc_score(hateful[gay], scores[gay]),
        "fpr_03": fpr_03,
    }


def test_questions(model, hatecheck):
    v = _independent(model, hatecheck)
    cases = [
        (ex.q1, v["auc"], [(1 - v["auc"], "wrong way round"), (v["pr_auc"], "precision-recall")]),
        (ex.q2, v["precision"], [(v["recall"], "recall"), (v["fpr_03"], "false-positive rate")]),
        (ex.q3, v["wrongful"], [(10_000_000 * v["fpr_03"], "NOT hateful"), (v["missed"], "missed hateful")]),
        (ex.q4, v["worst"], [(v["best"], "best functionality")]),
        (ex.q5, v["fpr_max"], [(v["fpr_min"], "lowest")]),
        (ex.q6, v["bpsn"], [(v["subgroup"], "subgroup AUC")]),
        (ex.q7, "b", [("a", "BNSP"), ("d", "calibration")]),
    ]
    for question, right, wrong in cases:
        assert_question_behaves(question, right, wrong)
        if not isinstance(right, str):
            assert question.expected == pytest.approx(right, rel=1e-9)


def test_the_worst_functionalities_are_implicit_and_negated_hate(model, hatecheck):
    # what the lesson text says: the three worst functionalities, and a BPSN AUC below 0.5
    worst = ex._by_functionality().index[:3].tolist()
    assert worst == ["derog_impl_h", "negate_pos_h", "phrase_question_h"]
    assert ex.q6.expected < 0.5


def test_there_are_seven_auto_checked_questions_and_all_have_hints():
    assert len(ex.QUESTIONS) == 7 and all(q.hints for q in ex.QUESTIONS)
    assert len({q.label for q in ex.QUESTIONS}) == 7
    assert np.isclose(ex.EXERCISE_PREVALENCE, 0.01)


def test_answers_rounded_further_than_asked_are_told_so(model, hatecheck):
    v = _independent(model, hatecheck)
    # the values the lesson itself prints, rounded: AUC 0.87, FPR "about 75%", 0.13, 0.2
    for question, value in [(ex.q1, round(v["auc"], 2)), (ex.q5, round(v["fpr_max"], 2)),
                            (ex.q4, round(v["worst"], 2)), (ex.q6, round(v["bpsn"], 1))]:
        feedback = question.evaluate(value)
        assert not feedback.correct and "rounded too far: give it to three decimal places" in feedback.message, (question, value)
    assert ex.q1.evaluate(round(v["auc"], 3)).correct and not ex.q1.evaluate(round(v["auc"], 2) + 0.01).correct


def test_posts_per_day_are_accepted_to_the_nearest_100(model, hatecheck):
    v = _independent(model, hatecheck)
    wrongful = v["wrongful"]  # about 76,300.6
    for accepted in (wrongful, round(wrongful, -2), 10_000_000 * 0.99 * round(v["fpr_03"], 4)):
        assert ex.q3.evaluate(accepted).correct, accepted
    feedback = ex.q3.evaluate(round(wrongful, -3))
    assert not feedback.correct and "nearest 100" in feedback.message
    assert not ex.q3.evaluate(wrongful + 150).correct
    assert "posts per day" in ex.q3.evaluate({"wrongful": wrongful}).message


def test_a_nan_bpsn_points_to_the_group_name():
    feedback = ex.q6.evaluate(float("nan"))
    assert not feedback.correct and "'gay people'" in feedback.message and "division" not in feedback.message
