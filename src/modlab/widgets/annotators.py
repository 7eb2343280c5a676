"""The annotator simulator of lesson 06: who labels the data changes what it measures.

A thin front end over :func:`modlab.annotation_sim.simulate_annotations` and
:func:`modlab.annotation_sim.summarise`: the sliders set how many annotators label each item, how
strict the guidelines are, how much annotators differ and err, and how a simulated dialect is
misread (after Sap et al. 2019); the explorer shows the true and the measured prevalence of
hateful items and the agreement statistics. All its numbers are simulated.
"""

from __future__ import annotations

import dataclasses
import html

import ipywidgets as widgets
import numpy as np

from modlab.annotation_sim import AnnotationSetup, SimulatedAnnotations, simulate_annotations, summarise
from modlab.style import OKABE_ITO, ROLE_COLOURS
from modlab.widgets.rerunnable import RerunnableExplorer
from modlab.widgets.render import figure_html, new_figure

# Wide enough for the longest label in full (a clipped label fails the browser suite).
_SLIDER_STYLE = {"description_width": "26em"}
_SLIDER_LAYOUT = widgets.Layout(width="100%", max_width="52em")  # shrinks, rather than clips, when zoomed
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"}


def _slider(description: str, value: float, low: float, high: float, step: float, fmt: str) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description, readout_format=fmt,
                               continuous_update=False, style=_SLIDER_STYLE, layout=_SLIDER_LAYOUT)


def _pct(value: float) -> str:
    return "n/a (no items)" if np.isnan(value) else f"{value:.1%}"


def _stat(value: float) -> str:
    return "undefined" if np.isnan(value) else f"{value:.2f}"


def describe_result(sim: SimulatedAnnotations, stats: dict[str, float]) -> str:
    """Plain-text summary of a simulated study, used for the readout and the alt text.

    Parameters
    ----------
    sim : SimulatedAnnotations
        Output of :func:`modlab.annotation_sim.simulate_annotations`.
    stats : dict
        Output of :func:`modlab.annotation_sim.summarise` for ``sim``.

    Returns
    -------
    str
        Sentences giving the labelling rule (more than half; an even split is not hateful), the guideline
        strictness and its sign, the true and measured (majority-label) prevalence overall and by group,
        the false-positive rates, and Fleiss' kappa and Krippendorff's alpha.
    """
    setup = sim.setup
    agreement = (
        "Agreement cannot be measured with one annotator."
        if setup.n_annotators < 2
        else f"Agreement: Fleiss' kappa {_stat(stats['fleiss_kappa'])}, Krippendorff's alpha {_stat(stats['krippendorff_alpha'])}."
    )
    # An even panel can split evenly; a split is not a majority, so the item counts as not hateful.
    tie = f" (a {setup.n_annotators // 2}-{setup.n_annotators // 2} split counts as not hateful)" if setup.n_annotators % 2 == 0 else ""
    strictness = ("0 = the true cut" if setup.strictness == 0
                  else "positive = stricter" if setup.strictness > 0 else "negative = more lenient")
    return (
        f"Simulated, {setup.n_items:,} items, {setup.n_annotators} annotator(s) each, labelled hateful when more than "
        f"half of them say so{tie}. Guideline strictness {setup.strictness:+.1f} SD ({strictness}). "
        f"True prevalence of hateful items {_pct(stats['true_prevalence'])}; measured {_pct(stats['measured_prevalence'])}. "
        f"Dialect items: true {_pct(stats['true_prevalence_dialect'])}, measured {_pct(stats['measured_prevalence_dialect'])}, "
        f"{_pct(stats['false_positive_rate_dialect'])} of the harmless ones labelled hateful. "
        f"Other items: true {_pct(stats['true_prevalence_other'])}, measured {_pct(stats['measured_prevalence_other'])}, "
        f"{_pct(stats['false_positive_rate_other'])} of the harmless ones labelled hateful. {agreement}"
    )


