"""The timeline explorer of lesson 00: pick event types and a date range.

A thin front end over :func:`modlab.timeline.filter_events`: the controls choose
event types and dates, the explorer redraws the timeline (with alt text naming
every event shown) and lists the events with their sources. All events are real
and press-reported (confidence tag S).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from modlab.timeline import (
    CATEGORIES,
    alt_text,
    describe_events,
    draw_timeline,
    event_date,
    filter_events,
    format_day,
)
from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors
from modlab.widgets.render import figure_html, new_figure

_STYLE = {"description_width": "initial"}


class TimelineExplorer(widgets.VBox):
    """Widget: choose event types and dates; see the timeline and the list of events.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``categories`` (a multi-select, "Show events of type") and ``dates``
        (a range slider, "Dates shown").
    summary : ipywidgets.HTML
        How many events are shown, then one list item per event with its source.
        Each item carries ``data-row`` = the event's row label in the timeline.
    figure : ipywidgets.HTML
        The timeline as ``<figure><img alt><figcaption>``; the alt text lists the events shown.
    events : pandas.DataFrame
        The rows shown now (output of :func:`modlab.timeline.filter_events`).
    """

    def __init__(self, timeline: pd.DataFrame):
        self.timeline = timeline
        first, last = timeline["date"].min(), timeline["date"].max()
        days = pd.date_range(first, last, freq="D")
        try:
            self._marks = {event_date(timeline, "poll", "amnesty"): "amnesty poll opens"}
        except LookupError:
            self._marks = {}
        self.controls = {
            "categories": widgets.SelectMultiple(
                options=list(CATEGORIES),
                value=tuple(CATEGORIES),
                rows=len(CATEGORIES),
                description="Show events of type",
                style=_STYLE,
                layout=widgets.Layout(width="22em"),
            ),
            "dates": widgets.SelectionRangeSlider(
                options=[(format_day(day), day) for day in days],
                index=(0, len(days) - 1),
                description="Dates shown (2022)",
                continuous_update=False,  # redraw when the handle is released
                style=_STYLE,
                layout=widgets.Layout(width="100%", max_width="44em"),  # shrinks, rather than clips, when zoomed
            ),
        }
        help_text = widgets.HTML(
            "<span style='font-size:90%'>Pick several types with Ctrl-click (Cmd-click on a Mac) "
            "or Shift-click; drag either end of the date slider.</span>"
        )
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        self.events = timeline.iloc[0:0]
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([self.controls["categories"], help_text, self.controls["dates"], self.figure, self.summary])
        mark_explorer(self, self.controls["dates"])
        self.update()

    def update(self) -> None:
        """Filter the events for the current controls and redraw the figure and the list."""
        categories = list(self.controls["categories"].value)
        start, end = self.controls["dates"].value
        self.events = filter_events(self.timeline, categories, start, end)
        period = f"{format_day(start)} to {format_day(end)} 2022"
        kinds = ", ".join(categories) if categories else "no type chosen"

        fig = new_figure(8.5, 3.6)
        ax = fig.subplots()
        draw_timeline(ax, self.events, categories=categories, start=start, end=end, marks=self._marks)
        ax.set_title(f"Case timeline, {period}", fontsize=11)
        caption = (
            f"Real events, press-reported [S]. Types shown: {kinds}. {len(self.events)} of "
            f"{len(self.timeline)} events; each number is the event's row label in the timeline table."
        )
        self.figure.value = figure_html(fig, alt=alt_text(self.events, categories), caption=caption)

        if not categories:
            head = "No event type is selected: choose at least one in \u201cShow events of type\u201d."
        else:
            head = f"{len(self.events)} of {len(self.timeline)} events shown ({kinds}; {period})."
        items = "".join(
            f"<li data-row='{label}'>{html.escape(line)}</li>"
            for label, line in zip(self.events.index, describe_events(self.events))
        )
        listing = f"<ul>{items}</ul>" if items else ""
        self.summary.value = f"<div role='status'><p><strong>{html.escape(head)}</strong></p>{listing}</div>"

    @shows_errors
    def _on_change(self, _change) -> None:
        self.update()


def explore_timeline(timeline: pd.DataFrame | None = None) -> TimelineExplorer:
    """Build the timeline explorer.

    Parameters
    ----------
    timeline : pandas.DataFrame, optional
        The case timeline; defaults to ``modlab.data.load("timeline")``.

    Returns
    -------
    TimelineExplorer
        Display it as the last line of a cell.
    """
    if timeline is None:
        from modlab import data

        timeline = data.load("timeline")
    return TimelineExplorer(timeline)
