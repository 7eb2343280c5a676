"""Self-check questions for learners: ``q.check(answer)`` and ``q.hint()``.

Design rules (see DESIGN.md, "Learner feedback never crashes"):

- The placeholder a learner starts from is Python's ``...`` (Ellipsis). Checking it
  says "not attempted", never raises.
- A wrong *type* (text, ``None``, a list, a one-value pandas Series where a number
  is wanted) gets a message naming the expected type.
- A wrong *value* gets a message that says what is off (a percentage where a
  proportion was asked, a proportion outside 0-1, the wrong sign) without giving
  the answer away.
- Nothing a learner passes can make ``check`` raise: any unexpected error becomes
  an "incorrect" message.

``check`` and ``hint`` display their message in a notebook (or print it in plain
Python) and return ``None``; ``evaluate`` returns a :class:`Feedback` object for
tests and tools.
"""

from __future__ import annotations

import decimal
import html
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"
WRONG_TYPE = "wrong type"

# Okabe-Ito colours (colour-blind safe). The status word and icon carry the
# meaning too, so nothing depends on colour alone.
_STYLE = {
    CORRECT: ("#009E73", "\u2714", "Correct"),
    INCORRECT: ("#D55E00", "\u2718", "Not yet"),
    NOT_ATTEMPTED: ("#999999", "\u2026", "Not attempted"),
    WRONG_TYPE: ("#E69F00", "\u26a0", "Wrong type"),
}


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer.

    Attributes
    ----------
    status : str
        One of ``"correct"``, ``"incorrect"``, ``"not attempted"``, ``"wrong type"``.
    message : str
        What the learner should read: praise, or what is off, never the answer.
    label : str
        The question's label, e.g. ``"Exercise 1: the yes share"``.
    """

    status: str
    message: str
    label: str = ""

    @property
    def correct(self) -> bool:
        """True when the answer was accepted."""
        return self.status == CORRECT

    def __str__(self) -> str:
        _, icon, word = _STYLE[self.status]
        head = f"{icon} {word}"
        if self.label:
            head += f" ({self.label})"
        return f"{head}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour, icon, word = _STYLE[self.status]
        label = f" <span style='opacity:.75'>({html.escape(self.label)})</span>" if self.label else ""
        return (
            f"<div role='status' class='modlab-feedback modlab-{self.status.replace(' ', '-')}' "
            f"style='border-left:6px solid {colour};padding:.35em .8em;margin:.3em 0;"
            f"background:rgba(0,0,0,.03)'>"
            f"<strong>{icon} {word}</strong>{label}: {html.escape(self.message)}</div>"
        )


@dataclass(frozen=True)
class Hint:
    """One hint, shown by :meth:`Question.hint`."""

    text: str
    number: int
    total: int
    label: str = ""
    repeated: bool = False  # True when the learner asked past the last hint and got it again

    @property
    def note(self) -> str:
        """Said before the text when the hint is the last one shown again."""
        return "That was the last hint; here it is again. " if self.repeated else ""

    def __str__(self) -> str:
        return f"Hint {self.number} of {self.total} ({self.label}): {self.note}{self.text}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (
            "<div class='modlab-hint' style='border-left:6px solid #56B4E9;padding:.35em .8em;"
            "margin:.3em 0;background:rgba(0,0,0,.03)'>"
            f"<strong>\U0001f4a1 Hint {self.number} of {self.total}</strong>: {html.escape(self.note + self.text)}</div>"
        )


def _show(obj: Any) -> None:
    """Display ``obj`` in a notebook, or print it outside IPython."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython ships with the kit
        shell = None
    if shell is None:
        print(obj)
    else:
        from IPython.display import display

        display(obj)


