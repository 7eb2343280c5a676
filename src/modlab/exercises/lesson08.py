"""Self-checks for lesson 08, classifiers and bias.

Every expected value is computed when first needed from the lesson's classifier
(:func:`modlab.classifier.trained`, trained once per kernel on the masked Davidson tweets) and the
masked HateCheck cases, never typed in. Numeric answers are accepted to three decimal places
(or, for posts per day, to the nearest 100); an answer rounded further is told so.
"""

from __future__ import annotations

import math
from functools import lru_cache

from modlab import bias_metrics as _bias
from modlab import classifier as _classifier
from modlab import hatecheck_eval as _hatecheck
from modlab import thresholds as _thresholds
from modlab.exercises.base import ChoiceQuestion, NumberQuestion

#: The threshold of Exercises 2 and 3 (a round number a learner can type; flag when score >= it).
EXERCISE_THRESHOLD = 0.3
#: The platform of Exercise 3: posts screened per day and the assumed share of hateful posts.
EXERCISE_POSTS_PER_DAY = 10_000_000
EXERCISE_PREVALENCE = 0.01
#: The group of Exercise 6 (a HateCheck target_ident value).
EXERCISE_GROUP = "gay people"

#: Three decimal places: half a unit in the last place, plus the kit's usual 0.1%.
_ABS, _REL = 5e-4, 1e-3


def _close(value: float, target: float) -> bool:
    return math.isclose(value, target, rel_tol=_REL, abs_tol=_ABS)


def _model():
    return _classifier.trained()


def _metrics() -> dict:
    model = _model()
    return _classifier.held_out_metrics(model.test_labels, model.test_scores)


def _rates() -> dict:
    model = _model()
    return _thresholds.rates_at_threshold(model.test_labels, model.test_scores, EXERCISE_THRESHOLD)


def _per_day(prevalence: float = EXERCISE_PREVALENCE) -> dict:
    rates = _rates()
    return _thresholds.errors_per_day(rates["recall"], rates["fpr"], EXERCISE_POSTS_PER_DAY, prevalence)


@lru_cache(maxsize=1)
def _scored():
    return _hatecheck.scored_cases(_model())


def _by_functionality():
    return _hatecheck.accuracy_by(_scored(), "functionality")


def _groups():
    scored = _scored()
    return _bias.bias_table(scored["hateful"], scored["score"], scored["target_ident"], _model().threshold)


q1 = NumberQuestion(
    "Exercise 1: the held-out ROC AUC",
    lambda: _metrics()["roc_auc"],
    kind="number",
    rel_tol=_REL,
    abs_tol=_ABS,
    places=3,
    mistakes=[
        (lambda v: _close(v, 1 - _metrics()["roc_auc"]), "that is 1 - AUC: the scores are ranked the wrong way round. "
         "Pass the labels first and the scores second, and use model.test_scores (the probability of hate) as they are."),
        (lambda v: _close(v, _metrics()["pr_auc"]), "that is the area under the precision-recall curve (average precision); "
         "the question asks for the ROC AUC (roc_auc_score)."),
    ],
    hints=[
        "The AUC compares the held-out labels with the held-out scores: model.test_labels and model.test_scores.",
        "from sklearn.metrics import roc_auc_score; roc_auc_score(labels, scores). Give three decimal places.",
    ],
    praise="a random hateful tweet outscores a random other tweet about 87 times in 100.",
)

q2 = NumberQuestion(
    "Exercise 2: precision at threshold 0.3",
    lambda: _rates()["precision"],
    kind="proportion",
    rel_tol=_REL,
    abs_tol=_ABS,
    places=3,
    mistakes=[
        (lambda v: _close(v, _rates()["recall"]), "that is the recall (share of hateful tweets flagged); precision is the "
         "share of flagged tweets that are hateful."),
        (lambda v: _close(v, _rates()["fpr"]), "that is the false-positive rate; precision divides by the flagged tweets."),
        (lambda v: _close(v, _thresholds.rates_at_threshold(_model().test_labels, _model().test_scores, 0.5)["precision"]),
         "that is the precision at the default 0.5 (model.predict); use scores >= 0.3."),
    ],
    hints=[
        "Flag the tweets with score >= 0.3. Precision = hateful among flagged / flagged.",
        "flagged = model.test_scores >= 0.3; then model.test_labels[flagged].mean(). Three decimal places.",
    ],
    praise="about 3 flags in 5 are right, yet (check the recall) only about 1 hateful tweet in 5 is flagged.",
)

