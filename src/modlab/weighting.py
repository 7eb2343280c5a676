"""Survey weights: post-stratification, raking, and what weights cost (Kish).

Pure functions for lesson 04. A *weight* says how many people in the population a
respondent stands for. Weights here are scaled to average 1 (they sum to the number of
respondents), so a weight of 3 means "counts as three respondents".

- :func:`post_stratification_weights` is the reference the lesson checks the learner's
  own ``groupby`` version against: weight = population share of the respondent's cell
  divided by the cell's share of the sample.
- :func:`rake_weights` is a thin wrapper over the maintained library **weightipy**
  (iterative proportional fitting, also called raking or RIM weighting), for when only
  the margins (e.g. age, and separately sex) of the population are known.
- :func:`kish_effective_sample_size` and :func:`design_effect` say how much precision the
  weights cost.

Which raking library, and why
-----------------------------
Measured on 2026-11-29 (Python 3.11): "fresh venv" is the size of a new virtual environment
after ``pip install`` of the library alone (numpy and pandas included); "adds to modlab's
environment" is what ``pip install --dry-run`` would add to or change in modlab's own
environment; "import" is the library's import time in a fresh interpreter, including what
it imports (pandas, or polars for svy); "vs hand IPF" is the largest difference from a
hand-written IPF on a 3 x 2 sample of 100, weights scaled to mean 1 (the same check as
``tests/test_weighting.py``):

=========  =======  ========  ==========  =================================================  ======  ===========  ======
library    version  released  fresh venv  adds to modlab's environment                       import  vs hand IPF  input
=========  =======  ========  ==========  =================================================  ======  ===========  ======
weightipy  0.4.2    2026-02   308 MB      3 pkgs: weightipy, decorator, watchdog             0.36 s  2e-15        pandas
svy        0.35     2026-10   618 MB      7 pkgs incl. polars, pyarrow, a Rust core          0.31 s  3e-15        polars
samplics   0.6.1    2026-09   731 MB      9 pkgs incl. polars, pyarrow, statsmodels          1.6 s   9e-16        numpy
balance    0.23     2026-08   658 MB      13 pkgs; downgrades numpy, pandas, scipy, sklearn  1.4 s   3e-11 (a)    pandas
ipfn       1.4.4    2021      160 MB      1 pkg                                              0.7 s   3e-11 (b)    pandas
=========  =======  ========  ==========  =================================================  ======  ===========  ======

(a) balance rakes with ipfn internally and wants a *target sample of people*, not margins.
(b) ipfn is unmaintained since 2021 and fails on integer counts with current pandas
("Invalid value ... for dtype int64") unless the counts are cast to float first.
samplics announces on import that it "is archived and no longer maintained" (use svy).

We chose **weightipy**: maintained, the smallest addition of the maintained options (two
small packages besides itself), a pandas data frame plus a dict of margins as input (what a
learner already holds), and agreement with hand IPF to rounding error. svy is the strongest
alternative (strict errors, actively developed) but works on polars frames and would add
polars and pyarrow for one function; ipfn is lighter but unmaintained. weightipy's own
defaults are loose (it stops once a sweep improves by less than 1%), it prints rather than
raises, and it quietly turns weights of 0 into 1; so the wrapper iterates to machine
precision, refuses levels without respondents or targets, checks every margin itself to
1e-9 and raises on failure.

Sources
-------
- Kish, L. (1965), *Survey Sampling*, Wiley: effective sample size ``(sum w)^2 / sum w^2``
  and the design effect of unequal weights ``1 + CV^2`` (section 11.7).
- Lohr, S. (2021), *Sampling: Design and Analysis*, 3rd ed., CRC Press: post-stratification
  (ch. 4) and raking (ch. 8).
- Deming, W. E. and Stephan, F. F. (1940), "On a least squares adjustment of a sampled
  frequency table when the expected marginal totals are known", *Annals of Mathematical
  Statistics* 11(4): 427-444 (iterative proportional fitting).
- weightipy, https://pypi.org/project/weightipy/ (RIM weighting, a fork of quantipy's).
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: How far population shares may be from summing to 1, and how closely raking must hit the margins.
_TOLERANCE = 1e-9


def _as_list(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def _check_shares(name: str, shares: pd.Series) -> None:
    if (shares < 0).any() or not math.isclose(float(shares.sum()), 1.0, abs_tol=1e-6):
        raise ValueError(f"{name} must be non-negative proportions summing to 1, got a sum of {float(shares.sum()):.6g}")


def post_stratification_weights(sample: pd.DataFrame, population_shares: pd.Series, by: str | Sequence[str]) -> pd.Series:
    """Post-stratification weights: population share of each cell / its sample share.

    Every respondent in cell c gets ``w = P_c / s_c``, where ``P_c`` is the cell's share of
    the population and ``s_c = n_c / n`` its share of the sample. The weighted sample then
    has exactly the population's cell shares. Weights average 1 (they sum to n).

    Parameters
    ----------
    sample : pandas.DataFrame, shape (n, ...)
        One row per respondent, with the column(s) named in ``by``.
    population_shares : pandas.Series
        Share of the population in each cell (proportions summing to 1), indexed by the
        cell: a plain index for one column, a MultiIndex in the order of ``by`` for several.
    by : str or sequence of str
        Column(s) defining the cells, e.g. ``["age_group", "sex"]``.

    Returns
    -------
    pandas.Series, shape (n,)
        One weight per respondent (same index as ``sample``), named ``"weight"``.

    Raises
    ------
    ValueError
        If the shares do not sum to 1, a respondent's cell has no population share, or a
        cell of the population has no respondent (no weight can make up for it).

    Notes
    -----
    Lohr (2021), *Sampling: Design and Analysis*, ch. 4.
    """
    columns = _as_list(by)
    _check_shares("population_shares", population_shares)
    sample_shares = sample.groupby(columns, observed=True).size() / len(sample)
    if len(columns) == 1:
        sample_shares.index = sample_shares.index.get_level_values(0)
    missing = sample_shares.index.difference(population_shares.index)
    if len(missing):
        raise ValueError(f"no population share for cell(s) {list(missing)}")
    empty = population_shares[population_shares > 0].index.difference(sample_shares.index)
    if len(empty):
        raise ValueError(f"cell(s) {list(empty)} have no respondents: post-stratification cannot represent them")
    factors = population_shares.reindex(sample_shares.index) / sample_shares
    keys = sample[columns[0]] if len(columns) == 1 else pd.MultiIndex.from_frame(sample[columns])
    weights = factors.reindex(keys).to_numpy(dtype=float)
    return pd.Series(weights, index=sample.index, name="weight")


def rake_weights(sample: pd.DataFrame, margins: Mapping[str, Mapping[object, float]], *, max_iterations: int = 1000) -> pd.Series:
    """Raking (iterative proportional fitting) weights that match several population margins.

    Adjusts the weights to match each margin in turn (say, the age distribution, then the
    sex distribution) and repeats until all hold at once. Needs only the margins, not the
    joint table; it matches the joint table too when the population has no interaction
    between the variables. Computed with weightipy's RIM weighting, iterated to machine
    precision; this wrapper checks the result.

    Parameters
    ----------
    sample : pandas.DataFrame, shape (n, ...)
        One row per respondent, with one column per margin.
    margins : mapping of str to mapping of level to float
        For each column, the population share of each of its levels (proportions summing
        to 1), e.g. ``{"sex": {"man": 0.47, "woman": 0.53}, "age_group": {...}}``.
    max_iterations : int
        Most raking sweeps before giving up.

    Returns
    -------
    pandas.Series, shape (n,)
        One weight per respondent (same index as ``sample``), averaging 1, named ``"weight"``.

    Raises
    ------
    ValueError
        If a margin's shares do not sum to 1, a level in the sample has no target (or a
        target level has no respondent), or the weights do not reproduce every margin to
        1e-9 after ``max_iterations`` sweeps.

    Notes
    -----
    Deming and Stephan (1940); Lohr (2021), ch. 8; weightipy (PyPI), ``weightipy.weight``.
    """
    import weightipy  # imported here: only lesson 04 needs it

    scheme_targets = {}
    for column, target in margins.items():
        shares = pd.Series(dict(target), dtype=float)
        _check_shares(f"the {column!r} margin", shares)
        present = set(sample[column].unique())
        if present - set(shares.index):
            raise ValueError(f"level(s) {sorted(map(str, present - set(shares.index)))} of {column!r} have no target share")
        empty = set(shares[shares > 0].index) - present
        if empty:
            raise ValueError(f"level(s) {sorted(map(str, empty))} of {column!r} have no respondents: raking cannot represent them")
        scheme_targets[column] = {level: 100 * share for level, share in shares.items() if level in present}
    # convcrit 0: keep sweeping while the weights still change (weightipy's default stops at 1% improvement).
    scheme = weightipy.scheme_from_dict(scheme_targets, name="modlab", rim_params={"convcrit": 0.0, "max_iterations": max_iterations})
    frame = sample[list(margins)].reset_index(drop=True)
    with contextlib.redirect_stdout(io.StringIO()):  # weightipy prints its progress messages
        raw = weightipy.weight(frame, scheme).to_numpy(dtype=float)
    weights = pd.Series(raw / raw.mean(), index=sample.index, name="weight")
    for column, target in margins.items():
        achieved = weights.groupby(sample[column].to_numpy()).sum() / weights.sum()
        wanted = pd.Series(dict(target), dtype=float).reindex(achieved.index)
        if not np.allclose(achieved.to_numpy(), wanted.to_numpy(), rtol=0, atol=_TOLERANCE):
            raise ValueError(f"raking did not reproduce the {column!r} margin in {max_iterations} iterations")
    return weights


def _check_weights(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or len(w) == 0:
        raise ValueError("weights must be a non-empty one-dimensional array")
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() == 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w


def kish_effective_sample_size(weights) -> float:
    """Kish's effective sample size of a set of weights: ``(sum w)^2 / sum w^2``.

    The number of equally weighted respondents whose mean would be as precise as this
    weighted mean, if the weights are unrelated to the answers (Kish 1965). It equals n
    when all weights are equal and falls as they become more unequal. It does not depend
    on how the weights are scaled.

    Parameters
    ----------
    weights : array-like of float, shape (n,)
        Non-negative weights, one per respondent.

    Returns
    -------
    float
        Effective sample size, between 1 and n (respondents).

    Raises
    ------
    ValueError
        If the weights are empty, negative, not finite or all zero.

    Examples
    --------
    >>> kish_effective_sample_size([1, 1, 1, 1])
    4.0
    >>> kish_effective_sample_size([1, 1, 1, 3])
    3.0

    Notes
    -----
    Kish, L. (1965), *Survey Sampling*, Wiley, section 11.7.
    """
    w = _check_weights(weights)
    return float(w.sum() ** 2 / (w**2).sum())


def design_effect(weights) -> float:
    """Design effect of unequal weights (Kish): ``n / n_eff = 1 + CV^2``.

    How many times larger the variance of a weighted mean is than that of an unweighted
    mean of the same n respondents, from the weights alone (Kish 1965). CV is the
    coefficient of variation of the weights (standard deviation with divisor n, over the mean).

    Parameters
    ----------
    weights : array-like of float, shape (n,)
        Non-negative weights, one per respondent.

    Returns
    -------
    float
        Design effect, >= 1 (1 when all weights are equal).

    Raises
    ------
    ValueError
        If the weights are empty, negative, not finite or all zero.

    Examples
    --------
    >>> round(design_effect([1, 1, 1, 3]), 6)
    1.333333

    Notes
    -----
    Kish, L. (1965), *Survey Sampling*, Wiley, section 11.7.
    """
    w = _check_weights(weights)
    return len(w) / kish_effective_sample_size(w)


def weighted_share(values, weights) -> float:
    """Weighted mean of 0/1 answers: the weighted share saying yes.

    Parameters
    ----------
    values : array-like of 0/1 or bool, shape (n,)
        One answer per respondent.
    weights : array-like of float, shape (n,)
        Non-negative weights.

    Returns
    -------
    float
        ``sum(w y) / sum(w)``, a proportion.
    """
    return float(np.average(np.asarray(values, dtype=float), weights=_check_weights(weights)))
