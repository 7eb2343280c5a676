"""The moderation capacity simulator of lesson 01: reports, reviewers and who waits.

A thin front end over :mod:`modlab.capacity`: the controls set the assumptions of a
:class:`~modlab.capacity.CapacitySetup`, the explorer recomputes
:func:`~modlab.capacity.summarise` and :func:`~modlab.capacity.simulate_backlog` and
shows the backlog of every language group over the days and the share of reports no one
has reviewed by the end. Every number it shows is **simulated**; only the reviewer
counts of the two presets follow reported figures (about 5,500 contract moderators, about
4,400 of them cut, Platformer [S]).
"""

from __future__ import annotations

import html
import math
from dataclasses import replace

import ipywidgets as widgets
import numpy as np

from modlab.capacity import PRESETS, CapacitySetup, describe_summary, simulate_backlog, summarise, with_reviewer_share_outside
from modlab.style import PALETTE
from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors
from modlab.widgets.render import figure_html, new_figure

# Wide enough for the longest label in full (a clipped label fails the browser suite).
_STYLE = {"description_width": "22em"}
_LAYOUT = widgets.Layout(width="46em")
#: Line styles and markers per language group, so groups differ by more than colour.
_LINES = [("-", "o"), ("--", "s"), ("-.", "^"), (":", "D"), ("-", "v"), ("--", "P")]


def draw(setup: CapacitySetup, daily, summary):
    """Backlog by day for every language group, each line labelled with its unreviewed share.

    Parameters
    ----------
    setup : CapacitySetup
        The assumptions simulated (for the axis range and the group order).
    daily : pandas.DataFrame
        Output of :func:`modlab.capacity.simulate_backlog`.
    summary : pandas.DataFrame
        Output of :func:`modlab.capacity.summarise`.

    Returns
    -------
    matplotlib.figure.Figure
        One line per language group, reports waiting (thousands) against day, each with its
        own colour, line style and marker, and a label at its right end naming the group and
        the share of its reports not reviewed by the last day. One panel with fixed margins
        (no layout engine), so a redraw renders once: this keeps updates fast.
    """
    fig = new_figure(9.0, 3.6)
    fig.set_layout_engine(None)
    fig.subplots_adjust(left=0.11, right=0.62, bottom=0.14, top=0.9)
    ax = fig.subplots()
    every = max(1, setup.days // 6)
    ends = []
    for index, group in enumerate(setup.groups):
        rows = daily[daily["language"] == group.name]
        style, marker = _LINES[index % len(_LINES)]
        colour = PALETTE[index % len(PALETTE)]
        ax.plot(rows["day"], rows["backlog"] / 1000, linestyle=style, marker=marker, markevery=every,
                color=colour, linewidth=1.8, markersize=5)
        ends.append((rows["backlog"].iloc[-1] / 1000, group.name, colour, marker))
    top = max([end for end, *_ in ends] + [1.0]) * 1.08
    ax.set_xlim(0, setup.days)
    ax.set_ylim(0, top)
    # labels at the right end, in the order of the lines, spread so they never overlap
    gap = top / 9
    placed = []
    for end, name, colour, marker in sorted(ends, key=lambda item: item[0]):
        y = max(end, placed[-1] + gap) if placed else end
        placed.append(y)
        share = summary.loc[name, "unreviewed_share"]
        ax.annotate(f"{marker_name(marker)} {name}: {share:.0%} not reviewed", (setup.days, end), xytext=(setup.days * 1.03, y),
                    textcoords="data", va="center", fontsize=9, color="black", annotation_clip=False,
                    arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.8})
    ax.set_xlabel("Day")
    ax.set_ylabel("Reports waiting\n(thousands)")
    ax.set_title("Simulated backlog by language group (illustrative assumptions)", fontsize=10, loc="left")
    return fig


def marker_name(marker: str) -> str:
    """A text symbol that matches a line's marker, so labels name the line by shape too.

    Parameters
    ----------
    marker : str
        A matplotlib marker code used in :data:`_LINES`.

    Returns
    -------
    str
        A Unicode shape (e.g. ``"\u25cf"`` for a circle), or ``""`` for an unknown marker.
    """
    return {"o": "\u25cf", "s": "\u25a0", "^": "\u25b2", "D": "\u25c6", "v": "\u25bc", "P": "\u271a"}.get(marker, "")


