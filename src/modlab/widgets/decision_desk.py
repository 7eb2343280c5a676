"""The decision desk of lesson 02: be the moderator, case by case.

A thin front end over :mod:`modlab.decisions`: it shows one fictional case at a
time (post, situation, account, country, language, who it names or addresses, prior
strikes, reports),
and four buttons record an action and move on. The case's kind and the reference
decision stay hidden until the learner analyses :meth:`DecisionDesk.decisions_frame`.
Headless, :meth:`DecisionDesk.record_all` (or :func:`modlab.decisions.decisions_frame`)
takes a list of decisions, so tests and graders need no clicks.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.patches import Rectangle

from modlab.decisions import ACTIONS, ACTION_RULES, normalise_decision, decisions_frame
from modlab.style import OKABE_ITO
from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors
from modlab.widgets.render import figure_html, new_figure

#: Colour and letter per action; the letter carries the meaning, the colour only helps.
ACTION_MARKS = {
    "leave up": (OKABE_ITO["bluish_green"], "L"),
    "remove post": (OKABE_ITO["orange"], "R"),
    "suspend account": (OKABE_ITO["vermillion"], "S"),
    "escalate": (OKABE_ITO["sky_blue"], "E"),
}

_CASE_FIELDS = [
    ("situation", "Situation"),
    ("account", "Account"),
    ("country", "Country"),
    ("language", "Language"),
    ("target", "Named or addressed"),
    ("prior_strikes", "Prior strikes"),
    ("reports", "User reports"),
]


def case_html(case: pd.Series, position: int, total: int) -> str:
    """One case as an HTML card (the post quoted, then its context); the kind and the reference are left out.

    Parameters
    ----------
    case : pandas.Series
        A row of the vignettes (``data.load("moderation_cases")``).
    position, total : int
        The case's number (from 1) and the number of cases, for the heading.

    Returns
    -------
    str
        HTML (every value escaped).
    """
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em;vertical-align:top'>{label}</th>"
        f"<td>{html.escape(str(case[column]))}</td></tr>"
        for column, label in _CASE_FIELDS
    )
    return (
        f"<div class='modlab-case' style='border:1px solid #999;padding:.5em .9em;margin:.4em 0;max-width:54em'>"
        f"<h4 style='margin:.2em 0'>Case {html.escape(str(case['case_id']))} ({position} of {total}), fictional</h4>"
        f"<blockquote style='font-size:110%;margin:.4em 0;padding-left:.8em;border-left:4px solid #555'>"
        f"{html.escape(str(case['post']))}</blockquote><table>{rows}</table></div>"
    )


def progress_text(cases: pd.DataFrame, decisions: Sequence[str | None], current: int) -> str:
    """Plain-text progress: how many cases are decided, with which actions, and which case is shown."""
    decided = [d for d in decisions if d is not None]
    counts = ", ".join(f"{sum(d == action for d in decided)} {action}" for action in ACTIONS)
    text = f"Decided {len(decided)} of {len(cases)} cases ({counts}). Showing case {cases['case_id'].iloc[current]}."
    if len(decided) == len(cases):
        text += " All cases decided: run the next cell to compare with the reference panel (you can still change any case)."
    return text


def draw_progress(cases: pd.DataFrame, decisions: Sequence[str | None], current: int):
    """A strip of squares, one per case: the action's letter (L, R, S, E) when decided, a dot when not.

    Parameters
    ----------
    cases : pandas.DataFrame
        The vignettes (for the case ids).
    decisions : sequence of str or None
        One entry per case, an action or None.
    current : int
        Index of the case shown; its square has a thick black frame and an arrow.

    Returns
    -------
    matplotlib.figure.Figure
        The strip, with a key of the letters. Letters carry the meaning; colours only repeat it.
    """
    total = len(cases)
    fig = new_figure(8.0, 1.7)
    ax = fig.subplots()
    for index, decision in enumerate(decisions):
        colour, letter = ACTION_MARKS[decision] if decision else ("white", "\u00b7")
        frame = index == current
        ax.add_patch(Rectangle((index + 0.06, 0.06), 0.88, 0.88, facecolor=colour, edgecolor="black" if frame else "#777777",
                               linewidth=2.5 if frame else 0.8))
        ax.text(index + 0.5, 0.5, letter, ha="center", va="center", fontsize=11, fontweight="bold")
        ax.text(index + 0.5, -0.25, str(cases["case_id"].iloc[index])[1:], ha="center", va="center", fontsize=7)
    ax.text(current + 0.5, 1.05, "now\n\u25bc", ha="center", va="bottom", fontsize=8, linespacing=0.9)
    key = "   ".join(f"{letter} = {action}" for action, (_, letter) in ACTION_MARKS.items())
    ax.text(total / 2, -0.85, f"{key}   \u00b7 = not decided yet", ha="center", va="center", fontsize=9)
    ax.set_xlim(-0.2, total + 0.2)
    ax.set_ylim(-1.1, 1.8)
    ax.set_axis_off()
    ax.set_title("Your decisions so far (fictional cases)", fontsize=10)
    return fig


class DecisionDesk(widgets.VBox):
    """Widget: one fictional case at a time and four action buttons; decisions kept for analysis.

    Attributes
    ----------
    cases : pandas.DataFrame
        The vignettes shown, in order.
    controls : dict of str to ipywidgets.Widget
        ``case`` (a dropdown to jump to any case) and one button per action in
        :data:`modlab.decisions.ACTIONS` (keyed by the action).
    case_view : ipywidgets.HTML
        The current case (:func:`case_html`).
    summary : ipywidgets.HTML
        Progress in words (:func:`progress_text`).
    figure : ipywidgets.HTML
        The progress strip (:func:`draw_progress`) with alt text and caption.
    decisions : list of str or None
        One entry per case: the action chosen, or None.

    Parameters
    ----------
    cases : pandas.DataFrame
        Vignettes with ``case_id, case_type, reference_decision`` and the columns shown.
    decisions : list, optional
        Decisions to start from, one per case (as for :meth:`record_all`). A ``list`` is
        kept and filled **in place** as the learner clicks, so a notebook can hand the desk
        ``my_decisions = [None] * len(cases)`` and analyse that list afterwards.
    """

    def __init__(self, cases: pd.DataFrame, decisions: Sequence[Any] | None = None):
        self.cases = cases.reset_index(drop=True)
        self.decisions: list[str | None] = decisions if isinstance(decisions, list) else [None] * len(self.cases)
        self.current = 0
        self.controls: dict[str, widgets.Widget] = {
            "case": widgets.Dropdown(
                options=[(f"{case_id}", index) for index, case_id in enumerate(self.cases["case_id"])],
                value=0,
                description="Case shown (id)",
                style={"description_width": "initial"},
                layout=widgets.Layout(width="16em"),
            )
        }
        for action in ACTIONS:
            button = widgets.Button(description=action.capitalize(), tooltip=ACTION_RULES[action],
                                    layout=widgets.Layout(width="12em"))
            button.on_click(lambda _button, action=action: self._on_decide(action))
            self.controls[action] = button
        self.controls["case"].observe(self._on_case, names="value")
        self.case_view = widgets.HTML()
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        buttons = widgets.HBox([self.controls[action] for action in ACTIONS])
        super().__init__([self.controls["case"], self.case_view, buttons, self.summary, self.figure])
        mark_explorer(self, self.controls["leave up"])
        if decisions is not None:
            self.record_all(decisions)
        else:
            self.update()

    def decide(self, action: str) -> None:
        """Record ``action`` for the case shown, then show the next undecided case (or the next case)."""
        self.decisions[self.current] = normalise_decision(action)
        total = len(self.cases)
        following = [(self.current + step) % total for step in range(1, total + 1)]
        undecided = [index for index in following if self.decisions[index] is None]
        self.show(undecided[0] if undecided else following[0])

    def record_all(self, decisions: Sequence[Any]) -> None:
        """Set every decision at once (headless use): one entry per case, None or ... for undecided.

        Raises
        ------
        ValueError, TypeError
            As :func:`modlab.decisions.decisions_frame` for a wrong length or an unknown action.
        """
        decisions = list(decisions)
        if len(decisions) != len(self.cases):
            raise ValueError(f"{len(decisions)} decisions for {len(self.cases)} cases: give one per case (None for undecided)")
        self.decisions[:] = [normalise_decision(d) for d in decisions]  # in place: the caller's list follows
        self.update()

    def show(self, index: int) -> None:
        """Show case number ``index`` (from 0)."""
        if self.controls["case"].value == index:
            self.current = index
            self.update()
        else:
            self.controls["case"].value = index  # its observer updates

    def decisions_frame(self) -> pd.DataFrame:
        """The decided cases next to the reference (:func:`modlab.decisions.decisions_frame`)."""
        return decisions_frame(self.cases, self.decisions)

    def update(self) -> None:
        """Redraw the case, the progress text and the progress strip."""
        case = self.cases.iloc[self.current]
        self.case_view.value = case_html(case, self.current + 1, len(self.cases))
        text = progress_text(self.cases, self.decisions, self.current)
        self.summary.value = f"<p role='status'>{html.escape(text)}</p>"
        letters = ", ".join(
            f"{case_id} {decision or 'not decided'}" for case_id, decision in zip(self.cases["case_id"], self.decisions)
        )
        self.figure.value = figure_html(
            draw_progress(self.cases, self.decisions, self.current),
            alt=f"{text} Case by case: {letters}.",
            caption="Fictional cases. One square per case: the letter of your action, or a dot if not decided; "
            "the framed square is the case shown.",
        )

    @shows_errors
    def _on_decide(self, action: str) -> None:
        self.decide(action)

    @shows_errors
    def _on_case(self, change) -> None:
        self.current = change["new"]
        self.update()


def explore_decisions(cases: pd.DataFrame | None = None, decisions: Sequence[Any] | None = None) -> DecisionDesk:
    """Build the decision desk.

    Parameters
    ----------
    cases : pandas.DataFrame, optional
        Vignettes; default ``data.load("moderation_cases")``.
    decisions : list, optional
        Decisions to start from, one per case (None for undecided). The desk fills this
        very list as the learner clicks (see :class:`DecisionDesk`).

    Returns
    -------
    DecisionDesk
        Display it as the last line of a cell.
    """
    if cases is None:
        from modlab import data

        cases = data.load("moderation_cases")
    return DecisionDesk(cases, decisions)
