"""Keyword filters: the matching rules on invented stand-in words, and the lesson's figures on the real corpora."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from modlab import keyword_filter as kf

TEXTS = pd.Series([
    "I blorp the zemlans.",          # 0 plain match
    "I don't blorp the zemlans.",    # 1 negated
    'He said "I blorp them" today.',  # 2 quoted (straight quotes)
    "He said \u201cblorp\u201d once.",  # 3 quoted (curly quotes)
    "Stop saying you blorp them, bigot.",  # 4 counter-speech cue
    "Blorpish weather, BLORP!",       # 5 substring + upper case
    "a [slur-07] here",               # 6 token
    "the &#8220;blorp&#8221; tweet",  # 7 quoted with HTML entities, as in Davidson's tweets
])


def test_whole_words_case_and_substrings():
    assert kf.flag(TEXTS, ["blorp"]).tolist() == [True] * 6 + [False, True]
    assert kf.flag(pd.Series(["Blorpish"]), ["blorp"]).tolist() == [False]
    assert kf.flag(pd.Series(["Blorpish"]), ["blorp"], kf.FilterRules(whole_words=False)).tolist() == [True]
    assert kf.flag(pd.Series(["BLORP", "blorp"]), ["blorp"], kf.FilterRules(case_sensitive=True)).tolist() == [False, True]


def test_phrases_and_tokens():
    texts = pd.Series(["blorp  the zemlans", "blorp zemlans", "x [slur-07]s", "[slur-12] and [slur-07]"])
    assert kf.flag(texts, ["blorp the"]).tolist() == [True, False, False, False]
    assert kf.flag(texts, ["[slur-07]"]).tolist() == [False, False, False, True]  # "[slur-07]s" is glued to a letter
    assert kf.flag(texts, [kf.ANY_SLUR_TOKEN]).tolist() == [False, False, False, True]
    assert kf.flag(texts, []).sum() == 0
    with pytest.raises(ValueError, match="empty"):
        kf.term_regex("  ")


def test_rules_each_remove_the_cases_they_are_for():
    plain = kf.flag(TEXTS, ["blorp"])
    negation = kf.flag(TEXTS, ["blorp"], kf.FilterRules(negation=True))
    quotation = kf.flag(TEXTS, ["blorp"], kf.FilterRules(quotation=True))
    counter = kf.flag(TEXTS, ["blorp"], kf.FilterRules(counter_speech=True))
    assert (plain & ~negation).tolist() == [False, True, False, False, False, False, False, False]
    assert (plain & ~quotation).tolist() == [False, False, True, True, False, False, False, True]
    assert (plain & ~counter).tolist() == [False, False, True, True, True, False, False, False]  # "said", "saying", "bigot"


def test_negation_window_is_three_words():
    texts = pd.Series(["not one two blorp", "not one two three blorp", "no blorp, then I really blorp"])
    assert kf.flag(texts, ["blorp"], kf.FilterRules(negation=True)).tolist() == [False, True, True]  # one unnegated match suffices


def test_scores_against_hand_counts():
    flagged = [True, True, False, False, True]
    positive = [True, False, True, False, True]
    s = kf.scores(flagged, positive)
    assert s["precision"] == pytest.approx(2 / 3) and s["recall"] == pytest.approx(2 / 3)
    assert s["accuracy"] == pytest.approx(3 / 5) and s["n_flagged"] == 3
    assert np.isnan(kf.scores([False, False], [True, False])["precision"])


def test_hatecheck_accuracy_on_a_small_table():
    cases = pd.DataFrame({
        "functionality": ["a_h", "a_h", "b_nh", "b_nh"],
        "label_gold": ["hateful", "hateful", "non-hateful", "non-hateful"],
        "target_ident": ["women", None, "women", None],
    })
    flagged = [True, False, True, False]
    assert kf.hatecheck_accuracy(cases, flagged).to_dict() == {"a_h": 0.5, "b_nh": 0.5}
    assert kf.hatecheck_accuracy(cases, flagged, "target_ident").to_dict() == {"(no target group)": 0.5, "women": 0.5}


def test_lexicon_terms_merge_masked_duplicates_keeping_the_highest():
    lexicon = pd.DataFrame({"ngram": ["[slur-03]", "x y", "[slur-03]"], "prophate": [0.4, 0.5, 0.7]})
    assert kf.lexicon_terms(lexicon).to_dict() == {"[slur-03]": 0.7, "x y": 0.5}


def test_term_table_by_hand():
    tweets = pd.DataFrame({"tweet": ["blorp a", "blorp b", "blorp c", "zib"], "class": [0, 1, 2, 0]})
    table = kf.term_table(tweets, ["blorp", "zib", "nothing"])
    assert table.loc["blorp"].tolist() == pytest.approx([3, 1 / 3, 2 / 3])
    assert table.loc["zib", "precision_hate"] == 1.0
    assert table.loc["nothing", "n_tweets"] == 0 and np.isnan(table.loc["nothing", "precision_hate"])


# --- the real corpora ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def davidson():
    from modlab import corpora

    return corpora.load("davidson2017"), corpora.load("davidson2017_lexicon")


def test_davidson_figures_match_an_independent_single_regex(davidson):
    tweets, lexicon = davidson
    terms = kf.lexicon_terms(lexicon)
    assert len(terms) == 172  # 178 published entries, 6 merged by masking
    flagged = kf.flag(tweets["tweet"], terms.index)
    # Independently: one alternation of every entry, whole words, case ignored, in a single pandas pass.
    alternation = "|".join(r"\s+".join(map(re.escape, t.split())) for t in sorted(terms.index, key=len, reverse=True))
    independent = tweets["tweet"].str.contains(rf"(?i)(?<![^\W_])(?:{alternation})(?![^\W_])")
    assert flagged.equals(independent.rename("flagged"))
    assert flagged.sum() == 1699
    assert (tweets.loc[flagged, "class"] == 0).sum() == 740  # precision for hate 740 / 1699 = 0.4356
    assert (tweets.loc[flagged, "class"] <= 1).sum() == 1661  # hate or offensive: 0.9776


def test_starter_filter_on_hatecheck():
    from modlab import corpora

    cases = corpora.load("hatecheck_cases")
    flagged = kf.flag(cases["test_case"], kf.starter_terms(corpora.load("davidson2017_lexicon")))
    assert flagged.sum() == 692
    assert (flagged & (cases["label_gold"] == "hateful")).sum() == 393  # recall 393 / 2563 = 0.1533
    accuracy = kf.hatecheck_accuracy(cases, flagged)
    assert len(accuracy) == 29
    non_hateful = accuracy[accuracy.index.str.endswith("_nh")]
    assert list(non_hateful.index[:3]) == ["slur_reclaimed_nh", "slur_homonym_nh", "counter_quote_nh"]
    assert non_hateful["slur_reclaimed_nh"] == 0.0


def test_masking_gain_reports_numbers_only_and_masking_helps_spelling_variants():
    gain = kf.masking_gain()
    assert list(gain.columns) == ["n", "flagged_raw", "flagged_masked"]
    assert all(pd.api.types.is_numeric_dtype(gain[c]) for c in gain.columns)
    assert gain.loc["davidson tweets", "n"] == 24_783
    assert gain.loc["davidson tweets", "flagged_masked"] > gain.loc["davidson tweets", "flagged_raw"]
    assert gain.loc["spell_leet_h", "flagged_raw"] == 0.0 < gain.loc["spell_leet_h", "flagged_masked"]
    assert (gain["flagged_masked"] >= gain["flagged_raw"]).all()