def describe_type(value: Any) -> str:
    """A short, learner-friendly name for the type of ``value``."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a True/False value (bool)"
    if isinstance(value, str):
        return "text (str)"
    module = type(value).__module__.split(".")[0]
    name = type(value).__name__
    if module == "pandas":
        return f"a pandas {name}"
    if module == "numpy":
        return f"a NumPy {name}"
    article = "an" if name[:1].lower() in "aeiou" else "a"  # "an int", "a float"
    return f"{article} {name}"


def _text_number_advice(text: str) -> str:
    """What to do with a number typed as text (``"0.7"``, ``"72.4%"``, ``"1,068"``), or ``""`` if it is no number."""
    plain = text.strip()
    try:
        float(plain.replace(",", "").replace("_", "").replace("%", "").strip())
    except ValueError:
        return ""
    if "%" in plain:
        return " Write it as a number, without quotes and without the % sign."
    if "," in plain:
        if re.fullmatch(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?", plain):
            return " Write it as a number, without quotes and without the thousands separators (1234567, not 1,234,567)."
        return " Write it as a number, without quotes, with a point for the decimals (0.5, not 0,5)."
    return " Remove the quotes so Python sees a number."


def _one_value_advice(value: Any) -> str:
    """For a container holding exactly one number, how to take it out (``".item()"``); else ``""``."""
    module = type(value).__module__.split(".")[0]
    if isinstance(value, (list, tuple)):
        items, advice = list(value), "[0]"
    elif module == "pandas" and getattr(value, "ndim", None) == 2:  # a DataFrame
        items, advice = list(value.to_numpy().ravel()), ".iloc[0, 0]"
    elif module in ("numpy", "pandas") and isinstance(getattr(value, "ndim", None), int) and hasattr(value, "item"):
        if type(value).__name__ not in ("ndarray", "Series", "Index"):  # a NumPy scalar or another pandas type
            return ""
        array = value.to_numpy() if hasattr(value, "to_numpy") else value
        items = list(array.ravel()) if hasattr(array, "ravel") else []
        advice = ".item() or .iloc[0]" if type(value).__name__ == "Series" else ".item()"
    else:
        return ""
    if len(items) != 1:
        return ""
    item = items[0]
    if isinstance(item, bool) or type(item).__name__ == "bool_" or not isinstance(item, (numbers.Real, decimal.Decimal)):
        return ""
    return advice


class Question:
    """Base class for a self-check question.

    Parameters
    ----------
    label : str
        Short name shown with every message, e.g. ``"Exercise 2: yes votes"``.
    hints : sequence of str
        Progressive hints; ``hint()`` shows the next one each time it is called.
    praise : str
        Message shown for a correct answer.

    Subclasses implement :meth:`_evaluate`, which may assume the value is not the
    placeholder and may raise; :meth:`evaluate` turns any exception into feedback.
    """

    def __init__(self, label: str, *, hints: Sequence[str] = (), praise: str = "well done.") -> None:
        self.label = label
        self.hints = tuple(hints)
        self.praise = praise
        self._hints_shown = 0

    # -- public API ---------------------------------------------------------
    def evaluate(self, value: Any) -> Feedback:
        """Check ``value`` and return a :class:`Feedback`; never raises."""
        if value is Ellipsis:
            return self._feedback(
                NOT_ATTEMPTED,
                "replace the ... placeholder with your answer, run that cell, then run this one again.",
            )
        try:
            return self._evaluate(value)
        except Exception as err:  # learner input must never produce a traceback
            return self._feedback(
                INCORRECT,
                f"this answer could not be checked ({type(err).__name__}). "
                f"Check that it is {self.expected_description()}.",
            )

    def check(self, value: Any) -> None:
        """Show whether ``value`` answers the question (displays; returns None)."""
        _show(self.evaluate(value))

    def is_correct(self, value: Any) -> bool:
        """True when ``value`` would be accepted."""
        return self.evaluate(value).correct

    def hint(self, number: int | None = None) -> None:
        """Show the next hint (or hint ``number``, counting from 1)."""
        _show(self.get_hint(number))

    def get_hint(self, number: int | None = None) -> Hint:
        """Return the next hint (or hint ``number``) without displaying it."""
        if not self.hints:
            return Hint("there is no hint for this one: reread the question and the text above it.", 1, 1, self.label)
        if number is None:
            # Past the last hint, say so rather than silently showing the last one again.
            repeated = self._hints_shown >= len(self.hints)
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            return Hint(self.hints[self._hints_shown - 1], self._hints_shown, len(self.hints), self.label, repeated)
        requested = int(number)
        number = max(1, min(requested, len(self.hints)))
        return Hint(self.hints[number - 1], number, len(self.hints), self.label, requested > len(self.hints))

    def expected_description(self) -> str:
        """What kind of value is expected, in words (used in messages)."""
        return "a value"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label!r}>"

    # -- helpers for subclasses ----------------------------------------------
    def _feedback(self, status: str, message: str) -> Feedback:
        return Feedback(status, message, self.label)

    def _evaluate(self, value: Any) -> Feedback:  # pragma: no cover - abstract
        raise NotImplementedError


Mistake = tuple[Callable[[float], bool], str]


def _is_rounding_of(number: float, value: float) -> bool:
    """True when ``number`` is ``value`` rounded to 0-6 decimal places (32.4 for 32.425), never to zero.

    Learners round a percentage as they would write it, so a tolerance made for the proportion
    (half a unit in its fourth decimal place) would miss it.
    """
    roundings = {round(value, places) for places in range(7)} - {0.0}
    return any(math.isclose(number, r, rel_tol=1e-9, abs_tol=1e-12) for r in roundings)


def roundings(value: float, places: int) -> set[float]:
    """``value`` rounded to ``places`` decimal places, the ways a learner may round it.

    Usually one number. A value exactly halfway (0.0275 to 3 places) gives both neighbours
    ({0.027, 0.028}): Python's ``round`` sees the binary float (0.02749999...) and goes down, while a
    learner rounding half up writes 0.028; both are the same rounding, so both must get the same message.
    """
    scaled = value * 10.0**places
    low = math.floor(scaled)
    if math.isclose(scaled - low, 0.5, abs_tol=1e-6):
        return {round(low / 10.0**places, max(places, 0) + 1), round((low + 1) / 10.0**places, max(places, 0) + 1)}
    return {round(value, places)}


def half_unit(places: int) -> float:
    """Half a unit in the last decimal place asked (0.0005 for 3 places, 0.5 for whole numbers): the
    ``abs_tol`` that accepts the value rounded to ``places`` and refuses a coarser rounding."""
    return 0.5 * 10.0 ** -places


def precision_words(places: int) -> str:
    """Say a rounding in words, as the lessons' prompts do.

    Parameters
    ----------
    places : int
        Decimal places (3), 0 for whole numbers, negative for tens, hundreds... (-2).

    Returns
    -------
    str
        ``"three decimal places"``, ``"one decimal place"``, ``"the nearest whole number"``, ``"the nearest 100"``.
    """
    if places > 0:
        number = {1: "one", 2: "two", 3: "three", 4: "four"}.get(places, str(places))
        return f"{number} decimal place{'s' if places > 1 else ''}"
    if places == 0:
        return "the nearest whole number"
    return f"the nearest {10 ** -places:,}"


class NumberQuestion(Question):
    """A question whose answer is one number.

    Parameters
    ----------
    label : str
        Shown with every message.
    expected : float or callable returning float
        The right answer, or a function computing it from the data (called once,
        lazily, so answers are derived from the datasets rather than typed in).
    kind : {"number", "proportion", "percentage", "count"}
        Enables kind-specific diagnostics: a proportion must lie in [0, 1] and a
        value 100 times too large is called out as a percentage; a count must be a
        whole, non-negative number.
    rel_tol, abs_tol : float
        Tolerance as in :func:`math.isclose`.
    mistakes : iterable of (predicate, message)
        Known wrong answers: when ``predicate(value)`` is true the message is shown.
        Checked before the generic diagnostics.
    places : int, optional
        The decimal places the prompt asks for (3; -2 for "to the nearest 100"). When given, an answer
        equal to the right value rounded to fewer places is told "rounded too far" rather than
        "too low/too high" (checked before ``mistakes``).
    description : str, optional
        What the answer is, for wrong-type messages ("a number of posts per day"); default from ``kind``.
    nan_message : str, optional
        Shown for a NaN answer instead of the generic division-by-zero advice.
    hints, praise : see :class:`Question`.
    """

    KINDS = ("number", "proportion", "percentage", "count")

    def __init__(
        self,
        label: str,
        expected: float | Callable[[], float],
        *,
        kind: str = "number",
        rel_tol: float = 1e-3,
        abs_tol: float = 0.0,
        mistakes: Iterable[Mistake] = (),
        places: int | None = None,
        description: str | None = None,
        nan_message: str | None = None,
        hints: Sequence[str] = (),
        praise: str = "well done.",
    ) -> None:
        super().__init__(label, hints=hints, praise=praise)
        self.places = places
        self.description = description
        self.nan_message = nan_message
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {self.KINDS}, not {kind!r}")
        self._expected = expected
        self._expected_value: float | None = None
        self.kind = kind
        self.rel_tol = rel_tol
        self.abs_tol = abs_tol
        self.mistakes = tuple(mistakes)

    @property
    def expected(self) -> float:
        """The accepted value (computed on first use)."""
        if self._expected_value is None:
            value = self._expected() if callable(self._expected) else self._expected
            self._expected_value = float(value)
        return self._expected_value

    def expected_description(self) -> str:
        if self.description:
            return self.description
        return {
            "proportion": "a single number between 0 and 1 (a proportion)",
            "percentage": "a single number between 0 and 100 (a percentage)",
            "count": "a single whole number (a count)",
        }.get(self.kind, "a single number")

    def close(self, value: float, target: float) -> bool:
        """True when ``value`` matches ``target`` within the question's tolerance."""
        return math.isclose(value, target, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    def _as_number(self, value: Any) -> float | Feedback:
        """Convert to float, or return wrong-type feedback naming what was expected."""
        expected = self.expected_description()
        if isinstance(value, bool) or value is None or isinstance(value, (str, bytes)):
            extra = ""
            if value is None:
                extra = " Did the cell assign a value? (print() and some methods return None.)"
            elif isinstance(value, str):
                extra = _text_number_advice(value)
            return self._feedback(WRONG_TYPE, f"expected {expected}, got {describe_type(value)}.{extra}")
        if isinstance(value, (numbers.Real, decimal.Decimal)):
            try:
                return float(value)
            except OverflowError:  # an int too large for a float: a number, just not this one
                return self._feedback(INCORRECT, "this number is far too large (or too far below zero) to be the answer.")
            except (TypeError, ValueError):  # e.g. a NumPy timedelta64, which NumPy counts as an integer
                return self._feedback(WRONG_TYPE, f"expected {expected}, got {describe_type(value)}.")
        advice = _one_value_advice(value)
        if advice:
            return self._feedback(
                WRONG_TYPE,
                f"expected {expected}, got {describe_type(value)} holding one value. "
                f"Take the number out of it, e.g. with {advice}.",
            )
        return self._feedback(WRONG_TYPE, f"expected {expected}, got {describe_type(value)}.")

    def _evaluate(self, value: Any) -> Feedback:
        number = self._as_number(value)
        if isinstance(number, Feedback):
            return number
        if math.isnan(number) and self.nan_message:
            return self._feedback(INCORRECT, self.nan_message)
        if math.isnan(number) or math.isinf(number):
            return self._feedback(INCORRECT, "this is not a finite number (NaN or infinity). Check for a division by zero or missing data.")
        if self.close(number, self.expected):
            return self._feedback(CORRECT, self.praise)
        if self.places is not None and self._rounded_too_far(number):
            return self._feedback(INCORRECT, self._rounded_too_far_message())
        for predicate, message in self.mistakes:
            if predicate(number):
                return self._feedback(INCORRECT, message)
        return self._feedback(INCORRECT, self._diagnose(number))

    def _rounded_too_far(self, number: float) -> bool:
        """True when ``number`` is the right value rounded to fewer places than asked (0.87 for 0.8715)."""
        coarser = set().union(*(roundings(self.expected, places) for places in range(self.places - 1, self.places - 5, -1))) - {0.0}
        return any(math.isclose(number, r, rel_tol=1e-9, abs_tol=1e-12) for r in coarser)

    def _rounded_too_far_message(self) -> str:
        return (f"rounded too far: give it to {precision_words(self.places)} "
                "(that looks rounded further than the question asks; or leave the value unrounded).")

    def _diagnose(self, number: float) -> str:
        """A generic message saying what is off, without the answer."""
        target = self.expected
        if self.kind == "proportion" and (self.close(number, target * 100) or _is_rounding_of(number, target * 100)):
            return "this looks like a percentage; the question asks for a proportion (between 0 and 1)."
        if self.kind == "percentage" and (self.close(number, target / 100) or _is_rounding_of(number, target / 100)):
            return "this looks like a proportion; the question asks for a percentage (between 0 and 100)."
        if target != 0 and self.close(number, -target):
            return "the size is right but the sign is wrong."
        if target != 0 and number != 0:
            ratio = abs(number / target)
            for factor in (10, 100, 1000, 1_000_000):
                if math.isclose(ratio, factor, rel_tol=self.rel_tol * 10) or math.isclose(ratio, 1 / factor, rel_tol=self.rel_tol * 10):
                    return f"the digits look right but the size is off by a factor of {factor:,}: check your units."
        if self.kind == "proportion" and not 0 <= number <= 1:
            return "a proportion should be between 0 and 1."
        if self.kind == "count":
            if number < 0:
                return "a count cannot be negative."
            if not float(number).is_integer():
                return "a count should be a whole number."
        direction = "too high" if number > target else "too low"
        return f"not quite: your answer is {direction}."


class ChoiceQuestion(Question):
    """A multiple-choice question answered with an option letter, e.g. ``"b"``.

    Parameters
    ----------
    label : str
        Shown with every message.
    options : dict of str to str
        Option letter to option text, e.g. ``{"a": "...", "b": "..."}``.
    answer : str
        The correct letter.
    explanations : dict of str to str, optional
        For wrong letters, why that option is tempting but wrong (shown as feedback).
    """

    def __init__(
        self,
        label: str,
        options: dict[str, str],
        answer: str,
        *,
        explanations: dict[str, str] | None = None,
        hints: Sequence[str] = (),
        praise: str = "well done.",
    ) -> None:
        super().__init__(label, hints=hints, praise=praise)
        self.options = {k.lower(): v for k, v in options.items()}
        if answer.lower() not in self.options:
            raise ValueError(f"answer {answer!r} is not one of the options {sorted(self.options)}")
        self.answer = answer.lower()
        self.explanations = {k.lower(): v for k, v in (explanations or {}).items()}

    def expected_description(self) -> str:
        letters = ", ".join(f'"{k}"' for k in self.options)
        return f"one option letter as text: {letters}"

    def _evaluate(self, value: Any) -> Feedback:
        if not isinstance(value, str):
            return self._feedback(WRONG_TYPE, f"expected {self.expected_description()}; got {describe_type(value)}.")
        letter = value.strip().strip("().:").strip().lower()
        if letter not in self.options:
            return self._feedback(INCORRECT, f"{value!r} is not one of the options; answer with {self.expected_description()}.")
        if letter == self.answer:
            return self._feedback(CORRECT, self.praise)
        reason = self.explanations.get(letter, "reread the options and the text above.")
        return self._feedback(INCORRECT, f"not option {letter}: {reason}")


class NamesQuestion(Question):
    """A question answered with one name (text) or with a set of names, in any order.

    Parameters
    ----------
    label : str
        Shown with every message.
    expected : callable returning a str or a list of str
        The accepted name(s), computed when first needed. One str: the answer is one text. A list:
        the answer is that many names (a list, tuple, set, pandas Index or Series of text), any order.
    mistakes : sequence of (callable returning a set of str, message)
        Known wrong answers (compared case-insensitively, as sets).
    hints, praise : see :class:`Question`.
    """

    def __init__(self, label: str, expected: Callable[[], Any], *,
                 mistakes: Sequence[tuple[Callable[[], Any], str]] = (), hints: Sequence[str] = (),
                 praise: str = "well done.") -> None:
        super().__init__(label, hints=hints, praise=praise)
        self._expected = expected
        self._mistakes = tuple(mistakes)

    @property
    def expected(self) -> str | list[str]:
        """The accepted name or names (computed on first use)."""
        return self._expected()

    @property
    def many(self) -> bool:
        """True when the answer is several names."""
        return not isinstance(self.expected, str)

    def expected_description(self) -> str:
        if self.many:
            return f"{len(self.expected)} names as text, in a list such as [\"a\", \"b\", \"c\"] (any order)"
        return "one name as text, in quotes"

    @staticmethod
    def _fold(names) -> frozenset[str]:
        return frozenset(str(n).strip().strip("'\"").strip().lower() for n in ([names] if isinstance(names, str) else names))

    def _names(self, value: Any) -> frozenset[str] | Feedback:
        if not self.many:
            if isinstance(value, str):
                return self._fold(value)
            return self._feedback(WRONG_TYPE, f"expected {self.expected_description()}; got {describe_type(value)}.")
        if isinstance(value, pd.Series) and not all(isinstance(v, str) for v in value):
            if all(isinstance(i, str) for i in value.index):
                return self._feedback(WRONG_TYPE, "this Series holds numbers; the names are its index: use .index.")
            return self._feedback(WRONG_TYPE, f"expected {self.expected_description()}; got {describe_type(value)}.")
        if isinstance(value, (list, tuple, set, frozenset, pd.Index, np.ndarray, pd.Series)):
            items = list(value)
            if all(isinstance(v, str) for v in items) and items:
                return self._fold(items)
        return self._feedback(WRONG_TYPE, f"expected {self.expected_description()}; got {describe_type(value)}.")

    def fold(self, names) -> frozenset[str]:
        """Names as compared: stripped of spaces and quotes, lower case, as a set (a str is one name)."""
        return self._fold(names)

    def candidate_answers(self) -> list:
        """Answers a grader's hidden test must judge like :meth:`evaluate`: the right one in other orders,
        cases and containers, each known mistake, and partial answers (used by the test suite)."""
        right = self.expected
        if not self.many:
            found = [right, right.upper(), f" {right} "]
        else:
            found = [list(right), list(reversed(right)), tuple(n.upper() for n in right), set(right), pd.Index(right), list(right)[:-1]]
        return found + [wrong() for wrong, _ in self._mistakes]

    def _evaluate(self, value: Any) -> Feedback:
        names = self._names(value)
        if isinstance(names, Feedback):
            return names
        if names == self._fold(self.expected):
            return self._feedback(CORRECT, self.praise)
        for wrong, message in self._mistakes:
            if names == self._fold(wrong()):
                return self._feedback(INCORRECT, message)
        if self.many and len(names) != len(self.expected):
            return self._feedback(INCORRECT, f"give exactly {len(self.expected)} different names, not {len(names)}.")
        if self.many:
            right = len(names & self._fold(self.expected))
            return self._feedback(INCORRECT, f"{right} of your {len(names)} names are right; check the others.")
        return self._feedback(INCORRECT, "not this one: check which rows you compared and how you sorted them.")
