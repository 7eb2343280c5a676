"""Self-check questions for lesson 00, "Start here".

Use them in the notebook as::

    from modlab.exercises import lesson00 as ex
    ex.q1.check(days_to_poll)
    ex.q1.hint()

- ``practice``: how many events the timeline has (used to demonstrate the four kinds of feedback).
- ``q1``: days from the takeover to the amnesty poll opening.
- ``q2``: staffing or governance events before the amnesty poll opened.
- ``q3``: which data in the kit is real and which is simulated (multiple choice).

Every numeric answer is computed from ``modlab.data.load("timeline")`` when first
needed, never typed in, so the questions follow the data.
"""

from __future__ import annotations

import datetime as _dt
import math
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from modlab.exercises.base import WRONG_TYPE, ChoiceQuestion, Feedback, NumberQuestion, describe_type

__all__ = ["practice", "q1", "q2", "q3"]


# -- answers, computed from the data ----------------------------------------------
@lru_cache(maxsize=1)
def _timeline() -> pd.DataFrame:
    from modlab import data

    return data.load("timeline")


def _takeover() -> pd.Timestamp:
    from modlab.timeline import event_date

    return event_date(_timeline(), "ownership", "takeover")


def _amnesty_poll() -> pd.Timestamp:
    from modlab.timeline import event_date

    return event_date(_timeline(), "poll", "amnesty")


def event_count() -> int:
    """Number of events (rows) in the timeline: the answer to ``practice``."""
    return len(_timeline())


def days_to_amnesty_poll() -> int:
    """Days from the takeover to the day the amnesty poll opened: the answer to ``q1``."""
    return (_amnesty_poll() - _takeover()).days


def _other_poll_days() -> set[int]:
    """Days from the takeover to each poll other than the amnesty poll."""
    timeline = _timeline()
    polls = timeline.loc[timeline["category"] == "poll", "date"]
    return {(day - _takeover()).days for day in polls if day != _amnesty_poll()}


def _count_before_poll(categories: list[str] | None, *, inclusive: bool = False) -> int:
    timeline = _timeline()
    keep = timeline["date"] <= _amnesty_poll() if inclusive else timeline["date"] < _amnesty_poll()
    if categories is not None:
        keep &= timeline["category"].isin(categories)
    return int(keep.sum())


TYPES_Q2 = ["staffing", "governance"]


def staffing_governance_before_poll() -> int:
    """Staffing or governance events dated before the amnesty poll opened: the answer to ``q2``."""
    return _count_before_poll(TYPES_Q2)


# -- a number question that knows about dates -------------------------------------
class DaysQuestion(NumberQuestion):
    """A count of days; explains what to do with a Timedelta or a date instead of a number."""

    def _as_number(self, value: Any) -> float | Feedback:
        if isinstance(value, (_dt.timedelta, np.timedelta64)):
            return self._feedback(
                WRONG_TYPE,
                f"expected {self.expected_description()}, got {describe_type(value)}: a length of time, "
                "not yet a number. Take the whole number of days out of it with .days",
            )
        if isinstance(value, (_dt.date, np.datetime64)):
            return self._feedback(
                WRONG_TYPE,
                f"expected {self.expected_description()}, got {describe_type(value)}: that is one date. "
                "Subtract the earlier date from the later one, then take .days",
            )
        return super()._as_number(value)


def _is(target_fn, offset: int = 0):
    """Predicate: the value equals ``target_fn() + offset`` (a whole number)."""
    return lambda value: math.isclose(value, target_fn() + offset)


practice = NumberQuestion(
    "Practice: events in the timeline",
    event_count,
    kind="count",
    mistakes=[
        (
            _is(event_count, -1),
            "not quite. pandas labels rows from 0, so the last row label is not the number of rows; "
            "len() counts the rows.",
        ),
    ],
    hints=[
        "len(table) gives the number of rows of a table.",
        "In a new cell, run ex.practice.check(len(timeline)).",
    ],
    praise="that is the number of rows, one per event.",
)