class CapacityExplorer(widgets.VBox):
    """Widget: a scenario menu, sliders for the assumptions, a summary and a figure.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``scenario`` (preset menu), ``reset`` (button: every slider back to the scenario's values), ``reviewers``, ``reports_k`` (thousands per day),
        ``auto_share``, ``reviews_per_reviewer``, ``outside_english`` (share of reviewers
        outside English) and ``days``.
    summary : ipywidgets.HTML
        A sentence for all languages and a table per language group (simulated).
    figure : ipywidgets.HTML
        The figure of :func:`draw` as ``<figure><img alt><figcaption>``.
    result : pandas.DataFrame
        The last :func:`modlab.capacity.summarise` table.

    Parameters
    ----------
    setup : CapacitySetup
        Starting values; its language groups' report shares stay fixed, their reviewer
        shares follow the "outside English" control.
    scenario : str
        Name shown in the scenario menu at the start (a key of :data:`modlab.capacity.PRESETS`).
    """

    def __init__(self, setup: CapacitySetup, scenario: str):
        self.base = setup
        outside = _outside_english(setup)
        self.controls = {
            "scenario": widgets.Dropdown(options=list(PRESETS), value=scenario, description="Start from scenario",
                                         style=_STYLE, layout=_LAYOUT),
            "reset": widgets.Button(description="Reset sliders to this scenario",
                                    tooltip="Set every slider back to the values of the scenario chosen above",
                                    # under the menu, in the column of the controls (labels are 22em wide)
                                    layout=widgets.Layout(width="20em", margin="2px 0 6px calc(22em + 8px)")),
            "reviewers": widgets.IntSlider(value=setup.reviewers, min=0, max=8000, step=100,
                                           description="Human reviewers (people)", continuous_update=False,
                                           style=_STYLE, layout=_LAYOUT),
            "reports_k": widgets.IntSlider(value=round(setup.reports_per_day / 1000), min=50, max=2000, step=50,
                                           description="User reports per day (thousands)", continuous_update=False,
                                           style=_STYLE, layout=_LAYOUT),
            "auto_share": widgets.FloatSlider(value=setup.auto_share, min=0.0, max=0.95, step=0.05, readout_format=".0%",
                                              description="Decided automatically (% of reports)", continuous_update=False,
                                              style=_STYLE, layout=_LAYOUT),
            "reviews_per_reviewer": widgets.IntSlider(value=round(setup.reviews_per_reviewer), min=10, max=200, step=5,
                                                      description="Reviews per reviewer (reports/day)",
                                                      continuous_update=False, style=_STYLE, layout=_LAYOUT),
            "outside_english": widgets.FloatSlider(value=outside, min=0.0, max=1.0, step=0.05, readout_format=".0%",
                                                   description="Reviewers outside English (%)", continuous_update=False,
                                                   style=_STYLE, layout=_LAYOUT),
            "days": widgets.IntSlider(value=setup.days, min=7, max=90, step=1, description="Days simulated (days)",
                                      continuous_update=False, style=_STYLE, layout=_LAYOUT),
        }
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        self.result = None
        self._holding = False
        for name, control in self.controls.items():
            if name != "reset":
                control.observe(self._on_scenario if name == "scenario" else self._on_change, names="value")
        # Choosing the scenario already shown changes no value, so the menu alone cannot undo slider moves.
        self.controls["reset"].on_click(self._on_reset)
        super().__init__([*self.controls.values(), self.summary, self.figure])
        mark_explorer(self, self.controls["reviewers"])
        self.update()

    def current_setup(self) -> CapacitySetup:
        """The :class:`~modlab.capacity.CapacitySetup` the controls describe now."""
        c = self.controls
        setup = replace(
            self.base,
            reviewers=int(c["reviewers"].value),
            reports_per_day=c["reports_k"].value * 1000,
            auto_share=float(c["auto_share"].value),
            reviews_per_reviewer=c["reviews_per_reviewer"].value,
            days=int(c["days"].value),
        )
        outside = float(c["outside_english"].value)
        if math.isclose(outside, _outside_english(self.base), abs_tol=1e-9):
            return setup  # the preset's own split, not a recomputed one (same numbers to the last digit)
        return with_reviewer_share_outside(setup, outside)

    def update(self) -> None:
        """Recompute the simulation for the current controls and redraw."""
        try:
            setup = self.current_setup()
            daily = simulate_backlog(setup)
            self.result = summarise(setup)
        except ValueError as err:  # impossible settings: say so instead of raising in the callback
            self.summary.value = f"<p role='status'><strong>These settings cannot be simulated:</strong> {html.escape(str(err))}</p>"
            return
        text = describe_summary(self.result)
        self.summary.value = _summary_html(self.result, describe_summary(self.result, per_group=False))
        caption = (
            "Simulated data (illustrative assumptions, not Twitter's figures). Reports waiting for a person "
            "(thousands) on each simulated day, one line per language group; the label at the right end of each line "
            "gives the share of that group's reports sent to people that nobody has reviewed by the last day."
        )
        self.figure.value = figure_html(draw(setup, daily, self.result), alt=text, caption=caption, dpi=100)

    def load_scenario(self, name: str) -> None:
        """Set every slider to the preset ``name`` and redraw once.

        Raises
        ------
        KeyError
            If ``name`` is not a key of :data:`modlab.capacity.PRESETS`.
        """
        preset = PRESETS[name]
        self.base = preset
        outside = _outside_english(preset)
        values = {
            "reviewers": preset.reviewers,
            "reports_k": round(preset.reports_per_day / 1000),
            "auto_share": preset.auto_share,
            "reviews_per_reviewer": round(preset.reviews_per_reviewer),
            "outside_english": outside,
            "days": preset.days,
        }
        self._holding = True
        try:
            for key, value in values.items():
                self.controls[key].value = value
        finally:
            self._holding = False
        self.update()

    @shows_errors
    def _on_scenario(self, change) -> None:
        self.load_scenario(change["new"])

    def reset(self) -> None:
        """Set every slider back to the values of the scenario shown in the menu, and redraw once."""
        self.load_scenario(self.controls["scenario"].value)

    @shows_errors
    def _on_reset(self, _button) -> None:
        self.reset()

    @shows_errors
    def _on_change(self, _change) -> None:
        if not self._holding:
            self.update()


