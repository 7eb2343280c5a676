"""Agreement between annotators: Fleiss' kappa, Cohen's kappa and Krippendorff's alpha (lesson 06).

Thin wrappers over maintained libraries (statsmodels, scikit-learn, krippendorff) that put the
two real annotation tables of lesson 06 into the shapes those libraries expect and refuse, with a
message a learner can act on, the inputs on which a statistic would be silently wrong:

- Davidson et al. (2017): per tweet, how many crowd coders chose each class (a *count table*,
  items x categories) -> :func:`fleiss_kappa`, :func:`modal_share`, :func:`is_unanimous`.
- HateCheck (Röttger et al. 2021): per case, the label of each of 10 annotators, 5 of them
  empty (a *reliability matrix* with missing values) -> :func:`krippendorff_alpha`,
  :func:`pairwise_cohen_kappa`, :func:`kappa_matrix`.

Sources of the methods:

- Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
  Psychological Measurement* 20(1): 37-46.
- Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. *Psychological
  Bulletin* 76(5): 378-382.
- Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology*, 2nd ed., ch. 11;
  Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
  Communication, University of Pennsylvania.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

#: The three classes of Davidson et al. (2017), as the columns of their coder counts.
DAVIDSON_CLASSES = ("hate_speech", "offensive_language", "neither")
#: Davidson's ``class`` codes: 0 hate speech, 1 offensive language, 2 neither.
DAVIDSON_CLASS_CODES = {0: "hate_speech", 1: "offensive_language", 2: "neither"}
#: The annotator columns of HateCheck's annotation table.
HATECHECK_ANNOTATORS = tuple(f"label_{i}" for i in range(1, 11))


def coder_counts(tweets: pd.DataFrame) -> pd.DataFrame:
    """Return Davidson's count table: per tweet, the number of coders who chose each class.

    Parameters
    ----------
    tweets : pandas.DataFrame
        ``corpora.load("davidson2017")`` (or any frame with the columns ``hate_speech,
        offensive_language, neither``), one row per tweet.

    Returns
    -------
    pandas.DataFrame
        Shape (tweets, 3), integer counts, columns :data:`DAVIDSON_CLASSES`; each row sums to the
        tweet's number of coders (``count``, 3 to 9 in the published data).

    Raises
    ------
    KeyError
        If a class column is missing.
    """
    missing = [c for c in DAVIDSON_CLASSES if c not in tweets.columns]
    if missing:
        raise KeyError(f"the table has no column(s) {missing}; expected Davidson's coder counts {list(DAVIDSON_CLASSES)}")
    return tweets[list(DAVIDSON_CLASSES)].astype(int)


def read_davidson_counts() -> pd.DataFrame:
    """Read Davidson's coder counts and class from the fetched corpus, without the tweet text.

    For checks and tests that need only the numbers: nothing of the text is read, so nothing
    needs masking and it is fast. Lessons show the masked table from ``corpora.load``.

    Returns
    -------
    pandas.DataFrame
        24,783 rows; columns ``count, hate_speech, offensive_language, neither, class``.

    Raises
    ------
    modlab.corpora.CorpusUnavailable, modlab.corpora.ChecksumMismatch
        As :func:`modlab.corpora.path`.
    """
    from modlab import corpora

    frame = pd.read_csv(corpora.path("davidson2017/labeled_data.csv"), index_col=0, usecols=[0, 1, 2, 3, 4, 5])
    frame.attrs.update(source=corpora.registry()["sources"]["davidson2017"]["citation"], kind="real")
    return frame


def read_hatecheck_labels() -> pd.DataFrame:
    """Read HateCheck's annotation table from the fetched corpus, without the case text.

    Returns
    -------
    pandas.DataFrame
        3,728 rows (one per validated case); columns ``functionality, case_id, templ_id,
        label_gold, label_1 .. label_10, count_label_h, count_label_nh, label_annot_maj``.

    Raises
    ------
    modlab.corpora.CorpusUnavailable, modlab.corpora.ChecksumMismatch
        As :func:`modlab.corpora.path`.
    """
    from modlab import corpora

    source: Path = corpora.path("hatecheck/test_suite_annotations.csv")
    header = pd.read_csv(source, nrows=0).columns
    frame = pd.read_csv(source, index_col=0, usecols=[c for c in header if c != "test_case"])
    frame.attrs.update(source=corpora.registry()["sources"]["hatecheck"]["citation"], kind="real")
    return frame


def modal_share(counts: pd.DataFrame) -> pd.Series:
    """Share of an item's coders who chose its most common class.

    Parameters
    ----------
    counts : pandas.DataFrame
        Count table, items x categories (e.g. from :func:`coder_counts`).

    Returns
    -------
    pandas.Series
        One proportion per item, between 1/categories and 1 (1 = unanimous).
    """
    return counts.max(axis=1) / counts.sum(axis=1)


def is_unanimous(counts: pd.DataFrame, category: str | None = None) -> pd.Series:
    """True for the items on which every coder chose the same class (or ``category``).

    Parameters
    ----------
    counts : pandas.DataFrame
        Count table, items x categories.
    category : str, optional
        If given, only items on which all coders chose this column count as True.

    Returns
    -------
    pandas.Series of bool
        One value per item.
    """
    total = counts.sum(axis=1)
    if category is None:
        return counts.max(axis=1) == total
    return counts[category] == total


def fleiss_kappa(counts: pd.DataFrame | np.ndarray) -> float:
    """Fleiss' kappa of a count table in which every item has the same number of coders.

    A wrapper over :func:`statsmodels.stats.inter_rater.fleiss_kappa` (``method="fleiss"``) that
    refuses tables with unequal numbers of coders per item: Fleiss' formula assumes the same
    number on every item, and statsmodels would return a number anyway.

    Parameters
    ----------
    counts : pandas.DataFrame or numpy.ndarray
        Shape (items, categories): how many coders put each item in each category.

    Returns
    -------
    float
        kappa = (P_bar - P_e) / (1 - P_e): observed agreement among pairs of coders beyond the
        agreement expected from the overall category shares; 1 is perfect, 0 is chance level.

    Raises
    ------
    ValueError
        If rows have different sums (numbers of coders), or fewer than 2 coders per item.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
    Bulletin 76(5): 378-382.
    """
    from statsmodels.stats.inter_rater import fleiss_kappa as _fleiss

    table = np.asarray(counts, dtype=float)
    coders = np.unique(table.sum(axis=1))
    if len(coders) != 1:
        raise ValueError(
            f"Fleiss' kappa needs the same number of coders on every item; this table has {len(coders)} different "
            f"numbers ({', '.join(f'{c:g}' for c in coders[:6])}). Keep the items with one number of coders, "
            "e.g. counts[tweets['count'] == 3], or use Krippendorff's alpha, which allows missing labels."
        )
    if coders[0] < 2:
        raise ValueError("agreement needs at least 2 coders per item")
    return float(_fleiss(table, method="fleiss"))


def reliability_matrix(labels: pd.DataFrame, categories: list | None = None) -> tuple[np.ndarray, list]:
    """Turn a units x annotators label table into krippendorff's annotators x units code matrix.

    Parameters
    ----------
    labels : pandas.DataFrame
        One row per unit (case), one column per annotator; a label, or NaN where that annotator
        did not label that unit.
    categories : list, optional
        The label values in code order (default: the sorted distinct labels).

    Returns
    -------
    matrix : numpy.ndarray
        Shape (annotators, units), float; category codes 0, 1, ... and NaN for missing.
    categories : list
        The label of each code.

    Raises
    ------
    ValueError
        If a label is not in ``categories``.
    """
    values = labels.to_numpy(dtype=object)
    present = pd.notna(values)
    if categories is None:
        categories = sorted({v for v in values[present]})
    codes = {label: float(code) for code, label in enumerate(categories)}
    unknown = {v for v in values[present]} - set(codes)
    if unknown:
        raise ValueError(f"label(s) {sorted(map(str, unknown))} are not among the categories {categories}")
    matrix = np.full(values.shape, np.nan)
    matrix[present] = [codes[v] for v in values[present]]
    return matrix.T, list(categories)


def krippendorff_alpha(labels: pd.DataFrame, level: str = "nominal") -> float:
    """Krippendorff's alpha for a units x annotators label table with missing labels.

    A wrapper over :func:`krippendorff.alpha`: it builds the annotators x units matrix (NaN for
    missing, see :func:`reliability_matrix`) the package expects.

    Parameters
    ----------
    labels : pandas.DataFrame
        One row per unit, one column per annotator; NaN where an annotator gave no label.
        Units with fewer than two labels carry no information about agreement and are ignored.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement; labels such as hateful / non-hateful are nominal.

    Returns
    -------
    float
        alpha = 1 - D_o / D_e (observed over expected disagreement); 1 is perfect, 0 chance level.
        Krippendorff (2004) suggests relying on data with alpha >= 0.8 and drawing only tentative
        conclusions from 0.667 to 0.8.

    Raises
    ------
    ValueError
        If there is no unit with two or more labels, or a single category only.

    References
    ----------
    Krippendorff, K. (2004). Content Analysis, 2nd ed., ch. 11; Krippendorff, K. (2011). Computing
    Krippendorff's alpha-reliability.
    """
    import krippendorff

    matrix, categories = reliability_matrix(labels)
    if not (np.sum(~np.isnan(matrix), axis=0) >= 2).any():
        raise ValueError("no unit has two or more labels: agreement cannot be measured")
    if len(categories) < 2:
        raise ValueError("all labels are the same category: alpha is undefined (there is no variation to agree on)")
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))


def pairwise_cohen_kappa(labels: pd.DataFrame) -> pd.DataFrame:
    """Cohen's kappa for every pair of annotators, on the units both labelled.

    Uses :func:`sklearn.metrics.cohen_kappa_score`.

    Parameters
    ----------
    labels : pandas.DataFrame
        One row per unit, one column per annotator; NaN where an annotator gave no label.

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``annotator_a, annotator_b, n_shared`` (units both labelled),
        ``percent_agreement`` (proportion of shared units with the same label) and ``kappa``
        (NaN when the pair shares no unit, or both gave one label only on the shared units).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological
    Measurement 20(1): 37-46.
    """
    from sklearn.metrics import cohen_kappa_score

    rows = []
    for a, b in itertools.combinations(labels.columns, 2):
        both = labels[a].notna() & labels[b].notna()
        x, y = labels.loc[both, a], labels.loc[both, b]
        n = int(both.sum())
        kappa = np.nan
        if n and len(set(x) | set(y)) > 1:
            kappa = float(cohen_kappa_score(x, y))
        rows.append({"annotator_a": a, "annotator_b": b, "n_shared": n,
                     "percent_agreement": float((x == y).mean()) if n else np.nan, "kappa": kappa})
    return pd.DataFrame(rows)


def kappa_matrix(pairs: pd.DataFrame, value: str = "kappa") -> pd.DataFrame:
    """Square, symmetric annotator x annotator table of a pairwise statistic, for a heatmap.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Output of :func:`pairwise_cohen_kappa`.
    value : str
        Column to spread: ``"kappa"``, ``"n_shared"`` or ``"percent_agreement"``.

    Returns
    -------
    pandas.DataFrame
        Annotators in their original order on both axes; NaN on the diagonal and for pairs with
        no value.
    """
    names = list(dict.fromkeys([*pairs["annotator_a"], *pairs["annotator_b"]]))
    square = pd.DataFrame(np.nan, index=names, columns=names)
    for row in pairs.itertuples(index=False):
        square.loc[row.annotator_a, row.annotator_b] = getattr(row, value)
        square.loc[row.annotator_b, row.annotator_a] = getattr(row, value)
    return square
