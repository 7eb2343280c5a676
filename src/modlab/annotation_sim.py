"""A simulated annotation study: who labels the data changes what it measures (lesson 06).

**Everything this module returns is simulated.** Each item (a post) has a latent *severity* drawn
from a standard normal distribution; an item is truly hateful when its severity is above a cut
chosen so that a given share is hateful (``true_prevalence``) in expectation: a finite draw comes
close but not exactly (9.9% of the 2,000 default items with seed 0, for 10%). Annotators do not see severity
exactly: each adds noise, and each has a threshold of their own, because guidelines are applied
more or less strictly (``strictness`` moves all thresholds, ``threshold_spread`` spreads them from
the strictest to the most lenient annotator). An annotator labels an item hateful when its
*perceived* severity is above their threshold.

A share of the items (``dialect_share``) is written in a simulated dialect. Those items are no more
severe, but annotators perceive them as ``dialect_bias`` standard deviations more severe: a
stylised version of Sap et al. (2019), who found tweets in African American English up to twice as
likely to be labelled offensive, and less so when annotators were primed with the dialect.

Sources: Sap, M., Card, D., Gabriel, S., Choi, Y. and Smith, N. A. (2019). The Risk of Racial Bias
in Hate Speech Detection. *Proceedings of ACL 2019*, 1668-1678. The threshold model is the usual
latent-variable view of ordinal ratings (e.g. Krippendorff 2004, ch. 11, on coders' unequal use of
categories); the numbers are invented for teaching.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from modlab.agreement import fleiss_kappa, krippendorff_alpha


@dataclass(frozen=True)
class AnnotationSetup:
    """Assumptions of one simulated annotation study (all in standard deviations of severity).

    Attributes
    ----------
    n_annotators : int
        Annotators, each of whom labels every item (1 to 20).
    strictness : float
        Shift of the annotators' average threshold from the true cut, in SD of severity:
        positive = stricter guidelines (fewer items called hateful), negative = more lenient.
    threshold_spread : float
        Distance from the average to the strictest (and to the most lenient) annotator's
        threshold, in SD; annotators' thresholds are spaced evenly in between. 0 = all alike.
    noise : float
        SD of each annotator's random error in perceiving an item's severity (>= 0).
    dialect_share : float
        Proportion of items written in the simulated dialect (0 to 1).
    dialect_bias : float
        Severity annotators add to dialect items, in SD (0 = no bias).
    true_prevalence : float
        Proportion of items that are truly hateful (0 to 1, exclusive).
    n_items : int
        Items in the study.
    """

    n_annotators: int = 5
    strictness: float = 0.0
    threshold_spread: float = 0.5
    noise: float = 0.5
    dialect_share: float = 0.2
    dialect_bias: float = 0.0
    true_prevalence: float = 0.1
    n_items: int = 2000

    def __post_init__(self) -> None:
        if not 1 <= self.n_annotators <= 20:
            raise ValueError(f"n_annotators must be between 1 and 20, not {self.n_annotators}")
        if self.threshold_spread < 0 or self.noise < 0:
            raise ValueError("threshold_spread and noise are standard deviations: they cannot be negative")
        if not 0 <= self.dialect_share <= 1:
            raise ValueError(f"dialect_share is a proportion between 0 and 1, not {self.dialect_share}")
        if not 0 < self.true_prevalence < 1:
            raise ValueError(f"true_prevalence must be strictly between 0 and 1, not {self.true_prevalence}")
        if self.n_items < 2:
            raise ValueError("n_items must be at least 2")

    @property
    def true_cut(self) -> float:
        """Severity above which an item is truly hateful: the (1 - true_prevalence) normal quantile."""
        return float(norm.ppf(1 - self.true_prevalence))

    def thresholds(self) -> np.ndarray:
        """Each annotator's threshold, strictest first, shape (n_annotators,), in SD of severity."""
        centre = self.true_cut + self.strictness
        if self.n_annotators == 1:
            return np.array([centre])
        return centre + self.threshold_spread * np.linspace(1, -1, self.n_annotators)


