"""The grader's side of lesson 05: answers computed a second, independent way for the hidden tests.

The self-checks in :mod:`modlab.exercises.lesson05` use :mod:`modlab.keyword_filter` (one regular
expression per term). The hidden tests must not trust that code, so this module recomputes each answer
differently: one alternation of every term in a single pandas ``str.contains`` pass, and scikit-learn's
metrics. Results are cached, because a grader runs each hidden test once per submission.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from sklearn.metrics import precision_score, recall_score

_TOKEN = r"\[slur-\d+\]"


def _alternation(terms) -> str:
    parts = [_TOKEN if t == "[slur-NN]" else r"\s+".join(map(re.escape, t.split())) for t in sorted(set(terms), key=len, reverse=True)]
    return r"(?i)(?<![^\W_])(?:" + "|".join(parts) + r")(?![^\W_])"


@lru_cache(maxsize=1)
def _davidson() -> tuple[pd.DataFrame, tuple[str, ...], pd.Series]:
    from modlab import corpora

    tweets = corpora.load("davidson2017")
    terms = tuple(sorted(set(corpora.load("davidson2017_lexicon")["ngram"])))
    return tweets, terms, tweets["tweet"].str.contains(_alternation(terms))


def match_share() -> float:
    """Share of Davidson et al.'s tweets containing a (masked) lexicon entry."""
    return float(_davidson()[2].mean())


def precision(classes: tuple[int, ...]) -> float:
    """Precision of "contains an entry" for the given classes (0 hate, 1 offensive, 2 neither)."""
    tweets, _, matched = _davidson()
    return float(precision_score(tweets["class"].isin(classes), matched))


@lru_cache(maxsize=4)
def least_precise_term(min_tweets: int = 20) -> str:
    """The entry matching at least ``min_tweets`` tweets with the lowest share labelled hate."""
    tweets, terms, matched = _davidson()
    candidates = tweets[matched]  # every tweet matching any term is here
    precisions = {}
    for term in terms:
        hits = candidates["tweet"].str.contains(_alternation([term]))
        if hits.sum() >= min_tweets:
            precisions[term] = (candidates.loc[hits, "class"] == 0).mean()
    return min(precisions, key=precisions.get)


@lru_cache(maxsize=1)
def _hatecheck_starter() -> pd.DataFrame:
    from modlab import corpora
    from modlab.keyword_filter import starter_terms

    cases = corpora.load("hatecheck_cases")
    cases["flagged"] = cases["test_case"].str.contains(_alternation(starter_terms(corpora.load("davidson2017_lexicon"))))
    return cases


def worst_non_hateful(n: int = 3) -> set[str]:
    """The ``n`` non-hateful functionalities the starter filter flags most often."""
    cases = _hatecheck_starter()
    false_alarms = cases[cases["label_gold"] == "non-hateful"].groupby("functionality")["flagged"].mean()
    return set(false_alarms.sort_values(ascending=False, kind="stable").index[:n])


def starter_recall() -> float:
    """Recall of the starter filter on HateCheck's hateful cases."""
    cases = _hatecheck_starter()
    return float(recall_score(cases["label_gold"] == "hateful", cases["flagged"]))
