"""The weighting explorer of lesson 04: what weighting by age and sex can and cannot fix.

A thin front end over :func:`modlab.optin_poll.simulate_optin_poll` and
:mod:`modlab.weighting`. The sliders add what weighting cannot see (selection on the
opinion *within* age x sex cells, and bots); the menu picks the weighting. The figure
shows the true share next to the unweighted estimate and every weighting at once, the
chosen one marked; the text gives the remaining bias and Kish's effective sample size,
and says when weighting made the estimate worse than no weighting.

By design the sliders do not change the respondents' mix of age x sex cells (the cells are
drawn first, the same way for every setting, and bots claim cells in the humans' mix), so the
weights and Kish's effective sample size change only with "Rerun". That keeps the comparison
about bias: what the sliders change is who answers *within* the cells.
All its numbers are simulated.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from modlab import optin_poll, weighting
from modlab.style import OKABE_ITO, ROLE_COLOURS
from modlab.widgets.rerunnable import RerunnableExplorer
from modlab.widgets.render import figure_html, new_figure

#: Weighting choices: (label shown in the menu and on the figure, key).
METHODS = [
    ("No weighting", "none"),
    ("Post-stratify on age", "age"),
    ("Post-stratify on age x sex", "age_sex"),
    ("Rake on age and sex margins", "rake"),
]
_LABELS = {key: label for label, key in METHODS}

_SLIDER_STYLE = {"description_width": "30em"}
_SLIDER_LAYOUT = widgets.Layout(width="100%", max_width="56em")
_LABEL_BOX = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"}


def points(bias: float) -> str:
    """A bias (a difference of proportions) in signed percentage points, one decimal; zero is ``"0.0"``, never ``"-0.0"``."""
    value = round(bias * 100, 1)
    return "0.0" if value == 0 else f"{value:+.1f}"


def made_worse(results: dict, method: str) -> bool:
    """True when ``method``'s estimate is further from the truth than the unweighted one (by at least 0.05 points)."""
    return abs(results[method]["bias"]) > abs(results["none"]["bias"]) + 0.0005


def method_weights(poll, method: str) -> np.ndarray:
    """Weights of one weighting method for a simulated poll, towards the simulated population.

    Parameters
    ----------
    poll : pandas.DataFrame
        Output of :func:`modlab.optin_poll.simulate_optin_poll`.
    method : {"none", "age", "age_sex", "rake"}
        No weighting (all 1), post-stratification on age group, on age x sex cells, or
        raking to the age and the sex margins.

    Returns
    -------
    numpy.ndarray, shape (n,)
        One weight per respondent, averaging 1.

    Raises
    ------
    ValueError
        For an unknown method, or a population cell without respondents.
    """
    if method == "none":
        return np.ones(len(poll))
    if method == "age":
        return weighting.post_stratification_weights(poll, optin_poll.population_shares("age_group"), "age_group").to_numpy()
    if method == "age_sex":
        cells = ["age_group", "sex"]
        return weighting.post_stratification_weights(poll, optin_poll.population_shares(cells), cells).to_numpy()
    if method == "rake":
        margins = {column: optin_poll.population_shares(column).to_dict() for column in ("age_group", "sex")}
        return weighting.rake_weights(poll, margins).to_numpy()
    raise ValueError(f"unknown weighting {method!r}; use one of {[key for _, key in METHODS]}")


def estimates(poll) -> dict[str, dict[str, float]]:
    """Every method's estimate, bias, Kish effective sample size, and its estimate without the bots.

    Parameters
    ----------
    poll : pandas.DataFrame
        Output of :func:`modlab.optin_poll.simulate_optin_poll`.

    Returns
    -------
    dict
        For each method key: ``estimate`` (weighted share in favour), ``bias`` (estimate
        minus :func:`modlab.optin_poll.population_truth`), ``n_eff`` (Kish),
        ``design_effect`` and ``humans_only`` (the same weighting recomputed on the human
        respondents alone, which a real pollster could not do; NaN if there are none).
    """
    truth = optin_poll.population_truth()
    humans = poll.loc[~poll["bot"]]
    result = {}
    for _, key in METHODS:
        w = method_weights(poll, key)
        estimate = weighting.weighted_share(poll["in_favour"], w)
        if len(humans) == len(poll):  # no bots: nothing to recompute
            humans_only = estimate
        elif len(humans) == 0:
            humans_only = float("nan")
        else:
            try:
                humans_only = weighting.weighted_share(humans["in_favour"], method_weights(humans, key))
            except ValueError:  # a cell with no human respondent
                humans_only = float("nan")
        result[key] = {
            "estimate": estimate,
            "bias": estimate - truth,
            "n_eff": weighting.kish_effective_sample_size(w),
            "design_effect": weighting.design_effect(w),
            "humans_only": humans_only,
        }
    return result