q3 = NumberQuestion(
    "Exercise 3: wrongful removals per day at 10 million posts",
    lambda: _per_day()["wrongful_removals"],
    kind="number",
    # Nearest 100: rounding the FPR along the way (0.0077) moves the answer by less than 100 posts.
    rel_tol=0,
    abs_tol=100,
    places=-2,
    description="a single number: posts per day, to the nearest 100",
    mistakes=[
        (lambda v: math.isclose(v, EXERCISE_POSTS_PER_DAY * _rates()["fpr"], rel_tol=_REL),
         "close, but only the posts that are NOT hateful can be removed wrongly: multiply by (1 - 0.01) too."),
        (lambda v: math.isclose(v, _per_day(_metrics()["prevalence"])["wrongful_removals"], rel_tol=_REL),
         "that uses the Davidson sample's share of hate (about 6%); the question assumes 1% of the platform's posts."),
        (lambda v: math.isclose(v, _per_day()["missed_hateful"], rel_tol=_REL),
         "that is the number of missed hateful posts (false negatives); wrongful removals are false positives."),
        (lambda v: math.isclose(v, EXERCISE_POSTS_PER_DAY * (1 - EXERCISE_PREVALENCE) * (1 - _rates()["precision"]), rel_tol=_REL),
         "1 - precision is the share of flags that are wrong, not the share of harmless posts flagged: use the false-positive rate."),
    ],
    hints=[
        "Harmless posts per day = 10,000,000 x (1 - 0.01). Each is flagged with probability = the false-positive rate.",
        "Wrongful removals = 10,000,000 x 0.99 x FPR, with the FPR at threshold 0.3 on the held-out tweets. "
        "Give it to the nearest 100 posts, or unrounded.",
    ],
    praise="tens of thousands of wrongful removals a day from a false-positive rate well under 1%.",
)

q4 = NumberQuestion(
    "Exercise 4: accuracy on the worst HateCheck functionality",
    lambda: _by_functionality()["accuracy"].min(),
    kind="proportion",
    rel_tol=_REL,
    abs_tol=_ABS,
    places=3,
    mistakes=[
        (lambda v: _close(v, _by_functionality()["accuracy"].max()), "that is the best functionality; the question asks for the worst."),
        (lambda v: _close(v, _scored()["correct"].mean()), "that is the accuracy over all 3,728 cases; group by functionality first."),
    ],
    hints=[
        "hatecheck_eval.accuracy_by(scored, 'functionality') gives one row per functionality, sorted worst first.",
        "Take the first row's accuracy, or the column's .min(). Three decimal places.",
    ],
    praise="on its worst functionality the model gets only about one case in eight right.",
)

q5 = NumberQuestion(
    "Exercise 5: the highest false-positive rate among HateCheck's target groups",
    lambda: _groups()["fpr"].max(),
    kind="proportion",
    rel_tol=_REL,
    abs_tol=_ABS,
    places=3,
    mistakes=[
        (lambda v: _close(v, _groups()["fpr"].min()), "that is the lowest false-positive rate; the question asks for the highest."),
        (lambda v: _close(v, _groups()["fnr"].max()), "that is a false-negative rate (hateful cases missed); the FPR is about the non-hateful cases."),
        (lambda v: _close(v, float(_scored().loc[_scored()["hateful"] == 0, "flagged"].mean())),
         "that is the FPR over all non-hateful cases; compute it per target group."),
    ],
    hints=[
        "bias_metrics.bias_table(labels, scores, groups, threshold) has an 'fpr' column, one row per group.",
        "Use scored['hateful'], scored['score'], scored['target_ident'] and model.threshold; then the column's max(). Three decimal places.",
    ],
    praise="for one group, most harmless sentences that mention it are flagged.",
)

q6 = NumberQuestion(
    "Exercise 6: the BPSN AUC for 'gay people'",
    lambda: _groups().loc[EXERCISE_GROUP, "bpsn_auc"],
    kind="number",
    rel_tol=_REL,
    abs_tol=_ABS,
    places=3,
    nan_message=("NaN: an AUC is undefined when its set holds only one class, which is what happens when no case "
                 "matched your group. The group's value is exactly 'gay people' (scored['target_ident'].unique() "
                 "lists them); bias_metrics.in_group(scored['target_ident'], 'gay people') checks the name for you."),
    mistakes=[
        (lambda v: _close(v, _groups().loc[EXERCISE_GROUP, "subgroup_auc"]), "that is the subgroup AUC (the group's cases only); "
         "BPSN mixes the background's hateful cases with the group's non-hateful ones."),
        (lambda v: _close(v, _groups().loc[EXERCISE_GROUP, "bnsp_auc"]), "that is the BNSP AUC (background negative, subgroup positive); "
         "BPSN is background positive, subgroup negative."),
    ],
    hints=[
        "BPSN: keep hateful cases NOT about the group and non-hateful cases about the group; compute the AUC on them.",
        "bias_metrics.subgroup_aucs(labels, scores, in_group)['bpsn_auc'], with "
        "in_group = bias_metrics.in_group(scored['target_ident'], 'gay people').",
    ],
    praise="well below 0.5: harmless sentences about the group outscore hateful sentences about others.",
)

q7 = ChoiceQuestion(
    "Exercise 7: what a low BPSN AUC says",
    options={
        "a": "The model misses hate against the group.",
        "b": "Harmless texts about the group tend to be ranked above hateful texts about other groups, so a "
             "threshold low enough to catch that hate also flags many of the group's harmless texts.",
        "c": "The group is too small for the AUC to mean anything.",
        "d": "The model is well calibrated for the group.",
    },
    answer="b",
    explanations={
        "a": "missed hate against the group shows as a low BNSP AUC (background negative, subgroup positive).",
        "c": "small groups make AUCs noisy, but the low value here has a direction: it says which texts are ranked too high.",
        "d": "AUC is about ranking, not calibration; a model can rank well and be badly calibrated, or the reverse.",
    },
    hints=["BPSN = background positive, subgroup negative. Which texts of the group are in that set?"],
    praise="a low BPSN AUC means false positives for the group: its mentions are treated as signs of hate.",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7]
