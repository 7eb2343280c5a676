"""A small, transparent hate-speech classifier for lesson 08: TF-IDF + logistic regression.

The model is trained on the masked Davidson et al. (2017) tweets (``corpora.load("davidson2017")``),
where every slur is replaced by one token such as ``[slur-07]``, handles by ``@USER`` and links by
``[URL]``. The vectoriser keeps each of these as one token, so the model sees a slur as one word:
spelling variants of a slur that the masker merged are one feature here. That is a choice, not a
neutral fact: a model trained on raw text would see each spelling separately.

Binary target: **hate** (Davidson class 0) against **not hate** (offensive or neither). This matches
the question a hateful-conduct policy asks and the ``hateful`` / ``non-hateful`` gold labels of
HateCheck (Röttger et al. 2021), on which the model is tested out of distribution. Offensive but not
hateful tweets are negatives: telling them apart from hate is the hard part Davidson et al. describe.

Splits (stratified, fixed seed): 60% training, 20% validation (to choose the operating threshold),
20% held-out test (for every reported metric). Nothing is written to disk; the trained model is
kept in memory for the kernel (:func:`trained`).

Sources: Davidson, Warmsley, Macy and Weber (2017), "Automated Hate Speech Detection and the Problem
of Offensive Language", ICWSM; scikit-learn (Pedregosa et al. 2011) for the model and the metrics.
"""

from __future__ import annotations

import dataclasses
import functools
import time

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

#: Seed of the splits (the solver is deterministic).
SEED = 0

#: Tokens: a masked slur, the URL and user placeholders, or a word of 2+ letters/digits. The text is
#: lower-cased first, so the placeholders appear as ``[url]`` and ``@user``.
TOKEN_PATTERN = r"\[slur-\d+\]|\[url\]|@user|\b\w\w+\b"


