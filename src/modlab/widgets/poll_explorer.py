"""The opt-in poll simulator of lesson 03: who sees a poll, who votes, and bots.

A thin front end over :func:`modlab.polls.simulate_opt_in_polls` and
:class:`modlab.polls.OptInPollSetup`: the sliders set the assumptions, the
explorer reruns the simulation and shows, next to the truth, the estimates of
many repeated opt-in polls and of random samples of 1,000 people. All its numbers
are simulated.
"""

from __future__ import annotations

import dataclasses
import html

import ipywidgets as widgets
import numpy as np

from modlab.polls import OptInPollSetup, simulate_opt_in_polls, srs_margin_of_error
from modlab.style import ROLE_COLOURS
from modlab.widgets.rerunnable import RerunnableExplorer
from modlab.widgets.render import figure_html, new_figure

#: Choices for the "votes cast" control: (label, value). Labels stay short: a slider's readout
#: is narrow, and a clipped readout would hide which poll is meant (the browser suite checks).
VOTE_CHOICES = [
    ("1,000", 1_000),
    ("10,000", 10_000),
    ("100,000", 100_000),
    ("1 million", 1_000_000),
    ("3.1 million", 3_100_000),  # the amnesty poll
    ("15.1 million", 15_085_458),  # the reinstatement poll
]

# White box behind text on the plot, so the dashed truth line does not run through the labels.
_LABEL_BOX = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"}

# Wide enough for the longest label in full (a clipped label fails the browser suite).
_SLIDER_STYLE = {"description_width": "28em"}
_SLIDER_LAYOUT = widgets.Layout(width="100%", max_width="54em")  # shrinks, rather than clips, when zoomed


def _slider(description: str, value: float, low: float, high: float, step: float, fmt: str) -> widgets.FloatSlider:
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=False,  # redraw when the handle is released, not on every pixel
        style=_SLIDER_STYLE,
        layout=_SLIDER_LAYOUT,
    )


def describe_result(setup: OptInPollSetup, polls, random_sample_size: int) -> str:
    """One paragraph (plain text) summarising a simulation, used for the summary and alt text.

    Parameters
    ----------
    setup : OptInPollSetup
        The assumptions simulated.
    polls : pandas.DataFrame
        Output of :func:`modlab.polls.simulate_opt_in_polls`.
    random_sample_size : int
        Size of the comparison random sample.

    Returns
    -------
    str
        Sentences giving the truth, the mean opt-in estimate and its spread, the
        random samples' mean and margin of error, rho of the human votes, and the
        effective sample size of all votes (bots included, by mean squared error).
    """
    opt_in = polls["opt_in_estimate"]
    random_sample = polls["random_sample_estimate"]
    moe = srs_margin_of_error(setup.true_share, random_sample_size)
    within = float(np.mean(np.abs(polls["random_sample_error"]) <= moe))
    n_eff = setup.effective_sample_size()
    worth = f"Together, the {setup.votes:,} votes have the error of a random sample of about {n_eff:,.0f} people."
    try:
        rho = setup.data_defect_correlation()
        quality = f"Data-defect correlation of the human votes: rho = {rho:.4f} (bots are not part of the population, so their bias is on top of it)."
    except ValueError as err:
        quality = f"Data-defect correlation undefined here ({err})."
    return (
        f"Simulated, {len(polls)} repeats. True share in favour: {setup.true_share:.1%}. "
        f"Opt-in poll with {setup.votes:,} votes: on average {opt_in.mean():.1%} yes "
        f"(error {(opt_in.mean() - setup.true_share) * 100:+.1f} percentage points); repeats range from {opt_in.min():.1%} to {opt_in.max():.1%}. "
        f"Random samples of {random_sample_size:,}: on average {random_sample.mean():.1%}, "
        f"{within:.0%} of them within the margin of error of plus or minus {moe * 100:.1f} percentage points. {quality} {worth}"
    )


