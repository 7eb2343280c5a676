"""The events explorer of lesson 07: an interrupted time series, its window, and what else happened.

Daily counts of the simulated post stream around the takeover, the segmented regression of
:func:`modlab.before_after.interrupted_time_series` fitted on a window of days either side,
and the events that a before/after comparison can mistake for the takeover's effect: the US
midterms (Nov 8 2022), the World Cup (from Nov 20) and the amnesty's reinstatements (from late
Nov; announced Nov 24, timeline.csv). A slider sets the window; a second panel shows how the
estimated level change depends on it. Every fit is precomputed, so moving the slider only redraws.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from modlab import before_after, post_stream
from modlab.style import OKABE_ITO, ROLE_COLOURS
from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors
from modlab.widgets.render import figure_html, new_figure

#: Windows offered, in days either side of the takeover.
WINDOWS = tuple(range(14, 239, 7))
#: Events marked on the plot: (date, label, line style). Labels, not colours, tell them apart.
EVENTS = (
    (pd.Timestamp("2022-11-08"), "US midterms", ":"),
    (pd.Timestamp("2022-11-20"), "World Cup starts", "-."),
    (post_stream.AMNESTY[0], "amnesty reinstatements", (0, (5, 2, 1, 2))),
)
OUTCOMES = {"Hateful posts": True, "All keyword posts": False}
_STYLE = {"description_width": "22em"}
_LAYOUT = widgets.Layout(width="100%", max_width="50em")


class ITSWindowExplorer(widgets.VBox):
    """Widget: window slider and outcome choice for an interrupted time series at the takeover.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``window`` (days either side) and ``outcome``.
    fits : dict
        ``(outcome label, window) -> ITSResult`` for every choice (precomputed).
    summary, figure : ipywidgets.HTML

    Parameters
    ----------
    posts : pandas.DataFrame
        The post stream (simulated).
    window : int
        Starting window, days either side (one of :data:`WINDOWS`).
    """

    def __init__(self, posts, window: int = 56):
        self.series = {label: before_after.daily_counts(posts, hateful_only=hateful) * post_stream.SCALE for label, hateful in OUTCOMES.items()}
        self.fits = {(label, w): before_after.interrupted_time_series(series, post_stream.TAKEOVER, w)
                     for label, series in self.series.items() for w in WINDOWS}
        self.controls = {
            "window": widgets.SelectionSlider(options=[(f"{w} days", w) for w in WINDOWS], value=window,
                                              description="Window either side of the takeover (days)",
                                              continuous_update=False, style=_STYLE, layout=_LAYOUT),
            "outcome": widgets.Dropdown(options=list(OUTCOMES), value="Hateful posts",
                                        description="Outcome counted (real-scale posts per day)", style=_STYLE,
                                        layout=widgets.Layout(width="100%", max_width="40em")),
        }
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([*self.controls.values(), self.figure, self.summary])
        mark_explorer(self, self.controls["window"])
        self.update()

    def describe(self, label: str, window: int) -> str:
        """Plain-text summary of the fit for ``label`` and ``window`` (summary and alt text)."""
        fit = self.fits[(label, window)]
        level = [self.fits[(label, w)].level_change for w in WINDOWS]
        inside = [name for date, name, _ in EVENTS if date < post_stream.TAKEOVER + pd.Timedelta(days=window)]
        return (
            f"Simulated, {label.lower()} per day (simulated count x {post_stream.SCALE}). With {window} days either side, "
            f"the level change at the takeover is {fit.level_change:+,.0f} posts per day "
            f"(95% CI {fit.level_ci[0]:+,.0f} to {fit.level_ci[1]:+,.0f}, Newey-West errors, p = {fit.level_p:.2g}; "
            f"{'the interval includes 0: no clear jump' if fit.level_ci[0] <= 0 <= fit.level_ci[1] else 'the interval excludes 0'}) and the slope changes by "
            f"{fit.slope_change:+,.1f} posts per day each day. Across windows of {WINDOWS[0]} to {WINDOWS[-1]} days the level change ranges "
            f"from {min(level):+,.0f} to {max(level):+,.0f}. Inside this window after the takeover: "
            f"{', '.join(inside) if inside else 'none of the marked events'}."
        )

    def draw(self, label: str, window: int):
        """Daily counts with the fitted segments and events; the level change against the window."""
        fit = self.fits[(label, window)]
        series = self.series[label]
        fig = new_figure(9.0, 3.4)
        fig.set_layout_engine("none")  # fixed axes: constrained layout would cost half the update time
        top = fig.add_axes((0.075, 0.2, 0.56, 0.7))
        side = fig.add_axes((0.75, 0.2, 0.235, 0.64))
        start = post_stream.TAKEOVER - pd.Timedelta(days=window)
        end = post_stream.TAKEOVER + pd.Timedelta(days=window - 1)
        shown = series[(series.index >= start - pd.Timedelta(days=14)) & (series.index <= end + pd.Timedelta(days=14))]
        top.plot(shown.index, shown.to_numpy(), ".", markersize=3, color=ROLE_COLOURS["neutral"], label="daily count")
        before = fit.fitted[fit.fitted.index < post_stream.TAKEOVER]
        after = fit.fitted[fit.fitted.index >= post_stream.TAKEOVER]
        top.plot(before.index, before.to_numpy(), color=ROLE_COLOURS["random_sample"], linewidth=2, label="fit before")
        top.plot(after.index, after.to_numpy(), color=ROLE_COLOURS["opt_in"], linewidth=2, linestyle="--", label="fit after")
        top.axvline(post_stream.TAKEOVER, color=ROLE_COLOURS["truth"], linewidth=1.5)
        ymax = float(np.percentile(shown, 98)) * 1.5  # the one-day spike may run off the top: a note says so
        top.set_ylim(0, ymax)
        top.set_xlim(shown.index[0], shown.index[-1])
        # days shown for context but not fitted are shaded, so nothing outside the window looks part of the fit
        for lo, hi in ((shown.index[0], start), (end, shown.index[-1])):
            top.axvspan(lo, hi, color=ROLE_COLOURS["neutral"], alpha=0.15, linewidth=0)
        top.annotate("shaded: outside the window", (shown.index[-1], ymax * 0.03), fontsize=7, ha="right", xytext=(-2, 0), textcoords="offset points")
        top.annotate("takeover", (post_stream.TAKEOVER, ymax * 0.97), fontsize=8, ha="right", va="top", xytext=(-3, 0), textcoords="offset points")
        off_scale = shown[shown > ymax]
        if len(off_scale):
            day, value = off_scale.idxmax(), float(off_scale.max())
            top.plot([day], [ymax * 0.985], marker="^", color=ROLE_COLOURS["neutral"], markersize=5, clip_on=False)
            top.annotate(f"{day:%b %d}: {value:,.0f} (off the scale)", (day, ymax * 0.97), fontsize=8, ha="left", va="top",
                         xytext=(4, 0), textcoords="offset points")
        span = (shown.index[-1] - shown.index[0]).days
        for number, (date, name, style) in enumerate(EVENTS):
            if start <= date <= end:  # only events inside the fitted window, as the summary lists them
                top.axvline(date, color=OKABE_ITO["reddish_purple"], linestyle=style, linewidth=1)
                # labels near the right edge go to the left of their line, so they are not cut off
                left_side = (date - shown.index[0]).days > 0.75 * span
                top.annotate(name, (date, ymax * (0.86 - 0.09 * number)), fontsize=8, ha="right" if left_side else "left",
                             xytext=(-3 if left_side else 3, 0), textcoords="offset points")
        top.set_ylabel("Real-scale posts per day")
        top.set_title(f"Simulated: {label.lower()}, {window} days either side", fontsize=10)
        top.legend(loc="lower left", fontsize=8)
        top.tick_params(axis="x", labelrotation=30, labelsize=8)
        levels = [self.fits[(label, w)] for w in WINDOWS]
        side.errorbar(WINDOWS, [f.level_change for f in levels],
                      yerr=np.array([[f.level_change - f.level_ci[0] for f in levels], [f.level_ci[1] - f.level_change for f in levels]]),
                      fmt="o", markersize=3, color=ROLE_COLOURS["random_sample"], ecolor=ROLE_COLOURS["neutral"], elinewidth=1)
        side.plot([window], [fit.level_change], marker="D", markersize=9, color=ROLE_COLOURS["highlight"], linestyle="none")
        side.axhline(0, color=ROLE_COLOURS["truth"], linewidth=0.8)
        side.set_xlabel("Window either side (days)")
        side.set_ylabel("Level change (posts per day)")
        side.set_title("Level change by window\n(diamond: this window)", fontsize=9)
        return fig

    def update(self) -> None:
        """Redraw for the current controls (fits are precomputed)."""
        label, window = self.controls["outcome"].value, self.controls["window"].value
        text = self.describe(label, window)
        self.summary.value = f"<p role='status'>{html.escape(text)}</p>"
        caption = ("Simulated data. Left: dots are daily counts, the solid line the fit before the takeover, the dashed line the fit "
                   "after; labelled vertical lines mark the takeover and other events. Right: the level change with its 95% CI per window.")
        self.figure.value = figure_html(self.draw(label, window), alt=text, caption=caption, dpi=100)  # 100 dpi keeps updates under 300 ms

    @shows_errors
    def _on_change(self, _change) -> None:
        self.update()


def explore_its_window(posts=None, window: int = 56) -> ITSWindowExplorer:
    """Build the events explorer: an interrupted time series whose window you choose.

    Parameters
    ----------
    posts : pandas.DataFrame, optional
        The post stream; default ``data.load("post_stream")`` (simulated).
    window : int
        Starting window in days either side of the takeover, one of :data:`WINDOWS`.

    Returns
    -------
    ITSWindowExplorer
        Display it as the last line of a cell.

    Raises
    ------
    ValueError
        If ``window`` is not one of :data:`WINDOWS`.
    """
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {WINDOWS}, got {window!r}")
    if posts is None:
        from modlab import data

        posts = data.load("post_stream")
    return ITSWindowExplorer(posts, window=window)