def build_pipeline() -> Pipeline:
    """Return the untrained model: TF-IDF of words and word pairs, then logistic regression.

    Returns
    -------
    sklearn.pipeline.Pipeline
        ``tfidf`` (:class:`~sklearn.feature_extraction.text.TfidfVectorizer`: unigrams and bigrams seen
        in at least 2 texts, sublinear term frequency, masked tokens kept whole) then ``logreg``
        (:class:`~sklearn.linear_model.LogisticRegression`, L2, C=1, no class weights, so its scores
        can be read as probabilities and checked for calibration).
    """
    return Pipeline([
        ("tfidf", TfidfVectorizer(token_pattern=TOKEN_PATTERN, ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
        ("logreg", LogisticRegression(C=1.0, max_iter=1000)),
    ])


def hate_target(tweets: pd.DataFrame) -> np.ndarray:
    """Binary target from Davidson's majority class: 1 = hate (class 0), 0 = offensive or neither.

    Parameters
    ----------
    tweets : pandas.DataFrame
        The Davidson table, with its ``class`` column (0 hate, 1 offensive, 2 neither).

    Returns
    -------
    numpy.ndarray of int, shape (n_tweets,)
    """
    return (tweets["class"].to_numpy() == 0).astype(int)


@dataclasses.dataclass(frozen=True)
class TrainedModel:
    """A trained pipeline with its held-out scores.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
        The fitted model; ``score_texts`` applies it.
    test_scores : numpy.ndarray of float, shape (n_test,)
        Predicted probability of hate for each held-out tweet, in [0, 1].
    test_labels : numpy.ndarray of int, shape (n_test,)
        1 = hate, 0 = not.
    validation_scores, validation_labels : numpy.ndarray, shape (n_validation,)
        The same for the validation split (used only to choose a threshold).
    threshold : float
        Operating threshold: the one with the highest F1 on the validation split.
    train_seconds : float
        Wall-clock time of fitting, in seconds.
    n_train : int
        Number of training tweets.
    """

    pipeline: Pipeline
    test_scores: np.ndarray
    test_labels: np.ndarray
    validation_scores: np.ndarray
    validation_labels: np.ndarray
    threshold: float
    train_seconds: float
    n_train: int

    def score_texts(self, texts) -> np.ndarray:
        """Probability of hate for each text (masked like the training data), shape (n_texts,)."""
        return self.pipeline.predict_proba(list(texts))[:, 1]


def best_f1_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold with the highest F1 (ties: the lowest such threshold).

    Parameters
    ----------
    labels : array of int, shape (n,)
        1 = positive, 0 = negative.
    scores : array of float, shape (n,)
        Higher means more likely positive.

    Returns
    -------
    float
        A threshold t; posts with score >= t are flagged.
    """
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return float(thresholds[int(np.argmax(f1[:-1]))])  # the last point has no threshold


def train(tweets: pd.DataFrame, seed: int = SEED) -> TrainedModel:
    """Split, fit and score: the whole training run, timed.

    Parameters
    ----------
    tweets : pandas.DataFrame
        Masked Davidson table (``tweet`` and ``class`` columns).
    seed : int
        Seed of the stratified 60/20/20 split.

    Returns
    -------
    TrainedModel
    """
    labels = hate_target(tweets)
    texts = tweets["tweet"].to_numpy()
    train_x, rest_x, train_y, rest_y = train_test_split(texts, labels, test_size=0.4, stratify=labels, random_state=seed)
    val_x, test_x, val_y, test_y = train_test_split(rest_x, rest_y, test_size=0.5, stratify=rest_y, random_state=seed)
    pipeline = build_pipeline()
    start = time.perf_counter()
    pipeline.fit(train_x, train_y)
    seconds = time.perf_counter() - start
    val_scores = pipeline.predict_proba(val_x)[:, 1]
    return TrainedModel(
        pipeline=pipeline,
        test_scores=pipeline.predict_proba(test_x)[:, 1],
        test_labels=test_y,
        validation_scores=val_scores,
        validation_labels=val_y,
        threshold=best_f1_threshold(val_y, val_scores),
        train_seconds=seconds,
        n_train=len(train_y),
    )


@functools.lru_cache(maxsize=2)
def trained(seed: int = SEED) -> TrainedModel:
    """The model trained on the masked Davidson corpus, once per kernel (kept in memory, never on disk).

    Parameters
    ----------
    seed : int
        Split seed.

    Returns
    -------
    TrainedModel

    Raises
    ------
    modlab.corpora.CorpusUnavailable
        If the Davidson corpus is not fetched and cannot be downloaded.
    """
    from modlab import corpora

    return train(corpora.load("davidson2017"), seed)


def held_out_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """ROC AUC, average precision (area under the precision-recall curve) and prevalence.

    Parameters
    ----------
    labels : array of int, shape (n,)
    scores : array of float, shape (n,)

    Returns
    -------
    dict
        ``roc_auc`` (:func:`sklearn.metrics.roc_auc_score`), ``pr_auc``
        (:func:`sklearn.metrics.average_precision_score`) and ``prevalence`` (share of positives,
        the PR-AUC of a model that guesses).
    """
    return {
        "roc_auc": float(roc_auc_score(labels, scores)),
        "pr_auc": float(average_precision_score(labels, scores)),
        "prevalence": float(np.mean(labels)),
    }


def curves(labels: np.ndarray, scores: np.ndarray, n_bins: int = 10) -> dict[str, pd.DataFrame]:
    """The ROC, precision-recall and calibration curves, as tables ready to plot.

    Parameters
    ----------
    labels : array of int, shape (n,)
    scores : array of float in [0, 1], shape (n,)
    n_bins : int
        Calibration bins, each holding the same number of posts (quantile strategy: most scores are
        small, so equal-width bins would leave the upper bins almost empty).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``roc``: ``fpr, tpr, threshold`` (:func:`sklearn.metrics.roc_curve`); ``pr``: ``recall,
        precision`` (:func:`sklearn.metrics.precision_recall_curve`); ``calibration``:
        ``mean_predicted, observed_share`` (:func:`sklearn.calibration.calibration_curve`).
    """
    fpr, tpr, roc_thresholds = roc_curve(labels, scores)
    precision, recall, _ = precision_recall_curve(labels, scores)
    observed, predicted = calibration_curve(labels, scores, n_bins=n_bins, strategy="quantile")
    return {
        "roc": pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": roc_thresholds}),
        "pr": pd.DataFrame({"recall": recall, "precision": precision}),
        "calibration": pd.DataFrame({"mean_predicted": predicted, "observed_share": observed}),
    }