def draw(sim: SimulatedAnnotations, stats: dict[str, float]):
    """Two panels: true vs measured prevalence by group, and how often each annotator says hateful.

    Parameters
    ----------
    sim : SimulatedAnnotations
        The simulated study.
    stats : dict
        Output of :func:`modlab.annotation_sim.summarise` for ``sim``.

    Returns
    -------
    matplotlib.figure.Figure
        Left: paired horizontal bars (true: solid; measured by majority: hatched) for all items,
        dialect items and other items, each labelled with its percentage. Right: the share of items
        each annotator (strictest first) labelled hateful, with the true prevalence as a dashed line.
        Bars are told apart by hatching and labels, not by colour alone.
    """
    fig = new_figure(9.0, 3.4)
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    groups = [("All items", ""), ("Dialect items", "_dialect"), ("Other items", "_other")]
    y = np.arange(len(groups))[::-1].astype(float)
    true = [stats[f"true_prevalence{s}"] for _, s in groups]
    measured = [stats[f"measured_prevalence{s}"] for _, s in groups]
    height = 0.38
    left.barh(y + height / 2, np.nan_to_num(true) * 100, height, color=ROLE_COLOURS["truth"], label="true")
    left.barh(y - height / 2, np.nan_to_num(measured) * 100, height, color=OKABE_ITO["orange"], hatch="//",
              edgecolor="black", linewidth=0.5, label="measured (majority)")
    top = max(50.0, float(np.nanmax([*true, *measured, 0])) * 100 + 15)
    for yi, t, m in zip(y, true, measured):
        left.text(np.nan_to_num(t) * 100 + 1, yi + height / 2, f"true {_pct(t)}", va="center", fontsize=8, bbox=_LABEL_BOX)
        left.text(np.nan_to_num(m) * 100 + 1, yi - height / 2, f"measured {_pct(m)}", va="center", fontsize=8, bbox=_LABEL_BOX)
    left.set_yticks(y, [g for g, _ in groups])
    left.set_xlim(0, top)
    left.set_xlabel("Items labelled hateful (%)")
    left.set_title("Simulated: true vs measured prevalence", fontsize=10)
    left.legend(loc="lower right", fontsize=8)

    rates = sim.labels.mean(axis=0).to_numpy() * 100
    positions = np.arange(1, len(rates) + 1)
    right.bar(positions, rates, color=OKABE_ITO["sky_blue"], edgecolor="black", linewidth=0.5)
    right.axhline(stats["true_prevalence"] * 100, color=ROLE_COLOURS["truth"], linestyle="--", linewidth=1.2)
    right.annotate(f"true {stats['true_prevalence']:.1%}", (0.02, stats["true_prevalence"] * 100), xycoords=("axes fraction", "data"),
                   xytext=(0, 3), textcoords="offset points", fontsize=8, bbox=_LABEL_BOX)
    right.set_xticks(positions)
    right.set_ylim(0, max(top, float(rates.max()) + 5))
    right.set_xlabel("Annotator (1 = strictest)")
    right.set_ylabel("Labelled hateful (%)")
    right.set_title("Simulated: each annotator's rate", fontsize=10)
    return fig


