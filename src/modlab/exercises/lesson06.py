"""Self-checks for lesson 06, annotation and agreement.

Every expected value is computed when first needed from the fetched corpora (Davidson et al.
2017's coder counts, HateCheck's annotations; read without their text) or from
:mod:`modlab.annotation_sim`, never typed in.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from modlab import agreement as _agreement
from modlab import annotation_sim as _sim
from modlab.exercises.base import ChoiceQuestion, NumberQuestion, half_unit, precision_words

#: How far each numeric answer may be rounded, in decimal places; each exercise in the lesson says the
#: same in words (:data:`PRECISION_WORDS`). The check accepts the full value or the value rounded so far,
#: never a coarser rounding: a tolerance of half a unit in the last place asked (plus the kit's usual 0.1%).
DECIMALS = {"q1": 4, "q2": 4, "q3": 3, "q4": 3, "q5": 3, "q7": 3}
#: The words the exercises use for :data:`DECIMALS`.
PRECISION_WORDS = {places: precision_words(places) for places in set(DECIMALS.values())}

#: The simulated study of Exercise 7: the explorer's starting values with a dialect bias of 1 SD.
EXERCISE7_SETUP = _sim.AnnotationSetup(dialect_bias=1.0)
EXERCISE7_SEED = 0



def _close(value: float, target: float, tol: float = 5e-4) -> bool:
    return math.isclose(value, target, rel_tol=1e-3, abs_tol=tol)


@lru_cache(maxsize=1)
def _davidson():
    return _agreement.read_davidson_counts()


@lru_cache(maxsize=1)
def _hatecheck():
    return _agreement.read_hatecheck_labels()


def _hate_label_share() -> float:
    """Share of tweets whose label (``class``, the class with the most coder votes) is hate speech."""
    return float((_davidson()["class"] == 0).mean())


def _strict_hate_label_share() -> float:
    tweets = _davidson()
    return float((tweets["hate_speech"] > tweets["count"] / 2).mean())


def _any_hate_share() -> float:
    return float((_davidson()["hate_speech"] > 0).mean())


def _unanimous_hate_share() -> float:
    tweets = _davidson()
    return float((tweets["hate_speech"] == tweets["count"]).mean())


def _at_least_three_hate_share() -> float:
    return float((_davidson()["hate_speech"] >= 3).mean())


def _unanimous_share_within_hate_label() -> float:
    """Unanimous-hate tweets as a share of the hate-labelled tweets only (the wrong denominator)."""
    tweets = _davidson()
    labelled_hate = tweets[tweets["class"] == 0]
    return float((labelled_hate["hate_speech"] == labelled_hate["count"]).mean())


def _unanimous_hate_share_three_coders() -> float:
    three = _davidson()[_davidson()["count"] == 3]
    return float((three["hate_speech"] == 3).mean())


def _unanimous_any_share() -> float:
    return float(_agreement.is_unanimous(_agreement.coder_counts(_davidson())).mean())


def _fleiss_three_coders() -> float:
    tweets = _davidson()
    return _agreement.fleiss_kappa(_agreement.coder_counts(tweets[tweets["count"] == 3]))


def _fleiss_with_count_column() -> float:
    """Fleiss' kappa when the ``count`` column is left in the table, as if it were a fourth category."""
    from statsmodels.stats.inter_rater import fleiss_kappa

    three = _davidson()[_davidson()["count"] == 3]
    return float(fleiss_kappa(three[["count", *_agreement.DAVIDSON_CLASSES]].to_numpy()))


def _hatecheck_labels():
    return _hatecheck()[list(_agreement.HATECHECK_ANNOTATORS)]


def _alpha() -> float:
    return _agreement.krippendorff_alpha(_hatecheck_labels())


def _alpha_transposed() -> float:
    import krippendorff

    matrix, _ = _agreement.reliability_matrix(_hatecheck_labels())
    return float(krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="nominal"))


def _alpha_missing_as_category() -> float:
    return _agreement.krippendorff_alpha(_hatecheck_labels().fillna("no label"))


def _alpha_missing_as_zero() -> float:
    """Alpha when every empty cell became 0 ('non-hateful'), as ``(labels == 'hateful').astype(float)`` alone does."""
    return _agreement.krippendorff_alpha((_hatecheck_labels() == "hateful").astype(float))


@lru_cache(maxsize=1)
def _pairs():
    return _agreement.pairwise_cohen_kappa(_hatecheck_labels()).dropna(subset=["kappa"])


def _lowest_kappa() -> float:
    return float(_pairs()["kappa"].min())


def _exercise7_stats() -> dict:
    return _sim.summarise(_sim.simulate_annotations(EXERCISE7_SETUP, EXERCISE7_SEED))


