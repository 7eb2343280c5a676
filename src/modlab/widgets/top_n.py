"""The top-N resampler of lesson 07: how surprising is "7 of the top 20 were hateful"?

Under "nothing changed", each slot of a top-N list after the takeover holds a hateful post
with the same chance as before (Tufts: 1 of 60 [S]). The explorer draws 2,000 such lists and
shows how often one holds as many hateful posts as observed. Next to it, random samples of
posts from the simulated stream after the takeover show what a *random* sample measures: the
share of hateful posts in the volume, not among the most viral. All draws are simulated.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator
from scipy import stats

from modlab import before_after, post_stream
from modlab.style import ROLE_COLOURS
from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors
from modlab.widgets.render import figure_html, new_figure

DRAWS = 2000
MAX_N = 100
_STYLE = {"description_width": "24em"}
_LAYOUT = widgets.Layout(width="100%", max_width="50em")


class TopNExplorer(widgets.VBox):
    """Widget: top-N size, the share under "nothing changed", and a random-sample size.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``top_n``, ``null_share``, ``sample_size``.
    summary, figure : ipywidgets.HTML

    Parameters
    ----------
    posts : pandas.DataFrame
        The post stream (``data.load("post_stream")``, simulated).
    observed_share : float
        Hateful share of the top lists to test against (Tufts after: 7/20 [S]).
    seed : int
        Seed of the precomputed draws.
    """

    def __init__(self, posts, observed_share: float = 7 / 20, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.observed_share = observed_share
        self._uniform = rng.random((DRAWS, MAX_N))  # one matrix, reused: updates are a comparison and a sum
        window = posts[(posts["date"] >= post_stream.TUFTS_AFTER[0]) & (posts["date"] <= post_stream.TUFTS_AFTER[1]) & (posts["keyword_list"] != "none")]
        self._pool_hateful, self._pool_size = int(window["hateful"].sum()), len(window)
        self._sample_seed = seed
        # hateful share of the simulated top-N lists after the takeover, for every N up to MAX_N
        top = before_after.top_n_by_engagement(posts, *post_stream.TUFTS_AFTER, n=MAX_N)
        ranks = top.groupby("keyword_list").cumcount()
        self._top_share = np.array([top.loc[ranks < n, "hateful"].mean() for n in range(1, MAX_N + 1)])
        self.controls = {
            "top_n": widgets.IntSlider(value=20, min=5, max=MAX_N, step=5, description="Posts in each top list (posts)",
                                       continuous_update=False, style=_STYLE, layout=_LAYOUT),
            "null_share": widgets.FloatSlider(value=1 / 60, min=0.0, max=0.2, step=0.005, readout_format=".1%",
                                              description="Hateful share of a slot if nothing changed (%)",
                                              continuous_update=False, style=_STYLE, layout=_LAYOUT),
            # the largest "sample" is every keyword post of the weeks: the whole population, no sampling variation
            "sample_size": widgets.IntSlider(value=200, min=50, max=self._pool_size, step=50,
                                             description="Random sample size (posts)", continuous_update=False,
                                             style=_STYLE, layout=_LAYOUT),
        }
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([*self.controls.values(), self.figure, self.summary])
        mark_explorer(self, self.controls["top_n"])
        self.update()

    def results(self) -> dict:
        """The numbers shown for the current controls (also used by the tests).

        Returns
        -------
        dict
            ``threshold`` (hateful posts of N matching the observed share, rounded up),
            ``null_counts`` (array of hateful posts per simulated top-N list), ``resampled_p``
            (share of lists with at least ``threshold``), ``exact_p`` (binomial tail),
            ``sample_shares`` (hateful share of random samples), ``top_share`` (simulated stream's
            top-N hateful share after the takeover).
        """
        n, share, m = self.controls["top_n"].value, self.controls["null_share"].value, self.controls["sample_size"].value
        threshold = int(np.ceil(self.observed_share * n - 1e-9))
        counts = (self._uniform[:, :n] < share).sum(axis=1)
        rng = np.random.default_rng(self._sample_seed)
        hits = rng.hypergeometric(self._pool_hateful, self._pool_size - self._pool_hateful, m, size=DRAWS)
        return {
            "n": n, "share": share, "m": m, "threshold": threshold, "null_counts": counts,
            "resampled_p": float(np.mean(counts >= threshold)),
            "exact_p": float(stats.binom.sf(threshold - 1, n, share)),
            "sample_shares": hits / m, "top_share": float(self._top_share[n - 1]),
            "pool_share": self._pool_hateful / self._pool_size, "pool_size": self._pool_size,
            "whole_population": m >= self._pool_size,
        }

    def describe(self, r: dict) -> str:
        """Plain-text summary of :meth:`results` (summary and alt text)."""
        low, high = np.percentile(r["sample_shares"], [2.5, 97.5])
        if r["whole_population"]:
            volume = (f"while all {r['pool_size']:,} simulated keyword posts of those weeks are {r['pool_share']:.1%} hateful: "
                      "this is the whole population, not a sample, so there is no sampling variation")
        else:
            volume = (f"while random samples of {r['m']} posts are {np.mean(r['sample_shares']):.1%} hateful on average "
                      f"(95% of samples between {low:.1%} and {high:.1%})")
        return (
            f"Simulated. If nothing changed (each slot hateful with chance {r['share']:.1%}), "
            f"{np.sum(r['null_counts'] >= r['threshold']):,} of {DRAWS:,} top-{r['n']} lists held {r['threshold']} or more hateful posts "
            f"(share {r['resampled_p']:.4f}; exact binomial tail {r['exact_p']:.2g}). "
            f"In the simulated stream after the takeover, the top-{r['n']} lists are {r['top_share']:.0%} hateful, "
            f"{volume}: ranking by engagement measures virality, a random sample measures volume."
        )

    def draw(self, r: dict):
        """Two panels: hateful posts per simulated top-N list; hateful share of random samples vs the top lists."""
        fig = new_figure(9.0, 3.4)
        fig.set_layout_engine("none")  # fixed axes: constrained layout would cost half the update time
        left = fig.add_axes((0.085, 0.2, 0.38, 0.68))  # margins leave room for the axis labels
        right = fig.add_axes((0.59, 0.2, 0.385, 0.68))
        values, freq = np.unique(r["null_counts"], return_counts=True)
        left.bar(values, freq, color=ROLE_COLOURS["random_sample"], width=0.8)
        left.axvline(r["threshold"] - 0.5, color=ROLE_COLOURS["truth"], linestyle="--")
        right_edge = max(r["threshold"], values.max()) + 1.5
        # the note sits on the side of the dashed line with more room, so it never runs into the other panel
        near_right = r["threshold"] - 0.5 > (right_edge - 0.5) / 2
        left.annotate(f"observed-like: {r['threshold']}+\n{r['resampled_p']:.1%} of lists", (r["threshold"] - 0.5, 0.9),
                      xycoords=("data", "axes fraction"), fontsize=9, va="top", ha="right" if near_right else "left",
                      xytext=(-4 if near_right else 4, 0), textcoords="offset points")
        left.set_xlim(-0.5, right_edge)
        left.xaxis.set_major_locator(MaxNLocator(integer=True))
        left.set_xlabel(f"Hateful posts in a top-{r['n']} list")
        left.set_ylabel(f"Simulated lists (of {DRAWS:,})")
        left.set_title("Simulated: if nothing changed", fontsize=10)
        if r["whole_population"]:
            # every "sample" is the whole population: one bar of all draws at its share, labelled
            right.bar([r["pool_share"] * 100], [DRAWS], width=0.8, color=ROLE_COLOURS["neutral"])
            right.annotate(f"whole population\n({r['pool_size']:,} posts): {r['pool_share']:.1%},\nno sampling variation",
                           (r["pool_share"] * 100, 0.6), xycoords=("data", "axes fraction"), fontsize=9,
                           xytext=(6, 0), textcoords="offset points")
        else:
            right.hist(r["sample_shares"] * 100, bins=np.arange(0, 101, 1), color=ROLE_COLOURS["neutral"])
        right.axvline(r["top_share"] * 100, color=ROLE_COLOURS["opt_in"], linestyle="-", linewidth=2)
        right.annotate(f"top-{r['n']} lists: {r['top_share']:.0%}", (r["top_share"] * 100, 0.9), xycoords=("data", "axes fraction"),
                       ha="right", fontsize=9, xytext=(-4, 0), textcoords="offset points")
        right.set_xlim(0, max(r["top_share"] * 100 + 5, 20))
        right.set_xlabel(f"Hateful share (%) of all {r['m']} posts" if r["whole_population"] else f"Hateful share (%) of a random sample of {r['m']} posts")
        right.set_ylabel("Simulated samples")
        right.set_title("Simulated stream, Oct 28 - Nov 13 2022", fontsize=10)
        return fig

    def update(self) -> None:
        """Recount the precomputed draws for the current controls and redraw."""
        r = self.results()
        text = self.describe(r)
        self.summary.value = f"<p role='status'>{html.escape(text)}</p>"
        caption = ("Simulated data. Left: bars count simulated top lists by their number of hateful posts; the dashed line marks "
                   "the observed-like count. Right: grey bars are random samples; the solid line is the top lists' share.")
        self.figure.value = figure_html(self.draw(r), alt=text, caption=caption, dpi=100)  # 100 dpi keeps updates under 300 ms

    @shows_errors
    def _on_change(self, _change) -> None:
        self.update()


def explore_top_n(posts=None, observed_share: float = 7 / 20, seed: int = 0) -> TopNExplorer:
    """Build the top-N resampler widget.

    Parameters
    ----------
    posts : pandas.DataFrame, optional
        The post stream; default ``data.load("post_stream")`` (simulated).
    observed_share : float
        Hateful share of a top list to compare with (default 7/20, Tufts via WIRED [S]).
    seed : int
        Seed of the draws.

    Returns
    -------
    TopNExplorer
        Display it as the last line of a cell.
    """
    if posts is None:
        from modlab import data

        posts = data.load("post_stream")
    return TopNExplorer(posts, observed_share=observed_share, seed=seed)