class AnnotatorExplorer(RerunnableExplorer):
    """Widget: sliders for a simulated annotation study, a figure and a readout.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``n_annotators, strictness, threshold_spread, noise, dialect_share, dialect_bias`` and the
        ``rerun`` button.
    summary : ipywidgets.HTML
        The text of :func:`describe_result` (the readout).
    figure : ipywidgets.HTML
        The figure of :func:`draw` as ``<figure><img alt><figcaption>``.
    sim : SimulatedAnnotations
        The last simulation.
    stats : dict
        Its :func:`modlab.annotation_sim.summarise`.

    Parameters
    ----------
    setup : AnnotationSetup
        Starting values of the controls (``true_prevalence`` and ``n_items`` stay fixed).
    seed : int
        Seed of the first simulation; the "Rerun" button increments it.
    """

    def __init__(self, setup: AnnotationSetup, seed: int = 0):
        self.seed = seed
        self.fixed = {"true_prevalence": setup.true_prevalence, "n_items": setup.n_items}
        self.controls = {
            "n_annotators": widgets.IntSlider(value=setup.n_annotators, min=1, max=10, step=1,
                                              description="Annotators per item (number)", continuous_update=False,
                                              style=_SLIDER_STYLE, layout=_SLIDER_LAYOUT),
            "strictness": _slider("Guideline strictness: threshold shift (SD)", setup.strictness, -1.5, 1.5, 0.1, ".1f"),
            "threshold_spread": _slider("Spread of annotators' thresholds (SD)", setup.threshold_spread, 0.0, 1.5, 0.1, ".1f"),
            "noise": _slider("Noise in each judgement (SD)", setup.noise, 0.0, 2.0, 0.1, ".1f"),
            "dialect_share": _slider("Items in the simulated dialect (%)", setup.dialect_share, 0.0, 0.6, 0.05, ".0%"),
            "dialect_bias": _slider("Dialect bias: severity added (SD)", setup.dialect_bias, 0.0, 2.0, 0.1, ".1f"),
            "rerun": widgets.Button(description="Rerun with new random draws",
                                    tooltip="Simulate new items and judgements with the same settings",
                                    layout=widgets.Layout(width="27em")),
        }
        self.sim: SimulatedAnnotations | None = None
        self.stats: dict[str, float] = {}
        self._assemble("dialect_bias")

    def current_setup(self) -> AnnotationSetup:
        """The :class:`AnnotationSetup` the controls describe now."""
        values = {name: control.value for name, control in self.controls.items() if name != "rerun"}
        return AnnotationSetup(**values, **self.fixed)

    def update(self) -> None:
        """Rerun the simulation for the current controls and redraw."""
        try:
            setup = self.current_setup()
        except ValueError as err:  # impossible settings: say so instead of raising in the callback
            self.summary.value = f"<p role='status'><strong>These settings cannot happen:</strong> {html.escape(str(err))}</p>"
            return
        self.sim = simulate_annotations(setup, self.seed)
        self.stats = summarise(self.sim)
        text = describe_result(self.sim, self.stats)
        self.summary.value = f"<p role='status'>{html.escape(text)}</p>"
        caption = (
            "Simulated data. Left: solid bars show the true share of hateful items, hatched bars the share the "
            "annotators' majority labelled hateful. Right: the share each annotator labelled hateful; dashed line: the truth."
        )
        # 130 dpi rather than 150: PNG encoding is most of an update, and this keeps it well under 300 ms.
        self.figure.value = figure_html(draw(self.sim, self.stats), alt=text, caption=caption, dpi=130)


def explore_annotators(seed: int = 0, **setup) -> AnnotatorExplorer:
    """Build the annotator simulator widget (simulated data).

    Parameters
    ----------
    seed : int
        Seed of the first simulation; "Rerun" increments it.
    **setup
        Starting values for :class:`modlab.annotation_sim.AnnotationSetup` fields (``n_annotators,
        strictness, threshold_spread, noise, dialect_share, dialect_bias, true_prevalence, n_items``).

    Returns
    -------
    AnnotatorExplorer
        Display it as the last line of a cell.

    Raises
    ------
    TypeError
        For an unknown setup field.
    ValueError
        For impossible starting values (see :class:`~modlab.annotation_sim.AnnotationSetup`).
    """
    fields = {f.name for f in dataclasses.fields(AnnotationSetup)}
    unknown = set(setup) - fields
    if unknown:
        raise TypeError(f"unknown annotation setting(s) {sorted(unknown)}; use {sorted(fields)}")
    return AnnotatorExplorer(AnnotationSetup(**setup), seed=seed)