q1 = NumberQuestion(
    "Exercise 1: share of tweets labelled hate speech (class == 0)",
    _hate_label_share,
    kind="proportion",
    rel_tol=1e-9,  # the tolerance is abs_tol alone: half a unit in the last place asked
    abs_tol=half_unit(DECIMALS["q1"]),
    places=DECIMALS["q1"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: _close(v, _strict_hate_label_share(), 5e-5),
         "that counts a tweet only when more than half its coders said hate. The dataset's label is the class with the "
         "most votes, even when that is not more than half (3 of 6 or 4 of 9 coders): use class == 0."),
        (lambda v: _close(v, _any_hate_share(), 5e-5),
         "that is the share of tweets at least one coder called hate; the question asks for the dataset's label (class == 0)."),
        (lambda v: math.isclose(v, float((_davidson()["class"] == 1).mean()), rel_tol=1e-3),
         "class 1 is offensive language; hate speech is class 0."),
    ],
    hints=[
        "The column class holds each tweet's label, the class most of its coders chose: 0 hate speech, 1 offensive language, 2 neither.",
        "(tweets['class'] == 0) is True for the hate-speech tweets; .mean() of a True/False column is the share that is True.",
    ],
    praise="0.0577: 1,430 of 24,783 tweets, about 5.8%, close to the 'about 5%' Davidson et al. (2017) report.",
)

q2 = NumberQuestion(
    "Exercise 2: share of tweets every coder called hate speech",
    _unanimous_hate_share,
    kind="proportion",
    rel_tol=1e-9,  # the tolerance is abs_tol alone: half a unit in the last place asked
    abs_tol=half_unit(DECIMALS["q2"]),
    places=DECIMALS["q2"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: _close(v, _at_least_three_hate_share(), 5e-5),
         "that counts tweets where at least three coders said hate; unanimous means every coder of the tweet (hate_speech == count)."),
        (lambda v: _close(v, _unanimous_hate_share_three_coders(), 5e-5),
         "that is the share among the tweets with exactly three coders; the question asks about all tweets."),
        (lambda v: _close(v, _unanimous_share_within_hate_label(), 5e-5),
         "that is the share among the tweets labelled hate speech (class == 0) only; the question asks about all tweets, "
         "so divide by the number of all tweets."),
        (lambda v: _close(v, _unanimous_any_share(), 5e-4),
         "that is the share of tweets on which the coders were unanimous about any class; the question asks about hate speech."),
        (lambda v: _close(v, _hate_label_share(), 5e-5),
         "that is the dataset's label again (Exercise 1); unanimous is stricter: every coder chose hate speech."),
    ],
    hints=[
        "A tweet is unanimous hate when the number of coders who chose hate speech equals its number of coders.",
        "(tweets['hate_speech'] == tweets['count']).mean()",
    ],
    praise="0.0106: 263 tweets, about 1.1%. Only about one in five of the tweets labelled hate speech had every coder agree.",
)

q3 = NumberQuestion(
    "Exercise 3: Fleiss' kappa of the tweets with three coders",
    _fleiss_three_coders,
    kind="number",
    rel_tol=1e-9,  # the tolerance is abs_tol alone: half a unit in the last place asked
    abs_tol=half_unit(DECIMALS["q3"]),
    places=DECIMALS["q3"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: _close(v, float(np.mean(_agreement.modal_share(_agreement.coder_counts(_davidson()))))),
         "that is the average share of coders who chose the most common class: agreement without the correction for chance."),
        (lambda v: _close(v, _fleiss_with_count_column()),
         "the table has a count column too: fleiss_kappa reads every column as a category. Keep only the three "
         "class columns (hate_speech, offensive_language, neither)."),
    ],
    hints=[
        "Keep the rows with tweets['count'] == 3, then take the three count columns: hate_speech, offensive_language, neither.",
        "Pass that table (one row per tweet, one column per class) to fleiss_kappa from statsmodels.stats.inter_rater.",
    ],
    praise="0.549: moderate agreement beyond chance, on the 22,807 tweets with exactly three coders.",
)

