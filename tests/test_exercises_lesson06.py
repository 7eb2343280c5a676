"""Lesson 06 questions: right, typical wrong, untouched and wrong-type answers (values worked out independently)."""

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from question_cases import assert_question_behaves

from modlab.exercises import CORRECT, INCORRECT
from modlab.exercises import lesson06 as ex

SOLUTION = Path(__file__).resolve().parents[1] / "solutions" / "06_annotation_agreement.ipynb"

# Independent values: counts from the published table (1,430 and 263 of 24,783 tweets; 323 with >= 3 hate
# votes; 1,422 with more than half the coders saying hate; 4,993 with at least one hate vote).
N = 24_783
CASES = [
    (ex.q1, 1_430 / N, [(1_422 / N, "more than half"), (4_993 / N, "at least one coder"), (100 * 1_430 / N, "percentage"),
                        (0.06, "rounded further"), (5.77, "percentage"), (5.8, "percentage")]),
    (ex.q2, 263 / N, [(323 / N, "at least three"), (261 / 22_807, "exactly three coders"), (1_430 / N, "dataset's label"),
                      (263 / 1_430, "labelled hate speech (class == 0) only"), (0.01, "rounded further")]),
    (ex.q3, 0.54947, [(0.55, "rounded further"), (0.2, "too low"), (-0.05404, "count column")]),
    (ex.q4, 0.93902, [(0.0008, "wrong way round"), (0.0751, "category of their own"), (0.13881, "became 0"),
                      (0.94, "rounded further")]),
    (ex.q5, 0.81580, [(0.99260, "highest"), (0.91951, "percent agreement"), (0.8, "rounded further")]),
    (ex.q7, 0.32425, [(0.0301, "other items"), (0.3951, "measured prevalence"), (0.3, "rounded further"),
                      (32.4, "percentage")]),
    (ex.q6, "b", [("a", "Ross"), ("c", "always higher"), ("d", "missing labels")]),
]


@pytest.mark.parametrize("question, right, wrong", CASES, ids=[c[0].label.split(":")[0] for c in CASES])
def test_question(question, right, wrong):
    assert_question_behaves(question, right, wrong)


def test_expected_values_come_from_the_data_and_the_simulator():
    assert ex.q1.expected == pytest.approx(0.057701, abs=1e-6)
    assert ex.q2.expected == pytest.approx(0.010612, abs=1e-6)
    assert ex.q3.expected == pytest.approx(0.549470, abs=1e-6)
    assert ex.q4.expected == pytest.approx(0.939019, abs=1e-6)
    assert ex.q5.expected == pytest.approx(0.815797, abs=1e-6)
    assert ex.q7.expected == pytest.approx(0.324251, abs=1e-6)


def test_the_strict_majority_and_fleiss_by_hand_agree_with_the_checks_inputs():
    tweets = pd.read_csv(_davidson_path(), index_col=0,
                         usecols=[0, 1, 2, 3, 4, 5])
    assert (tweets["hate_speech"] > tweets["count"] / 2).sum() == 1_422
    assert (tweets["hate_speech"] > 0).sum() == 4_993
    three = tweets[tweets["count"] == 3][["hate_speech", "offensive_language", "neither"]].to_numpy()
    # Fleiss (1971) by hand on the real table: mean pairwise agreement per tweet against chance from the shares.
    p_i = ((three**2).sum(axis=1) - 3) / 6
    p_j = three.sum(axis=0) / three.sum()
    kappa = (p_i.mean() - (p_j**2).sum()) / (1 - (p_j**2).sum())
    assert ex.q3.expected == pytest.approx(kappa, abs=1e-12)


def test_the_label_is_a_plurality_not_a_strict_majority():
    """class is the unique class with most votes; it differs from 'more than half said hate' on 8 tweets."""
    tweets = pd.read_csv(_davidson_path(), index_col=0, usecols=[0, 1, 2, 3, 4, 5])
    votes = tweets[["hate_speech", "offensive_language", "neither"]].to_numpy()
    assert ((votes == votes.max(axis=1, keepdims=True)).sum(axis=1) == 1).all()  # no tied top class anywhere
    assert (votes.argmax(axis=1) == tweets["class"].to_numpy()).all()
    plurality_only = tweets[(tweets["class"] == 0) & ~(tweets["hate_speech"] > tweets["count"] / 2)]
    assert len(plurality_only) == 1_430 - 1_422 == 8
    assert sorted(zip(plurality_only["hate_speech"], plurality_only["count"])) == [(3, 6)] * 7 + [(4, 9)]


def _davidson_path():
    from modlab import corpora

    return corpora.path("davidson2017/labeled_data.csv")


ROUNDED_AS_ASKED = [(ex.q1, 0.0577), (ex.q2, 0.0106), (ex.q3, 0.549), (ex.q4, 0.939), (ex.q5, 0.816), (ex.q7, 0.324)]
WRONG_AT_THE_PRECISION_ASKED = [(ex.q1, 0.0575), (ex.q1, 0.0579), (ex.q2, 0.0104), (ex.q2, 0.0108), (ex.q3, 0.547),
                                (ex.q3, 0.551), (ex.q4, 0.937), (ex.q5, 0.818), (ex.q7, 0.322)]


