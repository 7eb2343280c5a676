"""Lesson 00 questions: right, typical wrong, untouched (...) and wrong-type answers.

The expected answers are computed here independently of ``modlab.exercises.lesson00``
(from the raw CSVs, with the standard library), so a bug in one is caught by the other.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from modlab.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, WRONG_TYPE
from modlab.exercises import lesson00 as ex

ROOT = Path(__file__).resolve().parents[1]


def _rows(name: str) -> list[dict[str, str]]:
    with open(ROOT / "datasets" / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


TIMELINE = _rows("timeline")
AMNESTY_OPENED = _day(next(r["opened"] for r in _rows("polls") if r["poll_id"] == "general_amnesty"))
TAKEOVER = min(_day(r["date"]) for r in TIMELINE)
DAYS = (AMNESTY_OPENED - TAKEOVER).days
BEFORE = sum(1 for r in TIMELINE if r["category"] in ("staffing", "governance") and _day(r["date"]) < AMNESTY_OPENED)

WRONG_TYPES = [
    pytest.param("not a number", id="str"),
    pytest.param(None, id="None"),
    pytest.param([1, 2], id="list"),
    pytest.param(pd.Series([3]), id="one-value Series"),
    pytest.param(True, id="bool"),
]
NUMBER_QUESTIONS = [ex.practice, ex.q1, ex.q2]


def _mentions(message: str, number: int) -> bool:
    """True when ``number`` appears as a whole number in ``message``."""
    return re.search(rf"(?<![\d.]){number}(?![\d])", message) is not None


def test_the_independent_answers_are_what_the_lesson_says():
    # Guards the test itself: 27 days (Oct 27 -> Nov 23), 4 events, 15 rows.
    assert (DAYS, BEFORE, len(TIMELINE)) == (27, 4, 15)


# -- right answers ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (ex.practice, len(TIMELINE)),
        (ex.q1, DAYS),
        (ex.q1, float(DAYS)),
        (ex.q1, np.int64(DAYS)),
        (ex.q2, BEFORE),
        (ex.q2, np.int64(BEFORE)),
        (ex.q3, "b"),
        (ex.q3, " B "),
        (ex.q3, "(b)"),
    ],
)
def test_right_answer_is_accepted(question, answer):
    feedback = question.evaluate(answer)
    assert feedback.status == CORRECT, feedback
    assert question.is_correct(answer)


def test_expected_values_come_from_the_data():
    assert ex.practice.expected == len(TIMELINE)
    assert ex.q1.expected == DAYS
    assert ex.q2.expected == BEFORE


def test_the_solutions_code_gives_the_right_answers():
    """The pandas in the solution notebook, run on the loaded data, is accepted."""
    from modlab import data

    timeline = data.load("timeline")
    takeover = timeline.loc[timeline["category"] == "ownership", "date"].iloc[0]
    is_amnesty_poll = (timeline["category"] == "poll") & timeline["event"].str.contains("amnesty")
    amnesty_poll = timeline.loc[is_amnesty_poll, "date"].iloc[0]
    assert ex.q1.is_correct((amnesty_poll - takeover).days)
    is_type = timeline["category"].isin(["staffing", "governance"])
    is_before = timeline["date"] < pd.Timestamp("2022-11-23")
    assert ex.q2.is_correct(len(timeline[is_type & is_before]))


# -- typical wrong answers ----------------------------------------------------------
Q1_MISTAKES = [
    pytest.param(DAYS + 1, "both end days", id="inclusive count"),
    pytest.param(DAYS - 1, "too low", id="one day short"),
    pytest.param(22, "different poll", id="first poll"),
    pytest.param(52, "different poll", id="last poll"),
    pytest.param(-DAYS, "subtract the earlier date", id="reversed subtraction"),
    pytest.param(DAYS / 7, "weeks", id="weeks"),
    pytest.param(DAYS + 10, "too high", id="far off"),
]


@pytest.mark.parametrize(("answer", "phrase"), Q1_MISTAKES)
def test_q1_typical_mistakes(answer, phrase):
    feedback = ex.q1.evaluate(answer)
    assert feedback.status == INCORRECT
    assert phrase in feedback.message
    assert not _mentions(feedback.message, DAYS)


Q2_MISTAKES = [
    pytest.param(9, "every type", id="no type filter"),
    pytest.param(11, "poll day itself", id="no type filter, inclusive"),
    pytest.param(15, "whole table", id="no filter"),
    pytest.param(6, "every date", id="no date filter"),
    pytest.param(2, "only one of the two types", id="one type"),
    pytest.param(5, "too high", id="other"),
]


@pytest.mark.parametrize(("answer", "phrase"), Q2_MISTAKES)
def test_q2_typical_mistakes(answer, phrase):
    feedback = ex.q2.evaluate(answer)
    assert feedback.status == INCORRECT
    assert phrase in feedback.message
    assert not _mentions(feedback.message, BEFORE)


def test_q2_mistake_counts_match_the_data():
    """The numbers the q2 mistakes stand for, computed independently."""
    before_any = sum(1 for r in TIMELINE if _day(r["date"]) < AMNESTY_OPENED)
    on_or_before = sum(1 for r in TIMELINE if _day(r["date"]) <= AMNESTY_OPENED)
    both_types = sum(1 for r in TIMELINE if r["category"] in ("staffing", "governance"))
    assert (before_any, on_or_before, both_types) == (9, 11, 6)


def test_practice_off_by_one_explains_row_labels():
    feedback = ex.practice.evaluate(len(TIMELINE) - 1)
    assert feedback.status == INCORRECT
    assert "from 0" in feedback.message
    assert not _mentions(feedback.message, len(TIMELINE))


@pytest.mark.parametrize(("letter", "phrase"), [("a", "simulated"), ("c", "kind"), ("d", "secondary")])
def test_q3_wrong_options_explain_why(letter, phrase):
    feedback = ex.q3.evaluate(letter)
    assert feedback.status == INCORRECT
    assert phrase in feedback.message
    assert "option b" not in feedback.message.lower()


def test_q3_unknown_letter_lists_the_options():
    feedback = ex.q3.evaluate("e")
    assert feedback.status == INCORRECT
    assert '"a", "b", "c", "d"' in feedback.message


# -- untouched placeholder and wrong types -----------------------------------------
@pytest.mark.parametrize("question", [ex.practice, ex.q1, ex.q2, ex.q3], ids=lambda q: q.label)
def test_placeholder_is_not_attempted(question):
    assert question.evaluate(...).status == NOT_ATTEMPTED


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize("question", NUMBER_QUESTIONS, ids=lambda q: q.label)
def test_number_questions_wrong_type(question, value):
    feedback = question.evaluate(value)
    assert feedback.status == WRONG_TYPE
    assert "whole number" in feedback.message


@pytest.mark.parametrize(
    "value",
    [pytest.param(None, id="None"), pytest.param(["b"], id="list"), pytest.param(pd.Series(["b"]), id="one-value Series"), pytest.param(True, id="bool"), pytest.param(2, id="int")],
)
def test_q3_wrong_type(value):
    feedback = ex.q3.evaluate(value)
    assert feedback.status == WRONG_TYPE
    assert "option letter" in feedback.message


@pytest.mark.parametrize(
    "value",
    [pd.Timedelta(days=DAYS), dt.timedelta(days=DAYS), np.timedelta64(DAYS, "D")],
    ids=["pandas Timedelta", "datetime.timedelta", "numpy timedelta64"],
)
def test_q1_timedelta_says_use_days(value):
    feedback = ex.q1.evaluate(value)
    assert feedback.status == WRONG_TYPE
    assert ".days" in feedback.message


@pytest.mark.parametrize(
    "value", [pd.Timestamp("2022-11-23"), dt.date(2022, 11, 23), np.datetime64("2022-11-23")], ids=["Timestamp", "date", "datetime64"]
)
def test_q1_a_date_says_subtract(value):
    feedback = ex.q1.evaluate(value)
    assert feedback.status == WRONG_TYPE
    assert "Subtract" in feedback.message


def test_q1_one_value_timedelta_series_says_take_it_out():
    feedback = ex.q1.evaluate(pd.Series([pd.Timedelta(days=DAYS)]))
    assert feedback.status == WRONG_TYPE
    assert ".iloc[0]" in feedback.message


ODD_VALUES = [{}, {"a": 1}, object(), float("nan"), float("inf"), complex(1, 2), np.array([1, 2]), pd.DataFrame({"x": [1]}), b"27", "", pd.NaT, pd.Series([], dtype=float)]


@pytest.mark.parametrize("value", ODD_VALUES, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("question", [ex.practice, ex.q1, ex.q2, ex.q3], ids=lambda q: q.label)
def test_nothing_raises(question, value, capsys):
    feedback = question.evaluate(value)
    assert feedback.status in (INCORRECT, WRONG_TYPE)
    question.check(value)  # displays (prints outside IPython), never raises
    assert capsys.readouterr().out


# -- hints ------------------------------------------------------------------------
@pytest.mark.parametrize("question", [ex.practice, ex.q1, ex.q2, ex.q3], ids=lambda q: q.label)
def test_hints_are_progressive_and_stop_at_the_last(question):
    assert len(question.hints) >= 2
    texts = [question.get_hint(n).text for n in range(1, len(question.hints) + 1)]
    assert len(set(texts)) == len(texts)
    assert question.get_hint(99).number == len(question.hints)


def test_hint_advances_each_call(capsys):
    from modlab.exercises.lesson00 import DaysQuestion

    question = DaysQuestion("t", 3, kind="count", hints=["one", "two"])
    question.hint()
    question.hint()
    question.hint()
    out = capsys.readouterr().out
    assert out.count("Hint 1 of 2") == 1 and out.count("Hint 2 of 2") == 2


@pytest.mark.parametrize("question", [ex.q1, ex.q2], ids=lambda q: q.label)
def test_hints_do_not_give_the_number(question):
    for hint in question.hints:
        assert not _mentions(hint, int(question.expected))


# -- the notebook shows what the question checks ------------------------------------
def test_notebook_lists_the_q3_options_verbatim():
    notebook = json.loads((ROOT / "solutions" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c.get("id") == "q3-question")
    text = "".join(cell["source"])
    for letter, option in ex.q3.options.items():
        assert f"**{letter}.** {option}" in text
