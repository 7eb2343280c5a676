"""Self-checks for lesson 05, "What are we counting?" (hate-speech definitions and keyword filters).

Every expected value is computed from the fetched corpora (Davidson et al. 2017; HateCheck,
Röttger et al. 2021) through :mod:`modlab.keyword_filter`, or from :mod:`modlab.definitions`,
when first needed, never typed in.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

from modlab import definitions as _definitions
from modlab import keyword_filter as kf
from modlab.exercises.base import ChoiceQuestion, NamesQuestion, NumberQuestion

#: Exercise 5 looks only at lexicon entries matching at least this many tweets.
MIN_TWEETS = 20


# --- data, loaded once ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _tweets() -> pd.DataFrame:
    from modlab import corpora

    return corpora.load("davidson2017")


@lru_cache(maxsize=1)
def _lexicon_terms() -> tuple[str, ...]:
    from modlab import corpora

    return tuple(kf.lexicon_terms(corpora.load("davidson2017_lexicon")).index)


@lru_cache(maxsize=4)
def _lexicon_match(whole_words: bool = True) -> pd.Series:
    return kf.flag(_tweets()["tweet"], _lexicon_terms(), kf.FilterRules(whole_words=whole_words))


def _precision(classes: tuple[int, ...], whole_words: bool = True) -> float:
    matched = _lexicon_match(whole_words)
    return float(_tweets().loc[matched, "class"].isin(classes).mean())


def _share_of_class(classes: tuple[int, ...]) -> float:
    return float(_tweets()["class"].isin(classes).mean())


def _recall_hate() -> float:
    hate = _tweets()["class"] == 0
    return float(_lexicon_match()[hate].mean())


@lru_cache(maxsize=1)
def _term_table() -> pd.DataFrame:
    return kf.term_table(_tweets(), _lexicon_terms())


def _least_precise_term(min_tweets: int = MIN_TWEETS) -> str:
    table = _term_table()
    return str(table.loc[table["n_tweets"] >= min_tweets, "precision_hate"].idxmin())


def _most_precise_term() -> str:
    table = _term_table()
    return str(table.loc[table["n_tweets"] >= MIN_TWEETS, "precision_hate"].idxmax())


@lru_cache(maxsize=1)
def _starter_on_hatecheck() -> tuple[pd.DataFrame, pd.Series]:
    from modlab import corpora

    cases = corpora.load("hatecheck_cases")
    flagged = kf.flag(cases["test_case"], kf.starter_terms(corpora.load("davidson2017_lexicon")))
    return cases, flagged


def _accuracy_by_functionality() -> pd.Series:
    cases, flagged = _starter_on_hatecheck()
    return kf.hatecheck_accuracy(cases, flagged)


def _worst_non_hateful(n: int = 3) -> list[str]:
    accuracy = _accuracy_by_functionality()
    return list(accuracy[accuracy.index.str.endswith("_nh")].nsmallest(n).index)


def _best_non_hateful(n: int = 3) -> list[str]:
    accuracy = _accuracy_by_functionality()
    return list(accuracy[accuracy.index.str.endswith("_nh")].sort_index().nlargest(n).index)


def _starter_scores() -> dict:
    cases, flagged = _starter_on_hatecheck()
    return kf.scores(flagged, cases["label_gold"] == "hateful")


def _fewest_covered_letter() -> str:
    counts = _definitions.covered_count()
    return "abcd"[[d.key for d in _definitions.DEFINITIONS].index(counts.idxmin())]


#: Proportions are accepted to three decimal places (as in lesson 01): half a unit in the third decimal.
THREE_DECIMALS = {"rel_tol": 1e-3, "abs_tol": 5e-4}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, **THREE_DECIMALS)


# --- the questions --------------------------------------------------------------------------------

q1 = ChoiceQuestion(
    "Exercise 1: the narrowest definition",
    options={
        "a": "The platform policy (Twitter's hateful conduct rule).",
        "b": "The US legal test for incitement (Brandenburg v. Ohio).",
        "c": "The research label of Davidson et al. (2017).",
        "d": "Dangerous speech (Dangerous Speech Project).",
    },
    answer=_fewest_covered_letter(),
    explanations={
        "a": "the platform rule covers the most examples: attacks, threats and fear-mongering about a protected group all count.",
        "c": "Davidson's label covers every text that expresses hatred towards a group, with or without a call to act.",
        "d": "dangerous speech covers texts that raise the risk of violence, such as E5, even without a call to act now.",
    },
    hints=[
        "A definition that covers few examples draws its line narrowly: which one asks for the most before a text counts?",
        "Count the 'yes' verdicts in each column of definitions.verdict_table().",
        "(definitions.verdict_table() == 'yes').sum() counts them per definition; the US test asks for imminent lawless action.",
    ],
    praise="the US test covers only E3: a call to imminent violence. A count of 'hate speech' depends on which line you draw.",
)

q2 = NumberQuestion(
    "Exercise 2: share of tweets that contain a lexicon entry",
    lambda: float(_lexicon_match().mean()),
    kind="proportion",
    **THREE_DECIMALS,
    places=3,  # an answer rounded to two decimals is told so
    mistakes=[
        (lambda v: _close(v, float(_lexicon_match().sum())), "that is the number of tweets; the question asks for their share of all tweets."),
        (lambda v: _close(v, float(_lexicon_match(False).mean())),
         "that counts matches inside longer words too; use the filter's default, whole words."),
    ],
    hints=[
        "A share is (tweets with a match) / (all tweets); lexicon_match holds one True/False per tweet.",
        "Python counts True as 1 and False as 0, so the sum of lexicon_match counts the matches, and its mean is their share.",
        "match_share = lexicon_match.mean()",
    ],
    praise="about 7% (one in 15) of the 24,783 tweets contain at least one of the lexicon's entries.",
)

q3 = NumberQuestion(
    "Exercise 3: precision of 'contains a lexicon entry' for the hate label",
    lambda: _precision((0,)),
    kind="proportion",
    **THREE_DECIMALS,
    places=3,  # an answer rounded to two decimals is told so
    mistakes=[
        (lambda v: _close(v, _recall_hate()), "that is the share of hate tweets the filter catches (recall); precision is the share of *flagged* tweets that are hate."),
        (lambda v: _close(v, _share_of_class((0,))), "that is the share of hate among *all* tweets (the base rate); look only at the tweets the filter flags."),
        (lambda v: _close(v, _precision((0, 1))), "that counts offensive tweets too; here only class 0 (hate speech) counts."),
    ],
    hints=[
        "Precision looks only at the tweets the filter flags: of those, what share are hate?",
        "Select the flagged tweets with the boolean mask lexicon_match, then take the share whose class is 0.",
        "flagged_tweets = tweets[lexicon_match]; precision_hate = (flagged_tweets['class'] == 0).mean()",
    ],
    praise="fewer than half the flagged tweets were labelled hate speech by the coders.",
)

q4 = NumberQuestion(
    "Exercise 4: precision for hate-or-offensive",
    lambda: _precision((0, 1)),
    kind="proportion",
    **THREE_DECIMALS,
    places=3,  # an answer rounded to two decimals is told so
    mistakes=[
        (lambda v: _close(v, _share_of_class((0, 1))), "that is the share of hate-or-offensive among *all* tweets; look only at the flagged tweets."),
        (lambda v: _close(v, _precision((0,))), "that is the precision for hate alone (Exercise 3); count class 1 (offensive) as well."),
        (lambda v: _close(v, _precision((2,))), "that is the share labelled 'neither' (class 2): the complement of the answer."),
        (lambda v: _close(v, _precision((1,))), "that counts offensive tweets (class 1) only; a hate tweet (class 0) is a right flag too."),
        (lambda v: _close(v, 1 - _precision((0,))),
         "that is 1 minus the precision for hate: the share of flags that are offensive *or neither*; leave out 'neither' (class 2) and keep hate (class 0)."),
    ],
    hints=[
        "Same idea as Exercise 3: among the flagged tweets only, but now a flag is right for two labels.",
        "Classes 0 (hate) and 1 (offensive) both count: test the class with .isin([0, 1]) or <= 1, then take the mean.",
        "precision_hate_or_offensive = (tweets.loc[lexicon_match, 'class'] <= 1).mean()",
    ],
    praise="almost every flagged tweet is at least offensive: the filter finds offensive language well, hate much less well.",
)

q5 = NamesQuestion(
    "Exercise 5: the least precise lexicon entry",
    _least_precise_term,
    mistakes=[
        (lambda: _most_precise_term(), "that is the *most* precise entry; sort the other way."),
        (lambda: _least_precise_term(1), f"that entry matches only a tweet or two; keep only entries matching at least {MIN_TWEETS} tweets."),
    ],
    hints=[
        f"Rare entries give noisy precisions: look only at entries matching at least {MIN_TWEETS} tweets (the table `common`).",
        "Find the row with the lowest precision_hate; .idxmin() returns its index label, the entry itself.",
        "least_precise_term = common['precision_hate'].idxmin()",
    ],
    praise="it is addressed to one person, not to a group: coders mostly did not call it hate speech.",
)

q6 = NamesQuestion(
    "Exercise 6: where the starter filter raises false alarms",
    _worst_non_hateful,
    mistakes=[
        (lambda: list(_accuracy_by_functionality().nsmallest(3).index),
         "those include hateful functionalities (names ending in _h); the question asks about the non-hateful ones (_nh)."),
        (lambda: _best_non_hateful(), "those are where the filter does best; the question asks for the lowest accuracy."),
    ],
    hints=[
        "A case is right when flagged equals is_hateful (the column 'correct'); accuracy is the share of right cases in each functionality.",
        "Group by functionality and average 'correct'; keep the names ending in '_nh' (.index.str.endswith('_nh')); take the three smallest.",
        "acc = cases.groupby('functionality')['correct'].mean(); worst_non_hateful = acc[acc.index.str.endswith('_nh')].nsmallest(3).index",
    ],
    praise="reclaimed slurs, slur homonyms and quoted counter-speech: the filter sees the word, not what it is doing.",
)

q7 = NumberQuestion(
    "Exercise 7: recall of the starter filter on HateCheck",
    lambda: _starter_scores()["recall"],
    kind="proportion",
    **THREE_DECIMALS,
    places=3,  # an answer rounded to two decimals is told so
    mistakes=[
        (lambda v: _close(v, _starter_scores()["precision"]), "that is precision (the share of flagged cases that are hateful); recall is the share of hateful cases flagged."),
        (lambda v: _close(v, _starter_scores()["accuracy"]), "that is accuracy over all cases; recall looks only at the hateful cases."),
        (lambda v: _close(v, _starter_scores()["flagged_share"]), "that is the share of all cases flagged; recall looks only at the hateful ones."),
    ],
    hints=[
        "Recall looks only at the cases that are hateful: of those, what share does the filter flag?",
        "Select the hateful cases with the mask cases['is_hateful'] and average their 'flagged' column (or use sklearn's recall_score).",
        "starter_recall = cases.loc[cases['is_hateful'], 'flagged'].mean()",
    ],
    praise="the filter catches only about one hateful case in seven: most hate in HateCheck uses no listed word.",
)

#: The auto-checked questions in lesson order.
QUESTIONS = [q1, q2, q3, q4, q5, q6, q7]