@pytest.mark.parametrize("question, rounded", ROUNDED_AS_ASKED)
def test_answers_rounded_as_the_question_asks_are_correct(question, rounded):
    assert question.evaluate(rounded).status == CORRECT


@pytest.mark.parametrize("question, wrong", WRONG_AT_THE_PRECISION_ASKED)
def test_wrong_answers_at_the_precision_asked_are_not_yet(question, wrong):
    assert question.evaluate(wrong).status == INCORRECT


@pytest.mark.parametrize("name", sorted(ex.DECIMALS))
def test_praise_quotes_the_answer_at_the_precision_asked(name):
    question = getattr(ex, name)
    rounded = round(question.expected, ex.DECIMALS[name])
    assert question.evaluate(rounded).status == CORRECT
    assert question.praise.startswith(f"{rounded:,.{ex.DECIMALS[name]}f}"), question.praise


def test_each_exercise_states_the_precision_its_check_uses():
    text = {}
    for cell in nbformat.read(SOLUTION, as_version=4).cells:
        match = re.match(r"### Exercise (\d+)", cell.source)
        if cell.cell_type == "markdown" and match:
            text[f"q{match.group(1)}"] = cell.source
    assert set(text) == {f"q{i}" for i in range(1, 8)}
    for name, decimals in ex.DECIMALS.items():
        assert f"to {ex.PRECISION_WORDS[decimals]}" in text[name], name


def test_questions_are_listed_in_order():
    assert [q.label.split(":")[0] for q in ex.QUESTIONS] == [f"Exercise {i}" for i in range(1, 8)]


def test_hints_use_the_lessons_names():
    assert any("tweets['count'] == 3" in h for h in ex.q3.hints)
    assert any("agreement.pairwise_cohen_kappa(labels)" in h for h in ex.q5.hints)
    assert any("annotation_sim.AnnotationSetup(dialect_bias=1.0)" in h for h in ex.q7.hints)


def test_exercise4_hints_lead_to_a_numeric_table_krippendorff_accepts():
    """Run the code the hints give, on the real labels: it must work and give the answer (no .replace, no text)."""
    import krippendorff
    import numpy as np

    from modlab import agreement

    labels = agreement.read_hatecheck_labels()[list(agreement.HATECHECK_ANNOTATORS)]
    hateful = (labels == "hateful").astype(float).where(labels.notna())
    mapped = labels.apply(lambda column: column.map({"hateful": 1.0, "non-hateful": 0.0}))
    assert mapped.equals(hateful) and hateful.isna().to_numpy().sum() == labels.isna().to_numpy().sum()
    for text in ("(labels == 'hateful').astype(float).where(labels.notna())", "hateful.T.to_numpy()"):
        assert any(text in hint for hint in ex.q4.hints), text
    assert not any("labels.T" in hint for hint in ex.q4.hints)  # labels holds text
    alpha = krippendorff.alpha(reliability_data=hateful.T.to_numpy(), level_of_measurement="nominal")
    assert ex.q4.evaluate(alpha).status == CORRECT
    # The mistake the new diagnosis names: empty cells turned into 0.
    zeros = (labels == "hateful").astype(float).T.to_numpy()
    assert not np.isnan(zeros).any()
    feedback = ex.q4.evaluate(krippendorff.alpha(reliability_data=zeros, level_of_measurement="nominal"))
    assert feedback.status == INCORRECT and "became 0" in feedback.message


def test_exercise7_hints_are_progressive():
    """The first hint sets the study up; no hint but the last names the dictionary entry; none gives the code in one line."""
    assert len(ex.q7.hints) >= 3
    assert "false-positive rate" in ex.q7.hints[-1]
    assert not any("false_positive_rate_dialect" in hint for hint in ex.q7.hints)
    assert not any("summarise(" in hint and "simulate_annotations(" in hint for hint in ex.q7.hints)


def test_the_lesson_text_says_plurality_and_cites_papers_not_the_fact_sheet():
    text = "\n".join(c.source for c in nbformat.read(SOLUTION, as_version=4).cells if c.cell_type == "markdown")
    for stale in ("fact sheet", "FACTS.md", "break ties", "majority-hate", "majority label is hate", "the 10% most severe"):
        assert stale not in text, stale
    assert "3 of 6 votes on seven tweets, 4 of 9 on one" in text
    assert "2-2 of 4" in text and "negative = more lenient" in text
    feedback = " ".join([*(m for q in ex.QUESTIONS if hasattr(q, "mistakes") for _, m in q.mistakes), *(q.praise for q in ex.QUESTIONS)])
    assert "FACTS.md" not in feedback and "breaks ties" not in feedback


def test_try_this_4_pins_the_panel_it_assumes():
    """With 5 annotators noise raises the measured share (rare class inflated); a 10-annotator panel would not show it."""
    from modlab import annotation_sim as sim

    measured = lambda **kw: sim.summarise(sim.simulate_annotations(sim.AnnotationSetup(**kw), seed=0))["measured_prevalence"]
    assert measured(noise=1.5) - measured() > 0.04  # about 11% -> 15%, as the lesson says
    assert round(measured(), 2) == 0.11 and round(measured(noise=1.5), 2) == 0.15
    assert abs(measured(noise=1.5, n_annotators=10) - measured(n_annotators=10)) < 0.04
    text = "\n".join(c.source for c in nbformat.read(SOLUTION, as_version=4).cells)
    assert "annotators back to **5**" in text