q1 = DaysQuestion(
    "Exercise 1: days to the amnesty poll",
    days_to_amnesty_poll,
    kind="count",
    mistakes=[
        (
            _is(days_to_amnesty_poll, +1),
            "a little too high. Did you count both end days (the takeover day and the poll day), "
            "or use the day the poll closed? Subtracting two dates gives the days between them.",
        ),
        (
            _is(days_to_amnesty_poll, -1),
            "a little too low. Start from the date of the takeover row (category 'ownership') and end "
            "at the date of the amnesty poll row, and subtract them rather than counting by hand.",
        ),
        (
            lambda value: any(math.isclose(value, days) for days in _other_poll_days()),
            "that is the distance to a different poll. The timeline has three polls; find the row whose "
            "event mentions the amnesty.",
        ),
        (
            lambda value: value < 0,
            "a negative number of days: subtract the earlier date (the takeover) from the later one (the poll).",
        ),
        (
            lambda value: math.isclose(value, days_to_amnesty_poll() / 7, rel_tol=0.02),
            "this looks like a number of weeks; the question asks for days.",
        ),
    ],
    hints=[
        "Find two dates in the timeline: the 'ownership' row (the takeover) and the 'poll' row whose event "
        "mentions the amnesty.",
        "Pick one value with .loc and .iloc[0], e.g. timeline.loc[timeline['category'] == 'ownership', 'date'].iloc[0]. "
        "For the poll, add a second condition: timeline['event'].str.contains('amnesty').",
        "Subtracting two dates gives a Timedelta; its .days attribute is the whole number of days.",
    ],
    praise="date subtraction gives the days between two dates, without counting by hand.",
)

q2 = NumberQuestion(
    "Exercise 2: staffing and governance events before the poll",
    staffing_governance_before_poll,
    kind="count",
    mistakes=[
        (
            lambda value: math.isclose(value, _count_before_poll(None)),
            "that counts events of every type. Keep only the 'staffing' and 'governance' rows.",
        ),
        (
            lambda value: math.isclose(value, _count_before_poll(None, inclusive=True)),
            "that counts events of every type, including those on the poll day itself. Keep only "
            "'staffing' and 'governance' rows dated strictly before the poll opened.",
        ),
        (
            lambda value: math.isclose(value, len(_timeline())),
            "that is the whole table. Filter by type and by date.",
        ),
        (
            lambda value: math.isclose(value, int(_timeline()["category"].isin(TYPES_Q2).sum())),
            "that counts staffing and governance events on every date, including after the poll. "
            "Keep only those dated before the poll opened.",
        ),
        (
            lambda value: any(
                math.isclose(value, _count_before_poll([kind])) for kind in TYPES_Q2
            ),
            "that looks like the count for only one of the two types. Count rows that are 'staffing' "
            "or 'governance'.",
        ),
    ],
    hints=[
        "Build two True/False conditions, one for the type and one for the date, and keep rows where both hold.",
        "For the type: timeline['category'].isin(['staffing', 'governance']). For the date: "
        "timeline['date'] < pd.Timestamp('2022-11-23').",
        "Combine them with & (each in brackets), select the rows with timeline[...], and count them with len().",
    ],
    praise="two conditions combined with & pick exactly the rows you need.",
)

q3 = ChoiceQuestion(
    "Exercise 3: real or simulated?",
    {
        "a": "Everything in the kit is real Twitter data, so any number in it can be quoted as a fact.",
        "b": "The timeline and the three poll results are real figures, each cited to the press report it "
        "comes from (confidence tag S); numbers that the kit generates itself are always labelled "
        "'simulated'.",
        "c": "Everything in the kit is simulated, so none of it needs a source.",
        "d": "The poll results are real and, because the press reported them, as certain as an official count.",
    },
    "b",
    explanations={
        "a": "the kit also makes simulated data (from lesson 03 on), and it is always labelled as such; "
        "a simulated number must never be quoted as a fact about Twitter.",
        "c": "the timeline and the polls table are real: look at the 'kind' column of data.catalog().",
        "d": "press reports are secondary sources (tag S), not an official record; the amnesty poll's "
        "exact vote total is not even confirmed (tag ?).",
    },
    hints=[
        "Run data.catalog() and read the 'kind' and 'confidence' columns.",
        "Two things to get right: which data is real, and how sure we are about it.",
    ],
    praise="real figures carry a source and a confidence tag; simulated ones say 'simulated'.",
)
