"""Build-your-filter explorer of lesson 05: a keyword filter scored on HateCheck's functional tests.

A thin front end over :mod:`modlab.keyword_filter`. The learner picks the filter's terms (Davidson
et al.'s lexicon entries above a P(hate) threshold, plus words from a short list) and switches simple
rules on or off; the explorer shows the filter's precision, recall and accuracy on HateCheck's 3,728
test cases (Röttger et al. 2021) and its accuracy for each of the 29 functionalities and each target
group. Term matches are computed once for every term and rule, so a change only combines columns.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from modlab import keyword_filter as kf
from modlab.style import OKABE_ITO
from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors
from modlab.widgets.render import figure_html, new_figure

_STYLE = {"description_width": "26em"}
_LAYOUT = widgets.Layout(width="100%", max_width="52em")
#: How hateful and non-hateful functionalities are drawn: colour, hatch and a text tag (never colour alone).
KIND_STYLE = {
    "hateful": {"color": OKABE_ITO["vermillion"], "hatch": "", "tag": "[H]"},
    "non-hateful": {"color": OKABE_ITO["blue"], "hatch": "///", "tag": "[NH]"},
}


def _word_label(word: str) -> str:
    return "any [slur-NN] token" if word == kf.ANY_SLUR_TOKEN else word


def describe_filter(result: dict, n_terms: int, rules: kf.FilterRules) -> str:
    """One paragraph (plain text) about a filter's scores, for the summary and the alt text.

    Parameters
    ----------
    result : dict
        Output of :meth:`KeywordFilterExplorer.evaluate`.
    n_terms : int
        Number of terms in the filter.
    rules : FilterRules
        The rules that were on.

    Returns
    -------
    str
    """
    s = result["scores"]
    on = [name for name, value in (("negation", rules.negation), ("quotation", rules.quotation),
                                   ("counter-speech", rules.counter_speech)) if value]
    worst = result["by_functionality"].head(3)
    worst_text = ", ".join(f"{name} {value:.0%}" for name, value in worst.items())
    precision = "undefined (nothing flagged)" if np.isnan(s["precision"]) else f"{s['precision']:.1%}"
    return (
        f"Filter of {n_terms} terms, rules on: {', '.join(on) if on else 'none'}"
        f"{'' if rules.whole_words else ', matching inside words'}{', case-sensitive' if rules.case_sensitive else ''}. "
        f"On HateCheck's {result['n']:,} cases it flags {s['n_flagged']:,} ({s['flagged_share']:.1%}): "
        f"precision {precision}, recall {s['recall']:.1%}, accuracy {s['accuracy']:.1%}. "
        f"Worst functionalities: {worst_text}."
    )


def _label_bars(ax, positions, labels, fontsize: float) -> None:
    ax.set_yticks([])
    for y, label in zip(positions, labels):
        ax.text(-0.015, y, label, transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=fontsize)


def draw(by_functionality: pd.Series, by_target: pd.Series, kinds: pd.Series, title: str = ""):
    """Two bar charts: accuracy per functionality (29 bars) and per target group.

    Parameters
    ----------
    by_functionality : pandas.Series
        Accuracy (0-1) per functionality, as from :func:`modlab.keyword_filter.hatecheck_accuracy`.
    by_target : pandas.Series
        Accuracy (0-1) per target group.
    kinds : pandas.Series
        ``"hateful"`` or ``"non-hateful"`` per functionality.
    title : str
        Line above both charts naming the filter (so every setting gives a distinct picture).

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars sorted lowest first (at the top); hateful functionalities solid and tagged
        ``[H]``, non-hateful ones hatched and tagged ``[NH]``; each bar's label ends with its value.
    """
    fig = new_figure(8.4, 5.8)
    fig.set_layout_engine("none")  # fixed margins: constrained layout would double the drawing time (< 300 ms rule)
    fig.suptitle(title, x=0.01, y=0.99, ha="left", va="top", fontsize=9)
    left = fig.add_axes((0.25, 0.08, 0.42, 0.81))
    right = fig.add_axes((0.855, 0.42, 0.13, 0.47))  # the legend goes below it
    order = by_functionality.iloc[::-1]  # barh draws bottom-up: lowest accuracy ends on top
    y = np.arange(len(order))
    for kind, style in KIND_STYLE.items():
        mask = (kinds.reindex(order.index) == kind).to_numpy()
        right_means = "flagged" if kind == "hateful" else "not flagged"
        left.barh(y[mask], order.to_numpy()[mask] * 100, color=style["color"], hatch=style["hatch"],
                  edgecolor="black" if style["hatch"] else "white", linewidth=0.3, height=0.75,
                  label=f"{style['tag']} {kind} cases:\nright = {right_means}")
    # Bar labels as plain texts left of the axis, not tick labels: matplotlib measures every tick label
    # several times per draw, and the saving keeps a redraw near the 300 ms budget.
    _label_bars(left, y, [f"{name} {KIND_STYLE[kinds[name]]['tag']} {value:.0%}" for name, value in order.items()], 7)
    left.set_xlim(0, 100)
    left.set_ylim(-0.7, len(order) - 0.3)
    left.set_xlabel("Accuracy (% of cases decided right)")
    left.set_title("Per functionality (HateCheck)", fontsize=10)
    left.grid(axis="y", visible=False)
    fig.legend(*left.get_legend_handles_labels(), loc="lower right", bbox_to_anchor=(0.99, 0.06), fontsize=8, frameon=False)

    target = by_target.iloc[::-1]
    yt = np.arange(len(target))
    right.barh(yt, target.to_numpy() * 100, color=OKABE_ITO["bluish_green"], height=0.6)
    _label_bars(right, yt, [f"{name} {value:.0%}" for name, value in target.items()], 7.5)
    right.set_ylim(-0.6, len(target) - 0.4)
    right.set_xlim(0, 100)
    right.set_xticks([0, 50, 100])
    right.set_xlabel("Accuracy (%)")
    right.set_title("Per target group", fontsize=10)
    right.grid(axis="y", visible=False)
    return fig


#: Group name for HateCheck cases with no protected target (objects, individuals, other groups).
NO_TARGET = "(no target group)"


class KeywordFilterExplorer(widgets.VBox):
    """Widget: choose a keyword filter's terms and rules; see its scores on HateCheck.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``min_prophate`` (slider, the main control), ``words`` (extra words), and the check boxes
        ``negation, quotation, counter_speech, whole_words, case_sensitive``.
    summary : ipywidgets.HTML
        The text of :func:`describe_filter`.
    figure : ipywidgets.HTML
        The figure of :func:`draw` with alt text and caption.
    result : dict
        The last :meth:`evaluate` output.

    Parameters
    ----------
    cases : pandas.DataFrame
        ``corpora.load("hatecheck_cases")`` (masked).
    lexicon : pandas.DataFrame
        ``corpora.load("davidson2017_lexicon")`` (masked).
    min_prophate : float
        Starting threshold: lexicon entries with prophate at or above it are in the filter.
    words : sequence of str
        Starting extra words, from :data:`modlab.keyword_filter.WORD_BANK`.
    """

    def __init__(self, cases: pd.DataFrame, lexicon: pd.DataFrame, min_prophate: float = kf.STARTER_MIN_PROPHATE,
                 words=kf.STARTER_WORDS):
        self.cases = cases.reset_index(drop=True)
        self.lexicon_terms = kf.lexicon_terms(lexicon)
        self.terms = [*self.lexicon_terms.index, *[w for w in kf.WORD_BANK if w not in self.lexicon_terms.index]]
        self.positive = (self.cases["label_gold"] == "hateful").to_numpy()
        self.kinds = self.cases.groupby("functionality")["label_gold"].first()
        # Every term x rule variant, for each matching option: a change only picks columns.
        self._matrices = {
            (whole, case): {name: m.to_numpy() for name, m in kf.variant_matrices(
                self.cases["test_case"], self.terms, whole_words=whole, case_sensitive=case).items()}
            for whole in (True, False) for case in (False, True)
        }
        self._counter = kf.counter_speech_cues(self.cases["test_case"]).to_numpy()
        self._functionality = self.cases["functionality"]
        self._target = self.cases["target_ident"].fillna(NO_TARGET)
        unknown = set(words) - set(kf.WORD_BANK)
        if unknown:
            raise ValueError(f"words not in the word list: {sorted(unknown)}; choose from {kf.WORD_BANK}")
        self.controls = {
            "min_prophate": widgets.FloatSlider(
                value=min_prophate, min=0.0, max=1.0, step=0.05, readout_format=".0%",
                description="Lexicon entries in filter: P(hate) at least (%)", continuous_update=False,
                style=_STYLE, layout=_LAYOUT),
            "words": widgets.SelectMultiple(
                options=[(_word_label(w), w) for w in kf.WORD_BANK], value=tuple(words), rows=6,
                description="Extra words (Ctrl/Cmd-click, several)", style=_STYLE, layout=_LAYOUT),
            "negation": widgets.Checkbox(value=False, description="Rule: skip a match after not/no/never (3 words)",
                                         style=_STYLE, layout=_LAYOUT, indent=False),
            "quotation": widgets.Checkbox(value=False, description="Rule: skip a match inside quotation marks",
                                          style=_STYLE, layout=_LAYOUT, indent=False),
            "counter_speech": widgets.Checkbox(value=False, description="Rule: skip texts with counter-speech cues",
                                               style=_STYLE, layout=_LAYOUT, indent=False),
            "whole_words": widgets.Checkbox(value=True, description="Match whole words only (off: inside words too)",
                                            style=_STYLE, layout=_LAYOUT, indent=False),
            "case_sensitive": widgets.Checkbox(value=False, description="Match upper/lower case exactly",
                                               style=_STYLE, layout=_LAYOUT, indent=False),
        }
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        self.result = None
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([*self.controls.values(), self.summary, self.figure])
        mark_explorer(self, self.controls["min_prophate"])
        self.update()

    def current_terms(self) -> list[str]:
        """The filter's terms for the current controls (lexicon entries first, then words)."""
        threshold = self.controls["min_prophate"].value
        chosen = list(self.lexicon_terms.index[self.lexicon_terms.to_numpy() >= threshold - 1e-9])
        return chosen + [w for w in self.controls["words"].value if w not in chosen]

    def current_rules(self) -> kf.FilterRules:
        """The :class:`modlab.keyword_filter.FilterRules` the check boxes describe."""
        return kf.FilterRules(**{name: self.controls[name].value for name in
                                 ("negation", "quotation", "counter_speech", "whole_words", "case_sensitive")})

    def evaluate(self, terms: list[str], rules: kf.FilterRules) -> dict:
        """Score a filter on HateCheck from the precomputed matches.

        Parameters
        ----------
        terms : list of str
            Terms among :attr:`terms`.
        rules : FilterRules

        Returns
        -------
        dict
            ``flagged`` (bool array, one per case), ``scores`` (:func:`modlab.keyword_filter.scores`),
            ``by_functionality`` and ``by_target`` (accuracy Series, lowest first), ``n`` (cases).
        """
        columns = [self.terms.index(t) for t in terms]
        matrix = self._matrices[(rules.whole_words, rules.case_sensitive)][rules.variant]
        flagged = matrix[:, columns].any(axis=1) if columns else np.zeros(len(self.cases), dtype=bool)
        if rules.counter_speech:
            flagged = flagged & ~self._counter
        correct = pd.Series(flagged == self.positive, index=self.cases.index)
        return {
            "flagged": flagged,
            "scores": kf.scores(flagged, self.positive),
            "by_functionality": correct.groupby(self._functionality).mean().sort_index().sort_values(kind="stable"),
            "by_target": correct.groupby(self._target).mean().sort_index().sort_values(kind="stable"),
            "n": len(self.cases),
        }

    def update(self) -> None:
        """Re-score the filter for the current controls and redraw."""
        terms, rules = self.current_terms(), self.current_rules()
        self.result = self.evaluate(terms, rules)
        text = describe_filter(self.result, len(terms), rules)
        self.summary.value = f"<p role='status'>{html.escape(text)}</p>"
        caption = (
            "Accuracy of your keyword filter on HateCheck (Röttger et al. 2021). Left: each of the 29 "
            "functionalities, lowest at the top; solid bars tagged [H] are hateful cases (right = flagged), "
            "hatched bars tagged [NH] are non-hateful cases (right = not flagged). Right: each target group."
        )
        s = self.result["scores"]
        title = (f"Your filter: {len(terms)} terms (lexicon entries with P(hate) at least "
                 f"{self.controls['min_prophate'].value:.0%}, {len(self.controls['words'].value)} extra words).\n"
                 f"Flags {s['flagged_share']:.1%} of cases; recall {s['recall']:.1%}; accuracy {s['accuracy']:.1%}.")
        fig = draw(self.result["by_functionality"], self.result["by_target"], self.kinds, title)
        self.figure.value = figure_html(fig, alt=text, caption=caption, dpi=100)

    @shows_errors
    def _on_change(self, _change) -> None:
        self.update()


def explore_filter(min_prophate: float = kf.STARTER_MIN_PROPHATE, words=kf.STARTER_WORDS) -> KeywordFilterExplorer:
    """Build the build-your-filter explorer over the masked HateCheck cases and Davidson lexicon.

    Parameters
    ----------
    min_prophate : float
        Starting P(hate) threshold (0-1) for Davidson et al.'s lexicon entries.
    words : sequence of str
        Starting extra words, from :data:`modlab.keyword_filter.WORD_BANK`.

    Returns
    -------
    KeywordFilterExplorer
        Display it as the last line of a cell.

    Raises
    ------
    modlab.corpora.CorpusUnavailable
        If the corpora are not fetched (the message says what to run).
    ValueError
        For a word not in the word list.
    """
    from modlab import corpora

    return KeywordFilterExplorer(corpora.load("hatecheck_cases"), corpora.load("davidson2017_lexicon"),
                                 min_prophate=min_prophate, words=words)