@dataclass(frozen=True)
class SimulatedAnnotations:
    """Result of :func:`simulate_annotations` (simulated data).

    Attributes
    ----------
    setup : AnnotationSetup
        The assumptions.
    items : pandas.DataFrame
        One row per item: ``severity`` (SD units), ``dialect`` (bool), ``truly_hateful`` (bool),
        ``votes_hateful`` (annotators who said hateful), ``majority_hateful`` (bool: more than half; with an
        even number of annotators an even split, e.g. 2-2, is *not* hateful).
    labels : pandas.DataFrame
        Items x annotators (``annotator_1`` ... strictest first), each True when labelled hateful.
    """

    setup: AnnotationSetup
    items: pd.DataFrame
    labels: pd.DataFrame


def simulate_annotations(setup: AnnotationSetup, seed: int = 0) -> SimulatedAnnotations:
    """Simulate every annotator labelling every item (seeded, so reruns are identical).

    Parameters
    ----------
    setup : AnnotationSetup
        The assumptions.
    seed : int
        Seed of numpy's default generator.

    Returns
    -------
    SimulatedAnnotations
        Items, their true labels and every annotator's label. Simulated data.
    """
    rng = np.random.default_rng(seed)
    n, k = setup.n_items, setup.n_annotators
    severity = rng.standard_normal(n)
    dialect = rng.random(n) < setup.dialect_share
    # Perceived severity: the truth, plus the dialect bias, plus each annotator's own noise.
    perceived = severity[:, None] + setup.dialect_bias * dialect[:, None] + setup.noise * rng.standard_normal((n, k))
    said_hateful = perceived > setup.thresholds()[None, :]
    labels = pd.DataFrame(said_hateful, columns=[f"annotator_{j + 1}" for j in range(k)])
    votes = said_hateful.sum(axis=1)
    items = pd.DataFrame({
        "severity": severity,
        "dialect": dialect,
        "truly_hateful": severity > setup.true_cut,
        "votes_hateful": votes,
        "majority_hateful": votes > k / 2,  # a tie (even k) is not a majority
    })
    items.attrs["kind"] = labels.attrs["kind"] = "simulated"
    return SimulatedAnnotations(setup, items, labels)


def summarise(sim: SimulatedAnnotations) -> dict[str, float]:
    """Prevalence and agreement of a simulated study.

    Parameters
    ----------
    sim : SimulatedAnnotations
        Output of :func:`simulate_annotations`.

    Returns
    -------
    dict of str to float
        ``true_prevalence`` and ``measured_prevalence`` (majority label), each overall and for
        ``_dialect`` and ``_other`` items (NaN for an empty group); ``false_positive_rate_dialect``
        and ``false_positive_rate_other`` (share of truly non-hateful items the majority called
        hateful); ``fleiss_kappa`` and ``krippendorff_alpha`` (NaN with one annotator or when
        every label is the same). All simulated.
    """
    items = sim.items
    out: dict[str, float] = {}
    for suffix, rows in (("", items), ("_dialect", items[items["dialect"]]), ("_other", items[~items["dialect"]])):
        out[f"true_prevalence{suffix}"] = float(rows["truly_hateful"].mean()) if len(rows) else np.nan
        out[f"measured_prevalence{suffix}"] = float(rows["majority_hateful"].mean()) if len(rows) else np.nan
        if suffix:
            innocent = rows[~rows["truly_hateful"]]
            out[f"false_positive_rate{suffix}"] = float(innocent["majority_hateful"].mean()) if len(innocent) else np.nan
    k = sim.setup.n_annotators
    votes = items["votes_hateful"].to_numpy()
    varied = 0 < votes.sum() < votes.size * k
    out["fleiss_kappa"] = fleiss_kappa(np.column_stack([k - votes, votes])) if k >= 2 and varied else np.nan
    out["krippendorff_alpha"] = krippendorff_alpha(sim.labels) if k >= 2 and varied else np.nan
    return out
