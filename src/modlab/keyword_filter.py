"""Keyword filters as measurement instruments: a transparent term-list filter and its scores.

Lesson 05 treats "contains a term from the list" as an instrument whose errors can be measured:
on Davidson et al. (2017)'s labelled tweets (how precise is each term for the *hate* label?) and on
HateCheck (Röttger et al. 2021), whose 29 functional tests say *where* a filter fails.

A filter here is a list of terms turned into regular expressions (whole words by default, case
ignored by default) plus three optional rules, each a simple, visible heuristic written for the
kit (not taken from a paper; they illustrate how hand-written rules trade one error for another):

* **negation**: ignore a match when a negation word (``not``, ``no``, ``never``, words ending in
  ``n't``...) is among the few words just before it;
* **quotation**: ignore a match inside quotation marks (quoted or reported speech);
* **counter-speech**: do not flag a text that contains a counter-speech cue (``saying``,
  ``bigot``, ``hurtful``, ``stop`` ...), i.e. a text that seems to talk *about* hate rather than
  express it.

Texts are the masked corpora (:mod:`modlab.masking`): a slur is a token such as ``[slur-07]``, and a
term may be such a token. :data:`ANY_SLUR_TOKEN` is a pseudo-term matching every token.

Scores (precision, recall, accuracy) are scikit-learn's (``sklearn.metrics``).

Sources
-------
Davidson, T., Warmsley, D., Macy, M., & Weber, I. (2017). Automated hate speech detection and the
problem of offensive language. *ICWSM 2017*, 512-515 (``labeled_data.csv``, ``refined_ngram_dict.csv``).
Röttger, P., Vidgen, B., Nguyen, D., Waseem, Z., Margetts, H., & Pierrehumbert, J. (2021).
HateCheck: Functional tests for hate speech detection models. *ACL 2021*, 41-58.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, precision_score, recall_score

#: Pseudo-term that matches every masked slur token (``[slur-01]`` ... ``[slur-49]``, any number).
ANY_SLUR_TOKEN = "[slur-NN]"
_TOKEN_RE = r"\[slur-\d+\]"

#: Negation words for the negation rule (the kit's own short list; any word ending in n't counts too).
NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "neither", "nor", "none", "without", "dont", "cant", "wont"})
#: How many words before a match the negation rule looks at.
NEGATION_WINDOW = 3
#: Counter-speech cues for the counter-speech rule (the kit's own list: reporting verbs and words
#: that condemn). A text with any of them is not flagged.
COUNTER_CUES = (
    "say", "says", "saying", "said", "call", "calls", "calling", "called", "stop", "bigot", "bigots",
    "bigoted", "bigotry", "hurtful", "unacceptable", "misguided", "condemn", "disgraceful", "ignorant",
    "shameful", "racist", "sexist", "homophobic", "transphobic", "ableist", "islamophobic",
)
_QUOTES = {'"': '"', "\u201c": "\u201d"}
_WORD = re.compile(r"[\w']+")
_QUOTE_OR_NEGATION = re.compile(
    r"[\"\u201c]|&#8220;|&quot;|n't|(?<![\w'])(?:" + "|".join(sorted(NEGATIONS)) + r")(?![\w'])", re.IGNORECASE
)
_COUNTER_RE = re.compile(r"(?<![\w'])(?:" + "|".join(COUNTER_CUES) + r")(?![\w'])", re.IGNORECASE)

#: Column names of :func:`variant_matrices`: which rules a match survived.
VARIANTS = ("plain", "negation", "quotation", "negation+quotation")


@dataclass(frozen=True)
class FilterRules:
    """The optional rules of a keyword filter (all off by default: a plain filter).

    Attributes
    ----------
    negation : bool
        Ignore a match preceded, within :data:`NEGATION_WINDOW` words, by a negation word.
    quotation : bool
        Ignore a match inside quotation marks (straight ``"..."`` or curly).
    counter_speech : bool
        Never flag a text containing one of :data:`COUNTER_CUES`.
    whole_words : bool
        Match terms as whole words (not inside longer words). Off: plain substrings.
    case_sensitive : bool
        Match case exactly. Off (default): ``Hate`` and ``hate`` both match ``hate``.
    """

    negation: bool = False
    quotation: bool = False
    counter_speech: bool = False
    whole_words: bool = True
    case_sensitive: bool = False

    @property
    def variant(self) -> str:
        """Which column of :func:`variant_matrices` these rules read."""
        if self.negation and self.quotation:
            return "negation+quotation"
        return "negation" if self.negation else "quotation" if self.quotation else "plain"


def term_regex(term: str, *, whole_words: bool = True, case_sensitive: bool = False) -> re.Pattern:
    """Compile the regular expression a filter uses for one term.

    Parameters
    ----------
    term : str
        A word, a phrase (words separated by single spaces; any run of spaces matches), a masked
        token such as ``"[slur-07]"``, or :data:`ANY_SLUR_TOKEN`.
    whole_words : bool
        If True, the match may not be preceded or followed by a letter or digit (``hate`` does not
        match inside ``hateful`` or ``whatever``). ``\\b`` is not used because a token starts with ``[``.
    case_sensitive : bool
        If False, case is ignored.

    Returns
    -------
    re.Pattern

    Raises
    ------
    ValueError
        If ``term`` is empty or blank.
    """
    if not term or not term.strip():
        raise ValueError("a filter term cannot be empty")
    body = _TOKEN_RE if term == ANY_SLUR_TOKEN else r"\s+".join(re.escape(w) for w in term.split())
    if whole_words:
        body = rf"(?<![^\W_]){body}(?![^\W_])"
    return re.compile(body, 0 if case_sensitive else re.IGNORECASE)


def _negated(text: str, start: int) -> bool:
    before = _WORD.findall(text[:start].lower())[-NEGATION_WINDOW:]
    return any(w in NEGATIONS or w.endswith("n't") for w in before)


def _quoted(text: str, start: int) -> bool:
    before = html.unescape(text[:start])  # Davidson's tweets spell quotes as HTML entities (&#8220;)
    if before.count('"') % 2 == 1:
        return True
    return before.rfind("\u201c") > before.rfind("\u201d")


def _occurrence_flags(text: str, pattern: re.Pattern) -> tuple[bool, bool, bool, bool]:
    """For one text: does some match survive no rule / negation / quotation / both?"""
    found = [False, False, False, False]
    for m in pattern.finditer(text):
        neg, quo = _negated(text, m.start()), _quoted(text, m.start())
        found[0] = True
        found[1] |= not neg
        found[2] |= not quo
        found[3] |= not (neg or quo)
    return tuple(found)


def variant_matrices(
    texts: pd.Series, terms: Sequence[str], *, whole_words: bool = True, case_sensitive: bool = False
) -> dict[str, pd.DataFrame]:
    """Which texts each term matches, with and without the negation and quotation rules.

    Fast enough for every tweet of Davidson et al. (2017) (about 1 s for 24,783 tweets and 178
    terms): a cheap substring test picks the candidate texts, the regular expression checks them.

    Parameters
    ----------
    texts : pandas.Series of str, length n
        The (masked) texts.
    terms : sequence of str, length k
        Filter terms (see :func:`term_regex`); duplicates are kept once.
    whole_words, case_sensitive : bool
        See :class:`FilterRules`.

    Returns
    -------
    dict of str to pandas.DataFrame
        For each name in :data:`VARIANTS`, an n x k boolean frame (index: ``texts.index``,
        columns: the terms): True where the text has a match of the term that the rule(s) keep.
    """
    terms = list(dict.fromkeys(terms))
    values = texts.fillna("").astype(str)
    # The lesson scores the same texts and terms several times (the text, the checks, the explorer):
    # keep the last few results, keyed by the texts' content, so each costs its ~2 s only once.
    key = (hashlib.sha1(pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes()).hexdigest(),
           tuple(terms), whole_words, case_sensitive)
    if key not in _CACHE:
        _CACHE[key] = _match_arrays(values, terms, whole_words, case_sensitive)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return {name: pd.DataFrame(matrix, index=texts.index, columns=terms, copy=True) for name, matrix in _CACHE[key].items()}


_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 6


def _match_arrays(values: pd.Series, terms: list[str], whole_words: bool, case_sensitive: bool) -> dict[str, np.ndarray]:
    folded = values if case_sensitive else values.str.lower()
    # Only texts with a negation word or a quotation mark can differ between the variants.
    may_differ = values.str.contains(_QUOTE_OR_NEGATION).to_numpy()
    out = {name: np.zeros((len(values), len(terms)), dtype=bool) for name in VARIANTS}
    for j, term in enumerate(terms):
        pattern = term_regex(term, whole_words=whole_words, case_sensitive=case_sensitive)
        # Every match contains the term's longest word: a cheap substring test finds the candidates.
        probe = "[slur-" if term == ANY_SLUR_TOKEN else max(term.split(), key=len)
        candidates = np.flatnonzero(folded.str.contains(probe if case_sensitive else probe.lower(), regex=False).to_numpy())
        hits = candidates[values.iloc[candidates].str.contains(pattern).to_numpy(dtype=bool)]
        for name in VARIANTS:
            out[name][hits, j] = True
        for i in hits[may_differ[hits]]:
            for name, flag_ in zip(VARIANTS, _occurrence_flags(values.iat[i], pattern)):
                out[name][i, j] = flag_
    return out


def counter_speech_cues(texts: pd.Series) -> pd.Series:
    """True for each text containing one of :data:`COUNTER_CUES` (whole words, any case).

    Parameters
    ----------
    texts : pandas.Series of str, length n

    Returns
    -------
    pandas.Series of bool, length n
    """
    return texts.fillna("").astype(str).str.contains(_COUNTER_RE)


def flag(texts: pd.Series, terms: Iterable[str], rules: FilterRules = FilterRules()) -> pd.Series:
    """Apply a keyword filter: True for each text it flags.

    Parameters
    ----------
    texts : pandas.Series of str, length n
        The (masked) texts, e.g. ``corpora.load("hatecheck_cases")["test_case"]``.
    terms : iterable of str
        Filter terms (see :func:`term_regex`). An empty list flags nothing.
    rules : FilterRules
        Optional rules and matching options.

    Returns
    -------
    pandas.Series of bool, length n
        Named ``"flagged"``, same index as ``texts``.

    Examples
    --------
    >>> flag(pd.Series(["I hate it", "I don't hate it", "whatever"]), ["hate"], FilterRules(negation=True)).tolist()
    [True, False, False]
    """
    terms = list(terms)
    if not terms:
        return pd.Series(False, index=texts.index, name="flagged")
    matrices = variant_matrices(texts, terms, whole_words=rules.whole_words, case_sensitive=rules.case_sensitive)
    flagged = matrices[rules.variant].any(axis=1)
    if rules.counter_speech:
        flagged &= ~counter_speech_cues(texts)
    return flagged.rename("flagged")


def scores(flagged: Sequence[bool], positive: Sequence[bool]) -> dict[str, float]:
    """Precision, recall and accuracy of a filter against gold labels (scikit-learn's metrics).

    Parameters
    ----------
    flagged : sequence of bool, length n
        The filter's decisions.
    positive : sequence of bool, length n
        True where the gold label is the class the filter looks for (e.g. hateful).

    Returns
    -------
    dict
        ``precision`` (share of flagged texts that are positive; NaN when nothing is flagged),
        ``recall`` (share of positive texts flagged), ``accuracy`` (share of texts decided right)
        and ``flagged_share``, all proportions; ``n_flagged`` (count).
    """
    flagged = np.asarray(flagged, dtype=bool)
    positive = np.asarray(positive, dtype=bool)
    return {
        "precision": float(precision_score(positive, flagged, zero_division=np.nan)),
        "recall": float(recall_score(positive, flagged, zero_division=np.nan)),
        "accuracy": float(accuracy_score(positive, flagged)),
        "flagged_share": float(flagged.mean()) if flagged.size else float("nan"),
        "n_flagged": int(flagged.sum()),
    }


# --- Davidson et al. (2017): the lexicon and the labelled tweets -------------------------------

#: Davidson et al.'s classes (``class`` column of ``labeled_data.csv``): majority label of the coders.
DAVIDSON_CLASSES = {0: "hate speech", 1: "offensive language", 2: "neither"}


def lexicon_terms(lexicon: pd.DataFrame) -> pd.Series:
    """The masked lexicon as a term -> ``prophate`` Series, one row per distinct masked entry.

    Masking merges some entries (two spellings of one slur become one token); the merged entry keeps
    the highest ``prophate`` of its members.

    Parameters
    ----------
    lexicon : pandas.DataFrame
        ``corpora.load("davidson2017_lexicon")``: columns ``ngram`` (masked) and ``prophate`` (the
        proportion of tweets containing the n-gram that coders labelled hate, per Davidson et al.).

    Returns
    -------
    pandas.Series of float
        Index: distinct masked entries; values: prophate (0-1); sorted by prophate, highest first.
    """
    terms = lexicon.groupby("ngram")["prophate"].max()
    return terms.sort_values(ascending=False, kind="stable").rename("prophate")


def term_table(tweets: pd.DataFrame, terms: Sequence[str], rules: FilterRules = FilterRules()) -> pd.DataFrame:
    """How often each term matches Davidson's tweets, and how precise it is for each label.

    Parameters
    ----------
    tweets : pandas.DataFrame
        ``corpora.load("davidson2017")`` (columns ``tweet`` and ``class``).
    terms : sequence of str, length k
    rules : FilterRules
        Matching options (the negation/quotation rules apply too).

    Returns
    -------
    pandas.DataFrame
        One row per term (index ``term``): ``n_tweets`` (count of tweets matched),
        ``precision_hate`` (share of them labelled hate speech, class 0) and
        ``precision_hate_or_offensive`` (class 0 or 1). NaN precision for a term matching nothing.
        Sorted by ``precision_hate``, lowest first.
    """
    matrix = variant_matrices(tweets["tweet"], terms, whole_words=rules.whole_words, case_sensitive=rules.case_sensitive)[rules.variant]
    hate = (tweets["class"] == 0).to_numpy()
    hate_or_offensive = (tweets["class"] <= 1).to_numpy()
    counts = matrix.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame({
            "n_tweets": counts.astype(int),
            "precision_hate": matrix[hate].sum(axis=0) / counts,
            "precision_hate_or_offensive": matrix[hate_or_offensive].sum(axis=0) / counts,
        })
    table.index.name = "term"
    return table.sort_values("precision_hate", kind="stable")


# --- HateCheck (Röttger et al. 2021): functional tests --------------------------------------------

def hatecheck_accuracy(cases: pd.DataFrame, flagged: Sequence[bool], by: str = "functionality") -> pd.Series:
    """Accuracy of a filter on HateCheck, per functionality or per target group.

    A case is decided right when the filter flags a ``hateful`` case or leaves a ``non-hateful`` one.

    Parameters
    ----------
    cases : pandas.DataFrame
        ``corpora.load("hatecheck_cases")`` (columns ``label_gold`` and ``by``), n rows.
    flagged : sequence of bool, length n
    by : str
        ``"functionality"`` (29 groups) or ``"target_ident"`` (7 groups; cases without a target are
        grouped as ``"(no target group)"``).

    Returns
    -------
    pandas.Series of float
        Accuracy (proportion) per group, sorted lowest first (ties by name).
    """
    correct = np.asarray(flagged, dtype=bool) == (cases["label_gold"] == "hateful").to_numpy()
    groups = cases[by].fillna("(no target group)") if by == "target_ident" else cases[by]
    accuracy = pd.Series(correct, index=cases.index).groupby(groups).mean().rename("accuracy")
    return accuracy.sort_index().sort_values(kind="stable")


#: The filter the lesson starts from (and the explorer's default): the lexicon entries with
#: prophate >= 0.5, every slur token, and four hostile words the kit adds.
STARTER_MIN_PROPHATE = 0.5
STARTER_WORDS = (ANY_SLUR_TOKEN, "hate", "kill", "disgusting", "scum")
#: Words a learner can add in the explorer (the kit's list; hostile words common in HateCheck's templates).
WORD_BANK = (ANY_SLUR_TOKEN, "hate", "kill", "killed", "disgusting", "scum", "vermin", "trash", "die", "despise", "pathetic", "worthless")


def starter_terms(lexicon: pd.DataFrame) -> list[str]:
    """Terms of the lesson's starter filter (see :data:`STARTER_MIN_PROPHATE`, :data:`STARTER_WORDS`).

    Parameters
    ----------
    lexicon : pandas.DataFrame
        ``corpora.load("davidson2017_lexicon")``.

    Returns
    -------
    list of str
        The lexicon entries at or above the threshold (highest prophate first), then the words.
    """
    terms = lexicon_terms(lexicon)
    return [*terms[terms >= STARTER_MIN_PROPHATE].index, *STARTER_WORDS]


# --- Masking is a normalisation: the same lexicon on raw and masked text -------------------------

@lru_cache(maxsize=1)
def masking_gain() -> pd.DataFrame:
    """Numbers only: Davidson's lexicon as a filter on the published (raw) text vs the masked text.

    Masking maps case, plurals and spelling variants of a slur (leetspeak, spaced-out letters,
    small misspellings) to one token, so a filter matched on masked text already has a spelling
    normaliser built in; a raw keyword filter has not. This runs the same instrument, the 178
    published lexicon entries (whole words, case ignored), once on the published text with the
    published entries and once on the masked text with the masked entries. The clear text is
    read and compared in memory only; nothing but counts and shares is returned.

    Returns
    -------
    pandas.DataFrame
        Rows: ``davidson tweets`` (all 24,783) and HateCheck's ``slur_h`` and five ``spell_*_h``
        functionalities. Columns: ``n`` (texts), ``flagged_raw`` and ``flagged_masked`` (share of
        texts the filter flags, proportions).

    Raises
    ------
    modlab.corpora.CorpusUnavailable
        If the corpora are not fetched.
    """
    from modlab import corpora

    rows = {}
    for masked in (False, True):
        lexicon = corpora.load("davidson2017_lexicon", unmask=not masked)["ngram"]
        terms = list(dict.fromkeys(lexicon))
        tweets = corpora.load("davidson2017", unmask=not masked)["tweet"]
        cases = corpora.load("hatecheck_cases", unmask=not masked)
        column = "flagged_masked" if masked else "flagged_raw"
        rows.setdefault("davidson tweets", {})["n"] = len(tweets)
        rows["davidson tweets"][column] = float(flag(tweets, terms).mean())
        chosen = cases[cases["functionality"].isin(MASKING_GAIN_FUNCTIONALITIES)]
        hits = flag(chosen["test_case"], terms)
        for name, share in hits.groupby(chosen["functionality"]).mean().items():
            rows.setdefault(name, {})[column] = float(share)
            rows[name]["n"] = int((chosen["functionality"] == name).sum())
    return pd.DataFrame.from_dict(rows, orient="index")[["n", "flagged_raw", "flagged_masked"]]


#: HateCheck functionalities in :func:`masking_gain`: slurs plain, and in five spellings.
MASKING_GAIN_FUNCTIONALITIES = ("slur_h", "spell_char_swap_h", "spell_char_del_h", "spell_space_del_h", "spell_space_add_h", "spell_leet_h")