def describe(poll, results: dict, method: str, opinion_ratio: float, bot_share: float) -> str:
    """Plain-text summary of one simulated poll and its weightings (for the status line and alt text)."""
    truth = optin_poll.population_truth()
    chosen = results[method]
    none = results["none"]
    parts = [
        f"Simulated poll of {len(poll):,} respondents ({poll['bot'].sum():,} of them bots); "
        f"within each age x sex cell supporters are {opinion_ratio:.2f} times as likely to take part as opponents; "
        f"bots are {bot_share:.0%} of respondents.",
        f"True share in favour in the simulated population: {truth:.1%}.",
        f"Unweighted estimate: {none['estimate']:.1%} (bias {points(none['bias'])} points).",
    ]
    if method != "none":
        parts.append(
            f"{_LABELS[method]}: {chosen['estimate']:.1%} (remaining bias {points(chosen['bias'])} points); "
            f"the weights make the {len(poll):,} respondents count as {chosen['n_eff']:,.0f} (Kish's effective sample size; "
            f"design effect {chosen['design_effect']:.1f}; the sliders leave the mix of age x sex cells unchanged by design, "
            f"so this changes only when you rerun)."
        )
        if made_worse(results, method):
            parts.append(
                "Here weighting made the estimate worse than no weighting: the surplus of young men, the most in favour, "
                "had partly offset the error from selection within cells or from the bots; weighting removes that offset "
                "and leaves their error whole."
            )
    if poll["bot"].any() and not np.isnan(chosen["humans_only"]):
        parts.append(f"The same weighting of the human respondents alone would give {chosen['humans_only']:.1%}: the rest of the gap is the bots'.")
    return " ".join(parts)


def draw(results: dict, method: str):
    """Dot plot of the truth and every estimate, one labelled row per weighting.

    Parameters
    ----------
    results : dict
        Output of :func:`estimates`.
    method : str
        The chosen method's key: its row is drawn larger and labelled "(chosen)".

    Returns
    -------
    matplotlib.figure.Figure
        Rows labelled by method; each shows the estimate as a dot joined to the dashed
        truth line, with its value and bias written beside it (not by colour alone).
    """
    truth = optin_poll.population_truth()
    fig = new_figure(8.0, 3.4)
    ax = fig.subplots()
    keys = [key for _, key in METHODS][::-1]
    for y, key in enumerate(keys):
        value = results[key]["estimate"]
        chosen = key == method
        colour = ROLE_COLOURS["opt_in"] if key == "none" else OKABE_ITO["blue"]
        ax.plot([truth * 100, value * 100], [y, y], color=colour, linewidth=3 if chosen else 1.5)
        ax.plot(value * 100, y, marker="D" if chosen else "o", markersize=11 if chosen else 7, color=colour)
        side = 1 if value >= truth else -1
        ax.annotate(f"{value:.1%} ({points(results[key]['bias'])} pts)", (value * 100, y), textcoords="offset points",
                    xytext=(8 * side, 0), ha="left" if side > 0 else "right", va="center", fontsize=9,
                    fontweight="bold" if chosen else "normal", bbox=_LABEL_BOX)
    ax.axvline(truth * 100, color=ROLE_COLOURS["truth"], linestyle="--", linewidth=1.5)
    ax.annotate(f"truth {truth:.1%}", (truth * 100, len(keys) - 0.45), ha="center", fontsize=9, fontweight="bold", bbox=_LABEL_BOX)
    ax.set_yticks(range(len(keys)), [_LABELS[key] + ("  (chosen)" if key == method else "") for key in keys])
    ax.set_ylim(-0.6, len(keys) - 0.2)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Estimated share in favour (%), simulated poll")
    ax.set_title("Simulated: what weighting by age and sex fixes", fontsize=11)
    ax.grid(axis="y", visible=False)
    return fig


