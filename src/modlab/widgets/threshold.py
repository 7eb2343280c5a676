"""The threshold explorer of lesson 08: what moving a classifier's threshold does, on a test set and per day.

A thin front end over :func:`modlab.thresholds.rates_at_threshold` and
:func:`modlab.thresholds.errors_per_day`. The scores are the held-out test scores of the lesson's
classifier (:func:`modlab.classifier.trained`), computed once; moving a control only recounts.
The rates are measured on the Davidson et al. (2017) test split; the per-day counts combine them
with two assumptions the learner sets: how many posts are screened per day and what share of them
is hateful (a keyword-selected sample such as Davidson's holds far more hate than a whole platform,
so its share is not used as the platform's).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from modlab.style import OKABE_ITO
from modlab.thresholds import errors_per_day, rates_at_threshold
from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors
from modlab.widgets.render import figure_html

#: Choices for "posts screened per day": (label, posts/day).
POSTS_PER_DAY_CHOICES = [
    ("10,000", 10_000),
    ("100,000", 100_000),
    ("1 million", 1_000_000),
    ("10 million", 10_000_000),
    ("100 million", 100_000_000),
]

#: Choices for the assumed share of hateful posts: (label, share). None is a measured platform-wide figure.
PREVALENCE_CHOICES = [
    ("0.1%", 0.001),
    ("0.5%", 0.005),
    ("1%", 0.01),
    ("2%", 0.02),
    ("5%", 0.05),
]

_STYLE = {"description_width": "24em"}
_LAYOUT = widgets.Layout(width="100%", max_width="50em")
_GRID = np.round(np.arange(0.01, 1.0, 0.01), 2)  # thresholds drawn in the figure
#: Precision is not drawn where fewer tweets than this are flagged: a share of 0, 1 or 2 posts says nothing.
MIN_FLAGGED_FOR_PRECISION = 5


def describe(rates: dict, per_day: dict, threshold: float, posts_per_day: int, prevalence: float) -> str:
    """Plain-text summary of one setting (also the figure's alt text).

    Parameters
    ----------
    rates : dict
        Output of :func:`modlab.thresholds.rates_at_threshold` on the test set.
    per_day : dict
        Output of :func:`modlab.thresholds.errors_per_day`.
    threshold : float
        The threshold (probability of hate).
    posts_per_day : int
        Posts screened per day.
    prevalence : float
        Assumed share of hateful posts.

    Returns
    -------
    str
    """
    flagged = int(rates["tp"] + rates["fp"])
    if np.isnan(rates["precision"]):
        precision = "undefined (nothing flagged)"
    elif flagged < MIN_FLAGGED_FOR_PRECISION:
        precision = f"{rates['precision']:.1%} (of only {flagged} flagged tweets: not drawn in the figure)"
    else:
        precision = f"{rates['precision']:.1%}"
    return (
        f"Threshold {threshold:.2f}: on the held-out Davidson tweets, precision {precision}, "
        f"recall {rates['recall']:.1%}, false-positive rate {rates['fpr']:.2%}. "
        f"At {posts_per_day:,} posts per day with an assumed {prevalence:.1%} hateful: "
        f"about {per_day['wrongful_removals']:,.0f} wrongful removals per day and "
        f"{per_day['missed_hateful']:,.0f} missed hateful posts per day "
        f"(of {per_day['hateful']:,.0f} hateful posts)."
    )


def _matrix_html(rates: dict) -> str:
    """The confusion matrix as an HTML table with header cells (read by screen readers)."""
    return (
        "<table style='border-collapse:collapse;margin:0.3em 0' aria-label='Confusion matrix on the held-out tweets'>"
        "<caption style='text-align:left;font-weight:bold'>Confusion matrix, held-out tweets (counts)</caption>"
        "<tr><td></td><th scope='col'>flagged</th><th scope='col'>not flagged</th></tr>"
        f"<tr><th scope='row'>hate (gold)</th><td>{rates['tp']:,} true positives</td><td>{rates['fn']:,} false negatives</td></tr>"
        f"<tr><th scope='row'>not hate (gold)</th><td>{rates['fp']:,} false positives</td><td>{rates['tn']:,} true negatives</td></tr>"
        "</table>"
    )


class ThresholdExplorer(widgets.VBox):
    """Widget: a threshold slider, two scale controls, the rates, a confusion matrix and a figure.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``threshold``, ``posts_per_day`` and ``prevalence``.
    summary : ipywidgets.HTML
        :func:`describe` and the confusion matrix for the current settings.
    figure : ipywidgets.HTML
        ``<figure><img alt><figcaption>``: rates against the threshold, and errors per day.
    rates, per_day : dict
        The last results of :func:`~modlab.thresholds.rates_at_threshold` and
        :func:`~modlab.thresholds.errors_per_day`.

    Parameters
    ----------
    labels, scores : numpy.ndarray, shape (n,)
        Held-out gold labels (1 = hate) and scores.
    threshold : float
        Starting threshold, in [0.01, 0.99].
    posts_per_day : int
        Starting posts per day (one of :data:`POSTS_PER_DAY_CHOICES`).
    prevalence : float
        Starting assumed share of hateful posts (one of :data:`PREVALENCE_CHOICES`).
    """

    def __init__(self, labels, scores, threshold: float, posts_per_day: int, prevalence: float):
        self.labels = np.asarray(labels).astype(int)
        self.scores = np.asarray(scores, dtype=float)
        # Precomputed once: the curves in the figure do not depend on the controls.
        self.curve = [rates_at_threshold(self.labels, self.scores, t) for t in _GRID]
        self.controls = {
            "threshold": widgets.FloatSlider(
                value=threshold, min=0.01, max=0.99, step=0.01, readout_format=".2f",
                description="Threshold: flag if score \u2265 (probability of hate)",
                continuous_update=False, style=_STYLE, layout=_LAYOUT,
            ),
            "posts_per_day": widgets.SelectionSlider(
                options=POSTS_PER_DAY_CHOICES, value=posts_per_day,
                description="Posts screened per day (posts/day)",
                continuous_update=False, style=_STYLE, layout=_LAYOUT,
            ),
            "prevalence": widgets.SelectionSlider(
                options=PREVALENCE_CHOICES, value=prevalence,
                description="Assumed share of posts that are hateful (%)",
                continuous_update=False, style=_STYLE, layout=_LAYOUT,
            ),
        }
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([*self.controls.values(), self.figure, self.summary])
        mark_explorer(self, self.controls["threshold"])
        self.update()

    def update(self) -> None:
        """Recount for the current controls and redraw."""
        threshold = self.controls["threshold"].value
        posts = self.controls["posts_per_day"].value
        prevalence = self.controls["prevalence"].value
        self.rates = rates_at_threshold(self.labels, self.scores, threshold)
        self.per_day = errors_per_day(self.rates["recall"], self.rates["fpr"], posts, prevalence)
        text = describe(self.rates, self.per_day, threshold, posts, prevalence)
        self.summary.value = (
            f"<p role='status'>{html.escape(text)}</p>{_matrix_html(self.rates)}"
            "<p style='font-size:90%'>Rates: measured on the held-out 20% of the Davidson et al. (2017) tweets. "
            "Posts per day and the share of hateful posts: assumptions you set (the keyword-selected Davidson "
            "sample is about 6% hate, far above a whole platform's share, so it is not used).</p>"
        )
        caption = (
            "Left: precision (solid, circles), recall (dashed, squares) and false-positive rate (dotted, triangles) "
            "of the lesson's classifier on held-out tweets as the threshold changes; the vertical line is the chosen "
            f"threshold. Precision is not drawn where fewer than {MIN_FLAGGED_FOR_PRECISION} tweets are flagged. "
            "Right: expected wrongful removals (hatched) and missed hateful posts (dotted) per day at the chosen scale "
            "(rates measured, scale and share of hate assumed)."
        )
        self.figure.value = figure_html(self.draw(threshold), alt=text, caption=caption, dpi=100)

    def draw(self, threshold: float):
        """Rates against the threshold (left) and errors per day (right); lines told apart by style and marker."""
        # Fixed margins instead of new_figure's constrained layout: the layout never changes, and solving it
        # on every redraw costs about a sixth of the update's time. Like new_figure's, not tied to pyplot.
        fig = Figure(figsize=(9.0, 3.8))
        left, right = fig.subplots(1, 2, width_ratios=[1.6, 1])
        fig.subplots_adjust(left=0.07, right=0.985, bottom=0.29, top=0.9, wspace=0.42)
        series = [
            ("precision", "Precision", "-", "o", OKABE_ITO["blue"]),
            ("recall", "Recall", "--", "s", OKABE_ITO["orange"]),
            ("fpr", "False-positive rate", ":", "^", OKABE_ITO["bluish_green"]),
        ]
        for key, label, style, marker, colour in series:
            values = [row[key] for row in self.curve]
            if key == "precision":  # a gap, not a plunge to 0, where too few tweets are flagged to measure it
                values = [v if row["tp"] + row["fp"] >= MIN_FLAGGED_FOR_PRECISION else np.nan
                          for v, row in zip(values, self.curve)]
            left.plot(_GRID, values, linestyle=style, marker=marker, markevery=12, color=colour, label=label)
        left.axvline(threshold, color=OKABE_ITO["black"], linewidth=1.2)
        left.annotate(f"threshold {threshold:.2f}", (threshold, 1.02), ha="center", fontsize=9, annotation_clip=False)
        left.set_xlim(0, 1)
        left.set_ylim(0, 1.0)
        left.set_xlabel("Threshold (flag if score \u2265 threshold)")
        left.set_ylabel("Rate on held-out tweets")
        # Below the axes, so the legend never covers a curve.
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8, frameon=False)
        # Bars named on the axis and numbered on top, and told apart by hatching as well as colour.
        bars = [("Wrongful\nremovals", self.per_day["wrongful_removals"], OKABE_ITO["vermillion"], "//"),
                ("Missed\nhateful posts", self.per_day["missed_hateful"], OKABE_ITO["sky_blue"], "..")]
        for x, (_, value, colour, hatch) in enumerate(bars):
            right.bar(x, value, color=colour, hatch=hatch, edgecolor=OKABE_ITO["black"])
            right.annotate(f"{value:,.0f}", (x, value), ha="center", va="bottom", fontsize=9)
        right.set_xticks([0, 1], [bar[0] for bar in bars])
        right.set_ylabel("Posts per day")
        right.set_ylim(0, max(1.0, max(bar[1] for bar in bars)) * 1.18)
        right.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        right.set_title("Errors per day (assumed scale)", fontsize=10)
        return fig

    @shows_errors
    def _on_change(self, _change) -> None:
        self.update()


def explore_threshold(model=None, threshold: float | None = None, posts_per_day: int = 1_000_000,
                      prevalence: float = 0.01) -> ThresholdExplorer:
    """Build the threshold explorer for the lesson's classifier.

    Parameters
    ----------
    model : modlab.classifier.TrainedModel, optional
        Its held-out ``test_labels`` and ``test_scores`` are used; default
        :func:`modlab.classifier.trained` (trains once per kernel).
    threshold : float, optional
        Starting threshold; default the model's operating threshold rounded to 0.01 (the slider's step).
    posts_per_day : int
        Starting posts screened per day (one of :data:`POSTS_PER_DAY_CHOICES`).
    prevalence : float
        Starting assumed share of hateful posts (one of :data:`PREVALENCE_CHOICES`); an assumption,
        since no measured platform-wide share is in the course's fact sheet.

    Returns
    -------
    ThresholdExplorer
        Display it as the last line of a cell.

    Raises
    ------
    ValueError
        If ``posts_per_day`` or ``prevalence`` is not one of the choices.
    """
    if model is None:
        from modlab.classifier import trained

        model = trained()
    if posts_per_day not in {value for _, value in POSTS_PER_DAY_CHOICES}:
        raise ValueError(f"posts_per_day must be one of {[v for _, v in POSTS_PER_DAY_CHOICES]}")
    if prevalence not in {value for _, value in PREVALENCE_CHOICES}:
        raise ValueError(f"prevalence must be one of {[v for _, v in PREVALENCE_CHOICES]}")
    start = round(model.threshold if threshold is None else threshold, 2)
    return ThresholdExplorer(model.test_labels, model.test_scores, min(max(start, 0.01), 0.99), posts_per_day, prevalence)