def _outside_english(setup: CapacitySetup) -> float:
    """Share of the setup's reviewers outside the English group (1 if there is none)."""
    return 1 - next((g.reviewer_share for g in setup.groups if g.name == "English"), 0.0)


def _summary_html(summary, text: str) -> str:
    """The summary sentence and a small accessible table (simulated numbers)."""
    head = (
        "<tr><th scope='col'>Language group</th><th scope='col'>Reports to people per day</th>"
        "<th scope='col'>Reviews possible per day</th><th scope='col'>Waiting at the end</th>"
        "<th scope='col'>Not reviewed</th><th scope='col'>Wait for a report filed on the last day</th></tr>"
    )
    rows = []
    for name, row in summary.iterrows():
        wait = row["wait_days"]
        wait_text = "never (no reviewers)" if np.isinf(wait) else ("same day" if wait == 0 else f"{wait:,.1f} days")
        rows.append(
            f"<tr><th scope='row'>{html.escape(str(name))}</th><td>{row['reports_to_humans_per_day']:,.0f}</td>"
            f"<td>{row['capacity_per_day']:,.0f}</td><td>{row['backlog']:,.0f}</td>"
            f"<td>{row['unreviewed_share']:.0%}</td><td>{wait_text}</td></tr>"
        )
    return (
        f"<div role='status'><p><strong>{html.escape(text)}</strong> Language splits and rates are illustrative assumptions.</p>"
        "<table class='modlab-table' style='border-collapse:collapse;font-size:90%'>"
        "<caption style='text-align:left'>Simulated queue by language group</caption>"
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def explore_capacity(scenario: str = "before Nov 2022", **overrides) -> CapacityExplorer:
    """Build the moderation capacity simulator widget.

    Parameters
    ----------
    scenario : str
        Starting preset, a key of :data:`modlab.capacity.PRESETS`
        (``"before Nov 2022"`` or ``"after the contractor cuts"``).
    **overrides
        Fields of :class:`modlab.capacity.CapacitySetup` to change from the preset
        (``reports_per_day, auto_share, reviewers, reviews_per_reviewer, groups, days``).

    Returns
    -------
    CapacityExplorer
        Display it as the last line of a cell.

    Raises
    ------
    KeyError
        For an unknown scenario.
    TypeError
        For an unknown setup field.
    """
    if scenario not in PRESETS:
        raise KeyError(f"unknown scenario {scenario!r}; choose one of {list(PRESETS)}")
    fields = set(CapacitySetup.__dataclass_fields__)
    unknown = set(overrides) - fields
    if unknown:
        raise TypeError(f"unknown capacity setting(s) {sorted(unknown)}; use {sorted(fields)}")
    return CapacityExplorer(replace(PRESETS[scenario], **overrides), scenario)