class WeightingExplorer(RerunnableExplorer):
    """Widget: selection within cells, bots and the weighting; a figure and a summary.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``opinion_ratio, bot_share, bot_yes_share, method`` and the ``rerun`` button.
    summary : ipywidgets.HTML
        The text of :func:`describe` for the current settings.
    figure : ipywidgets.HTML
        The figure of :func:`draw` as ``<figure><img alt><figcaption>``.
    poll : pandas.DataFrame
        The last simulated poll.
    results : dict
        The last output of :func:`estimates`.

    Parameters
    ----------
    n : int
        Respondents per simulated poll.
    seed : int
        Seed of the first simulation; "Rerun" increments it.
    opinion_ratio, bot_share, bot_yes_share : float
        Starting values (see :func:`modlab.optin_poll.simulate_optin_poll`).
    method : str
        Starting weighting, a key of :data:`METHODS`.
    """

    def __init__(self, n: int, seed: int, opinion_ratio: float, bot_share: float, bot_yes_share: float, method: str):
        self.n = n
        self.seed = seed
        self.controls = {
            "opinion_ratio": self._slider("Supporters' chance to answer, within cells (\u00d7 opponents')",
                                          opinion_ratio, 0.25, 4.0, 0.05, ".2f"),
            "bot_share": self._slider("Share of respondents that are bots (%)", bot_share, 0.0, 0.3, 0.01, ".0%"),
            "bot_yes_share": self._slider("Share of bots answering 'in favour' (%)", bot_yes_share, 0.0, 1.0, 0.05, ".0%"),
            "method": widgets.Dropdown(
                options=METHODS, value=method, description="Weighting (to the simulated population)",
                style=_SLIDER_STYLE, layout=widgets.Layout(width="100%", max_width="56em"),
            ),
            "rerun": widgets.Button(
                description="Rerun with new random respondents",
                tooltip="Draw a new simulated poll with the same settings",
                layout=widgets.Layout(width="27em"),
            ),
        }
        self.poll = None
        self.results = None
        self._assemble("opinion_ratio")

    @staticmethod
    def _slider(description: str, value: float, low: float, high: float, step: float, fmt: str) -> widgets.FloatSlider:
        return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description, readout_format=fmt,
                                   continuous_update=False, style=_SLIDER_STYLE, layout=_SLIDER_LAYOUT)

    def update(self) -> None:
        """Simulate a poll for the current controls, weight it every way, and redraw."""
        c = self.controls
        self.poll = optin_poll.simulate_optin_poll(self.n, c["opinion_ratio"].value, c["bot_share"].value, c["bot_yes_share"].value, seed=self.seed)
        self.results = estimates(self.poll)
        text = describe(self.poll, self.results, c["method"].value, c["opinion_ratio"].value, c["bot_share"].value)
        self.summary.value = f"<p role='status'>{html.escape(text)}</p>"
        caption = (
            "Simulated data. Each row is one way of estimating the share in favour from the same simulated poll; "
            "the dashed line is the true share, the chosen weighting is drawn as a large diamond."
        )
        self.figure.value = figure_html(draw(self.results, c["method"].value), alt=text, caption=caption)


def explore_weighting(n: int = 20_000, seed: int = 0, opinion_ratio: float = 1.0, bot_share: float = 0.0,
                      bot_yes_share: float = 0.9, method: str = "age_sex") -> WeightingExplorer:
    """Build the weighting explorer widget.

    Parameters
    ----------
    n : int
        Respondents per simulated poll (skewed like the Xbox poll; see :mod:`modlab.optin_poll`).
    seed : int
        Seed of the first simulation; "Rerun" increments it.
    opinion_ratio : float
        Within every age x sex cell, supporters' chance to answer divided by opponents' (> 0).
    bot_share, bot_yes_share : float
        Share of respondents that are bots, and share of bots answering "in favour" (proportions).
    method : {"none", "age", "age_sex", "rake"}
        Starting weighting.

    Returns
    -------
    WeightingExplorer
        Display it as the last line of a cell.

    Raises
    ------
    ValueError
        For an unknown method or a setting outside its control's range.
    """
    if method not in _LABELS:
        raise ValueError(f"unknown weighting {method!r}; use one of {list(_LABELS)}")
    if not 0.25 <= opinion_ratio <= 4.0 or not 0 <= bot_share <= 0.3 or not 0 <= bot_yes_share <= 1:
        raise ValueError("opinion_ratio must be in [0.25, 4], bot_share in [0, 0.3] and bot_yes_share in [0, 1]")
    return WeightingExplorer(n, seed, opinion_ratio, bot_share, bot_yes_share, method)