def draw(setup: OptInPollSetup, polls, random_sample_size: int):
    """Strip plot of the repeated estimates, opt-in poll above, random samples below.

    Parameters
    ----------
    setup : OptInPollSetup
        The assumptions simulated (for the truth line and the row labels).
    polls : pandas.DataFrame
        Output of :func:`modlab.polls.simulate_opt_in_polls`.
    random_sample_size : int
        Size of the comparison random sample (row label).

    Returns
    -------
    matplotlib.figure.Figure
        Two labelled rows of jittered dots (one per simulated poll) on a 0-100% axis,
        with the true share as a dashed vertical line. Rows are told apart by their
        labels and markers, not only by colour.
    """
    fig = new_figure(8.0, 3.0)
    ax = fig.subplots()
    rng = np.random.default_rng(1)  # fixed jitter so only the data moves between redraws
    rows = [
        (1, polls["opt_in_estimate"], ROLE_COLOURS["opt_in"], "s", f"Opt-in poll\n({setup.votes:,} votes)"),
        (0, polls["random_sample_estimate"], ROLE_COLOURS["random_sample"], "o", f"Random sample\n({random_sample_size:,} people)"),
    ]
    for y, values, colour, marker, _ in rows:
        jitter = rng.uniform(-0.18, 0.18, size=len(values))
        ax.scatter(values * 100, y + jitter, s=14, alpha=0.55, color=colour, marker=marker, linewidths=0)
        ax.annotate(f"mean {values.mean():.1%}", (values.mean() * 100, y + 0.3), ha="center", fontsize=9, bbox=_LABEL_BOX, zorder=5)
    ax.axvline(setup.true_share * 100, color=ROLE_COLOURS["truth"], linestyle="--", linewidth=1.5)
    # Beside the line, not across it (left of it when the truth is near 100%).
    near_right = setup.true_share > 0.85
    ax.annotate(f"truth {setup.true_share:.0%}", (setup.true_share * 100, 1.5), textcoords="offset points",
                xytext=(-5 if near_right else 5, 0), ha="right" if near_right else "left", va="center",
                fontsize=9, fontweight="bold")
    ax.set_yticks([row[0] for row in rows], [row[4] for row in rows])
    ax.set_ylim(-0.5, 1.7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Estimated share in favour (%) - each dot is one simulated poll")
    ax.set_title("Simulated: repeated opt-in polls vs random samples", fontsize=11)
    ax.grid(axis="y", visible=False)
    return fig


class PollExplorer(RerunnableExplorer):
    """Widget: sliders for an opt-in poll's assumptions, a summary and a figure.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``true_share, see_ratio, vote_ratio, bot_share, bot_yes_share, votes`` and
        the ``rerun`` button.
    summary : ipywidgets.HTML
        The text of :func:`describe_result` for the current settings.
    figure : ipywidgets.HTML
        The figure of :func:`draw` as ``<figure><img alt><figcaption>``.
    polls : pandas.DataFrame
        The last simulation (output of :func:`modlab.polls.simulate_opt_in_polls`).

    Parameters
    ----------
    setup : OptInPollSetup
        Starting values of the controls (its ``population`` stays fixed).
    n_polls : int
        Simulated repetitions per setting.
    random_sample_size : int
        Size of the comparison random sample.
    seed : int
        Seed of the first simulation; the "Rerun" button increments it.
    """

    def __init__(self, setup: OptInPollSetup, n_polls: int = 200, random_sample_size: int = 1000, seed: int = 0):
        self.n_polls = n_polls
        self.random_sample_size = random_sample_size
        self.seed = seed
        self.population = setup.population
        self.controls = {
            "true_share": _slider("True share in favour, whole population (%)", setup.true_share, 0.05, 0.95, 0.01, ".0%"),
            "see_ratio": _slider("Supporters' chance to see it (\u00d7 opponents')", setup.see_ratio, 0.25, 4.0, 0.05, ".2f"),
            "vote_ratio": _slider("Supporters' chance to vote, if seen (\u00d7 opponents')", setup.vote_ratio, 0.25, 4.0, 0.05, ".2f"),
            "bot_share": _slider("Share of all votes cast by bots (%)", setup.bot_share, 0.0, 0.5, 0.01, ".0%"),
            "bot_yes_share": _slider("Share of bot votes that say yes (%)", setup.bot_yes_share, 0.0, 1.0, 0.05, ".0%"),
            "votes": widgets.SelectionSlider(
                options=_vote_options(setup.votes),
                value=setup.votes,
                description="Votes cast by humans and bots (number)",
                continuous_update=False,
                style=_SLIDER_STYLE,
                layout=_SLIDER_LAYOUT,
            ),
            "rerun": widgets.Button(
                description="Rerun with new random draws",
                tooltip="Draw a new set of simulated polls with the same settings",
                layout=widgets.Layout(width="27em"),
            ),
        }
        self.polls = None
        self._assemble("true_share")

    def current_setup(self) -> OptInPollSetup:
        """The :class:`OptInPollSetup` the controls describe now."""
        values = {name: control.value for name, control in self.controls.items() if name != "rerun"}
        return OptInPollSetup(population=self.population, **values)

    def update(self) -> None:
        """Rerun the simulation for the current controls and redraw."""
        try:
            setup = self.current_setup()
            self.polls = simulate_opt_in_polls(setup, self.n_polls, self.random_sample_size, self.seed)
        except ValueError as err:  # impossible settings: say so instead of raising in the callback
            self.summary.value = f"<p role='status'><strong>These settings cannot happen:</strong> {html.escape(str(err))}</p>"
            return
        text = describe_result(setup, self.polls, self.random_sample_size)
        self.summary.value = f"<p role='status'>{html.escape(text)}</p>"
        caption = (
            "Simulated data. Each dot is one simulated poll: squares are opt-in polls, circles random samples; "
            "the dashed line is the true share."
        )
        self.figure.value = figure_html(draw(setup, self.polls, self.random_sample_size), alt=text, caption=caption)


def _vote_options(votes: int) -> list[tuple[str, int]]:
    """The vote choices, with ``votes`` added if it is not one of them."""
    options = list(VOTE_CHOICES)
    if votes not in {value for _, value in options}:
        options.append((f"{votes:,}", votes))
        options.sort(key=lambda item: item[1])
    return options


def explore_poll(n_polls: int = 200, random_sample_size: int = 1000, seed: int = 0, **setup) -> PollExplorer:
    """Build the opt-in poll simulator widget.

    Parameters
    ----------
    n_polls : int
        Simulated repetitions per setting (each is one dot per row).
    random_sample_size : int
        Size of the comparison random sample.
    seed : int
        Seed of the first simulation; "Rerun" increments it.
    **setup
        Starting values for :class:`modlab.polls.OptInPollSetup` fields
        (``true_share, see_ratio, vote_ratio, bot_share, bot_yes_share, votes, population``).

    Returns
    -------
    PollExplorer
        Display it as the last line of a cell.

    Raises
    ------
    TypeError
        For an unknown setup field.
    """
    fields = {f.name for f in dataclasses.fields(OptInPollSetup)}
    unknown = set(setup) - fields
    if unknown:
        raise TypeError(f"unknown poll setting(s) {sorted(unknown)}; use {sorted(fields)}")
    return PollExplorer(OptInPollSetup(**setup), n_polls=n_polls, random_sample_size=random_sample_size, seed=seed)