q4 = NumberQuestion(
    "Exercise 4: Krippendorff's alpha of HateCheck's annotators",
    _alpha,
    kind="number",
    rel_tol=1e-9,  # the tolerance is abs_tol alone: half a unit in the last place asked
    abs_tol=half_unit(DECIMALS["q4"]),
    places=DECIMALS["q4"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: _close(v, _alpha_transposed()),
         "the matrix is the wrong way round: krippendorff.alpha wants one row per annotator and one column per case (transpose with .T)."),
        (lambda v: _close(v, _alpha_missing_as_zero()),
         "the empty cells became 0 ('non-hateful'), as if all ten annotators had labelled every case; keep them "
         "missing (NaN), e.g. with .where(labels.notna())."),
        (lambda v: _close(v, _alpha_missing_as_category()),
         "the empty cells became a category of their own; they must stay missing (NaN) so alpha ignores them."),
    ],
    hints=[
        "First make a numeric copy of labels: 1.0 for 'hateful', 0.0 for 'non-hateful', NaN where empty. "
        "labels == 'hateful' gives True/False, .astype(float) turns that into 1.0/0.0, and .where(labels.notna()) "
        "puts NaN back in the empty cells. (.replace keeps the text column type, 'object', which krippendorff "
        "cannot read: 'Don't know how to construct value domain for dtype kind O'.)",
        "hateful = (labels == 'hateful').astype(float).where(labels.notna()) is that numeric table; "
        "labels.apply(lambda column: column.map({'hateful': 1.0, 'non-hateful': 0.0})) gives the same.",
        "krippendorff.alpha wants annotators as rows: "
        "krippendorff.alpha(reliability_data=hateful.T.to_numpy(), level_of_measurement='nominal').",
    ],
    praise="0.939: far above the 0.8 Krippendorff asks for, and far above the 0.18-0.29 reported for hate-speech "
           "annotators on real posts (Ross et al. 2016, known to us second-hand [S]).",
)

q5 = NumberQuestion(
    "Exercise 5: the lowest Cohen's kappa of any pair of HateCheck annotators",
    _lowest_kappa,
    kind="number",
    rel_tol=1e-9,  # the tolerance is abs_tol alone: half a unit in the last place asked
    abs_tol=half_unit(DECIMALS["q5"]),
    places=DECIMALS["q5"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: _close(v, float(_pairs()["kappa"].max())), "that is the highest kappa; the question asks for the lowest."),
        (lambda v: _close(v, float(_pairs()["percent_agreement"].min())),
         "that is the lowest percent agreement; kappa corrects it for the agreement expected by chance."),
    ],
    hints=[
        "pairs = agreement.pairwise_cohen_kappa(labels) gives one row per pair of annotators, with their kappa.",
        "Five pairs never labelled the same case; their kappa is NaN. pairs['kappa'].min() skips NaN.",
    ],
    praise="0.816, annotators 2 and 9 on 733 shared cases: even the weakest pair agrees strongly.",
)

q6 = ChoiceQuestion(
    "Exercise 6: why do HateCheck's annotators agree so well?",
    options={
        "a": "Hate speech is easy to recognise once annotators are trained; agreement this high is typical of the field.",
        "b": "The cases were written to be clear, and cases on which fewer than 4 of 5 annotators matched the intended label were dropped before publication.",
        "c": "Krippendorff's alpha is always higher than Cohen's kappa on the same data.",
        "d": "Missing labels raise alpha: with 5 of 10 labels missing, alpha counts only the easy cases.",
    },
    answer="b",
    explanations={
        "a": "reported agreement on real posts is much lower (Ross et al. 2016, known to us second-hand: alpha 0.18-0.29 [S]); "
             "HateCheck's cases are not a sample of real posts.",
        "c": "on two categories with many cases the two are very close (compare the pairs of Exercise 5 with Exercise 4); neither is 'always higher'.",
        "d": "alpha uses every case with two or more labels, and every HateCheck case has five; missing labels are not the reason.",
    },
    hints=["Look at the table of hateful votes per case above: which counts never occur, and what does that tell you about how the cases were chosen?"],
    praise="the agreement is high by design: a validated test suite, not a measure of how well people agree on real posts.",
)

q7 = NumberQuestion(
    "Exercise 7: harmless dialect items labelled hateful in the simulator",
    lambda: _exercise7_stats()["false_positive_rate_dialect"],
    kind="proportion",
    rel_tol=1e-9,  # the tolerance is abs_tol alone: half a unit in the last place asked
    abs_tol=half_unit(DECIMALS["q7"]),
    places=DECIMALS["q7"],  # an answer rounded further is told so
    mistakes=[
        (lambda v: _close(v, _exercise7_stats()["false_positive_rate_other"]),
         "that is the rate for the other items; the question asks about the dialect items."),
        (lambda v: _close(v, _exercise7_stats()["measured_prevalence_dialect"]),
         "that is the measured prevalence of the dialect items (hateful ones included); the question asks about the truly harmless ones."),
    ],
    hints=[
        "Build the study: setup = annotation_sim.AnnotationSetup(dialect_bias=1.0) keeps every other setting at its "
        "starting value; annotation_sim.simulate_annotations(setup, seed=0) runs it.",
        "annotation_sim.summarise(study) returns a dictionary of shares and agreement statistics; print its keys.",
        "You want the share of truly harmless items the majority labelled hateful (a false-positive rate), for the dialect items.",
    ],
    praise="0.324 (simulated): a third of the harmless dialect items are labelled hateful, against 3% of the others.",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7]
