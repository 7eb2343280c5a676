"""How much can a poll tell us? Sampling error, selection bias and Meng's identity.

Pure functions for lesson 03 (the amnesty poll). Opinions are coded 1 ("yes") and
0 ("no"), so a population mean is the share in favour and its standard deviation is
``sqrt(p * (1 - p))``. All shares are proportions between 0 and 1, not percentages.

Sources
-------
- Margin of error of a simple random sample: any survey-sampling text, e.g.
  Lohr, S. (2021), *Sampling: Design and Analysis*, 3rd ed., ch. 2.
- AAPOR (American Association for Public Opinion Research), statement on opt-in
  surveys and margin of error: for opt-in samples no sampling error can be computed.
- Meng, X.-L. (2018), "Statistical paradises and paradoxes in big data (I): Law of
  large populations, big data paradox, and the 2016 US presidential election",
  *Annals of Applied Statistics* 12(2): 685-726. Identity (error = data-defect
  correlation x data quantity x problem difficulty) and effective sample size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Twitter's monetizable daily active users, Q2 2022 (Twitter Q2 2022 results, Jul 22 2022) [P].
TWITTER_MDAU_Q2_2022 = 237_800_000


def _check_share(name: str, value: float) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be a proportion between 0 and 1, got {value!r}")


def z_value(confidence: float = 0.95) -> float:
    """Two-sided normal critical value for a confidence level.

    Parameters
    ----------
    confidence : float
        Confidence level in (0, 1), e.g. 0.95.

    Returns
    -------
    float
        ``z`` such that P(-z < Z < z) = confidence; 1.959963... for 0.95.

    Raises
    ------
    ValueError
        If ``confidence`` is not strictly between 0 and 1.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    from scipy import stats  # imported here: scipy.stats costs about a second at import

    return float(stats.norm.ppf(0.5 + confidence / 2))


def srs_margin_of_error(p: float, n: int, confidence: float = 0.95, population: int | None = None) -> float:
    """Margin of error of a share estimated from a simple random sample (SRS).

    ``MoE = z * sqrt(p (1 - p) / n)``, times the finite population correction
    ``sqrt((N - n) / (N - 1))`` when ``population`` (N) is given.

    It measures only *sampling* error, and only for a probability sample. It says
    nothing about an opt-in poll, where who answers depends on the answer (AAPOR).

    Parameters
    ----------
    p : float
        Estimated share in favour, a proportion in [0, 1].
    n : int
        Sample size (respondents), >= 1.
    confidence : float
        Confidence level, default 0.95.
    population : int, optional
        Population size N >= n, for the finite population correction.

    Returns
    -------
    float
        Half-width of the confidence interval, as a proportion
        (0.031 means plus or minus 3.1 percentage points).

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1], ``n`` < 1, or ``population`` < ``n``.

    Examples
    --------
    >>> round(srs_margin_of_error(0.5, 1000), 4)
    0.031
    """
    _check_share("p", p)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    moe = z_value(confidence) * math.sqrt(p * (1 - p) / n)
    if population is not None:
        if population < n:
            raise ValueError(f"population ({population}) must be at least n ({n})")
        moe *= math.sqrt((population - n) / (population - 1)) if population > 1 else 0.0
    return moe


def sample_size_for_margin(margin: float, p: float = 0.5, confidence: float = 0.95) -> int:
    """Smallest SRS size whose margin of error is at most ``margin``.

    ``n = ceil(z^2 p (1 - p) / margin^2)``; ``p = 0.5`` is the worst case.

    Parameters
    ----------
    margin : float
        Wanted margin of error as a proportion (0.03 for 3 points), > 0.
    p : float
        Expected share, default 0.5 (the most conservative).
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    int
        Number of respondents (1,068 for a 3-point margin at 95%).

    Raises
    ------
    ValueError
        If ``margin`` <= 0 or ``p`` is outside [0, 1].
    """
    if margin <= 0:
        raise ValueError(f"margin must be positive, got {margin!r}")
    _check_share("p", p)
    return max(1, math.ceil(z_value(confidence) ** 2 * p * (1 - p) / margin**2))


def meng_error(rho: float, n: int, population: int, sigma: float) -> float:
    """Error of a sample mean by Meng's (2018) identity.

    ``error = rho * sqrt((N - n) / n) * sigma``: data quality (the data-defect
    correlation rho) times data quantity times problem difficulty (sigma).

    Parameters
    ----------
    rho : float
        Data-defect correlation: correlation between being in the data and the
        value measured, over the whole population (see :func:`data_defect_correlation`).
    n : int
        Number of people in the data (e.g. votes cast), 1 <= n <= N.
    population : int
        Population size N.
    sigma : float
        Population standard deviation of the value (``sqrt(p (1 - p))`` for a share).

    Returns
    -------
    float
        Sample mean minus population mean (a proportion for a share).

    Raises
    ------
    ValueError
        If ``n`` is not between 1 and ``population``.
    """
    if not 1 <= n <= population:
        raise ValueError(f"n must be between 1 and the population size, got n={n}, N={population}")
    return rho * math.sqrt((population - n) / n) * sigma


def implied_ddc(error: float, n: int, population: int, sigma: float) -> float:
    """Data-defect correlation implied by an observed error (Meng's identity solved for rho).

    Parameters
    ----------
    error : float
        Sample mean minus population mean (a proportion for a share).
    n, population : int
        Data size and population size, 1 <= n < N.
    sigma : float
        Population standard deviation (> 0).

    Returns
    -------
    float
        ``error / (sqrt((N - n) / n) * sigma)``.

    Raises
    ------
    ValueError
        If ``n`` >= ``population`` or ``sigma`` <= 0.
    """
    if not 1 <= n < population:
        raise ValueError(f"n must be at least 1 and below the population size, got n={n}, N={population}")
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    return error / (math.sqrt((population - n) / n) * sigma)


def effective_sample_size(rho: float, n: int, population: int) -> float:
    """Size of a simple random sample with the same mean squared error (Meng 2018).

    Setting ``rho^2 (N - n)/n sigma^2`` equal to the SRS variance ``sigma^2 / n_eff``
    gives ``n_eff = f / (1 - f) / rho^2`` with ``f = n / N`` (the finite population
    correction of the SRS is ignored, as in Meng's approximation).

    Meng's 2016 example: rho = -0.005 and n = 2.3 million of N = 231 million
    voters give n_eff of about 400.

    Parameters
    ----------
    rho : float
        Data-defect correlation (non-zero).
    n, population : int
        Data size and population size, 1 <= n < N.

    Returns
    -------
    float
        Effective sample size (respondents of a random sample); ``inf`` when rho is 0.

    Raises
    ------
    ValueError
        If ``n`` is not between 1 and ``population - 1``.
    """
    if not 1 <= n < population:
        raise ValueError(f"n must be at least 1 and below the population size, got n={n}, N={population}")
    if rho == 0:
        return math.inf
    f = n / population
    return f / (1 - f) / rho**2


def data_defect_correlation(recorded, values) -> float:
    """Data-defect correlation: Pearson correlation of "is in the data" with the value.

    Parameters
    ----------
    recorded : array-like of bool or 0/1, shape (N,)
        For every member of the population, whether they are in the data (voted).
    values : array-like of float, shape (N,)
        The value for every member (1 = yes, 0 = no).

    Returns
    -------
    float
        ``corr(R, Y)`` over the population (Meng 2018, eq. 2.2); 0 for a random sample
        in expectation.

    Raises
    ------
    ValueError
        If shapes differ, or either array is constant (the correlation is undefined).
    """
    r = np.asarray(recorded, dtype=float)
    y = np.asarray(values, dtype=float)
    if r.shape != y.shape:
        raise ValueError(f"recorded and values must have the same shape, got {r.shape} and {y.shape}")
    if r.std() == 0 or y.std() == 0:
        raise ValueError("the correlation is undefined when everyone (or no one) is recorded, or all values are equal")
    return float(np.corrcoef(r, y)[0, 1])


def ddc_from_rates(p: float, rate_yes: float, rate_no: float) -> float:
    """Data-defect correlation of a yes/no opinion when the two camps respond at different rates.

    With a share ``p`` in favour, supporters in the data with probability ``a`` and
    opponents with probability ``b``, the response rate is ``f = p a + (1-p) b`` and
    ``rho = (a - b) sqrt(p (1 - p)) / sqrt(f (1 - f))`` (expected-value form of
    :func:`data_defect_correlation`; derived from Cov(R, Y) = p (1 - p)(a - b)).

    Parameters
    ----------
    p : float
        Population share in favour, in (0, 1).
    rate_yes, rate_no : float
        Probability that a supporter / an opponent ends up in the data, in [0, 1],
        not both 0 and not both 1.

    Returns
    -------
    float
        rho; positive when supporters are over-represented.

    Raises
    ------
    ValueError
        If an argument is outside its range, or nobody / everybody responds.
    """
    for name, value in (("p", p), ("rate_yes", rate_yes), ("rate_no", rate_no)):
        _check_share(name, value)
    f = p * rate_yes + (1 - p) * rate_no
    if f in (0, 1) or p in (0, 1):
        raise ValueError("rho is undefined when nobody or everybody responds, or when everyone agrees")
    return (rate_yes - rate_no) * math.sqrt(p * (1 - p)) / math.sqrt(f * (1 - f))


def opt_in_share(p: float, propensity_ratio: float) -> float:
    """Expected yes share among voters when supporters are ``propensity_ratio`` times as likely to vote.

    ``q = p r / (p r + 1 - p)``: the opinion odds are multiplied by r. With p = 0.5
    and r = 2, two thirds of the votes say yes.

    Parameters
    ----------
    p : float
        Population share in favour, in [0, 1].
    propensity_ratio : float
        Probability that a supporter votes divided by the probability that an
        opponent votes (seeing the poll times choosing to vote), > 0.

    Returns
    -------
    float
        Expected share of yes votes among human voters, a proportion.

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1] or the ratio is not positive.
    """
    _check_share("p", p)
    if propensity_ratio <= 0:
        raise ValueError(f"propensity_ratio must be positive, got {propensity_ratio!r}")
    return p * propensity_ratio / (p * propensity_ratio + 1 - p)


def share_from_opt_in(q: float, propensity_ratio: float) -> float:
    """Invert :func:`opt_in_share`: the population share that would produce a voter share ``q``.

    ``p = (q / r) / (q / r + 1 - q)``. Useful only if the ratio r were known, which for
    a real opt-in poll it is not: that is the point of the exercise.

    Parameters
    ----------
    q : float
        Observed share of yes votes, in [0, 1].
    propensity_ratio : float
        Supporters' voting propensity divided by opponents', > 0.

    Returns
    -------
    float
        Population share in favour, a proportion.
    """
    _check_share("q", q)
    if propensity_ratio <= 0:
        raise ValueError(f"propensity_ratio must be positive, got {propensity_ratio!r}")
    return (q / propensity_ratio) / (q / propensity_ratio + 1 - q)


@dataclass(frozen=True)
class OptInPollSetup:
    """The assumptions of one simulated opt-in poll (every share is a proportion).

    Attributes
    ----------
    true_share : float
        Share of the population (human accounts) in favour.
    see_ratio : float
        How much likelier a supporter is to *see* the poll than an opponent
        (followers of the poster lean one way; the algorithm shows it to them).
    vote_ratio : float
        Among those who see it, how much likelier a supporter is to *vote*.
    bot_share : float
        Share of all votes cast by bots or coordinated fake accounts.
    bot_yes_share : float
        Share of bot votes that say yes (their lean).
    votes : int
        Total votes cast (humans plus bots).
    population : int
        Human accounts that could have voted (default: Twitter's Q2 2022 mDAU).
    """

    true_share: float = 0.5
    see_ratio: float = 1.5
    vote_ratio: float = 1.5
    bot_share: float = 0.05
    bot_yes_share: float = 0.9
    votes: int = 3_100_000
    population: int = TWITTER_MDAU_Q2_2022

    def __post_init__(self) -> None:
        for name in ("true_share", "bot_share", "bot_yes_share"):
            _check_share(name, getattr(self, name))
        if self.see_ratio <= 0 or self.vote_ratio <= 0:
            raise ValueError("see_ratio and vote_ratio must be positive")
        if not 1 <= self.votes <= self.population:
            raise ValueError(f"votes must be between 1 and the population ({self.population:,}), got {self.votes!r}")

    @property
    def propensity_ratio(self) -> float:
        """Supporters' overall chance of voting relative to opponents' (see x vote)."""
        return self.see_ratio * self.vote_ratio

    @property
    def human_votes(self) -> int:
        """Votes cast by humans (the bot votes rounded to whole votes)."""
        return self.votes - round(self.votes * self.bot_share)

    @property
    def expected_estimate(self) -> float:
        """Expected yes share of the poll: human voters' share mixed with the bots' lean."""
        human = opt_in_share(self.true_share, self.propensity_ratio)
        bots = self.votes - self.human_votes
        return (self.human_votes * human + bots * self.bot_yes_share) / self.votes

    def response_rates(self) -> tuple[float, float]:
        """Probabilities that a supporter / an opponent casts a (human) vote.

        Chosen so that the expected number of human votes equals :attr:`human_votes`
        and their ratio equals :attr:`propensity_ratio`.

        Raises
        ------
        ValueError
            If either rate would exceed 1 (too many votes for so few supporters, or, when
            the ratio is below 1, for so few opponents).
        """
        p, r = self.true_share, self.propensity_ratio
        rate_no = self.human_votes / (self.population * (p * r + 1 - p))
        rate_yes = r * rate_no
        if rate_yes > 1:
            raise ValueError("these settings need more supporters than exist: lower the votes or the ratios")
        if rate_no > 1:  # supporters less keen than opponents (ratio < 1) and few opponents
            raise ValueError("these settings need more opponents than exist: lower the votes or raise the ratios")
        return rate_yes, rate_no

    def data_defect_correlation(self) -> float:
        """rho of the human votes (bots are outside the population, so not included)."""
        rate_yes, rate_no = self.response_rates()
        return ddc_from_rates(self.true_share, rate_yes, rate_no)

    def mean_squared_error(self) -> float:
        """Expected squared error of the poll's yes share: bias squared plus binomial variance.

        Returns
        -------
        float
            ``(expected_estimate - true_share)^2 + Var``, where Var adds the binomial
            variances of the human and bot yes counts, divided by ``votes^2``.
        """
        human = opt_in_share(self.true_share, self.propensity_ratio)
        bots = self.votes - self.human_votes
        variance = (self.human_votes * human * (1 - human) + bots * self.bot_yes_share * (1 - self.bot_yes_share)) / self.votes**2
        return (self.expected_estimate - self.true_share) ** 2 + variance

    def effective_sample_size(self) -> float:
        """Size of a random sample with the same mean squared error as this poll, bots included.

        ``n_eff = p (1 - p) / MSE`` (Meng 2018 defines the effective sample size by equal
        mean squared error). With no bots and a bias much larger than the noise this is
        Meng's ``f / (1 - f) / rho^2`` for the human votes; with no selection and no bots
        it is about the number of votes.

        Returns
        -------
        float
            Random respondents (``inf`` only if everyone agrees and there is no error at all).
        """
        mse = self.mean_squared_error()
        return math.inf if mse == 0 else self.true_share * (1 - self.true_share) / mse


def simulate_opt_in_polls(
    setup: OptInPollSetup,
    n_polls: int = 200,
    random_sample_size: int = 1000,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Run the same opt-in poll many times, next to a random sample of the same population.

    Simulated data, not real polls. In each repetition the human votes are a binomial
    draw with the voters' expected yes share (:func:`opt_in_share`), the bot votes a
    binomial draw with the bots' lean, and the random sample a binomial draw of
    ``random_sample_size`` people with the true share. Binomial draws stand in for
    sampling without replacement from the population (votes are a small fraction of it).

    Parameters
    ----------
    setup : OptInPollSetup
        The poll's assumptions.
    n_polls : int
        Number of repetitions (>= 1).
    random_sample_size : int
        Size of the comparison simple random sample (>= 1).
    seed : int or None
        Seed for ``numpy.random.default_rng``; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        One row per repetition, columns: ``poll`` (1..n_polls), ``opt_in_estimate``
        and ``random_sample_estimate`` (yes shares, proportions), ``truth`` (the
        true share), ``opt_in_error`` and ``random_sample_error`` (estimate minus
        truth). ``frame.attrs["simulated"]`` is True.

    Raises
    ------
    ValueError
        If ``n_polls`` or ``random_sample_size`` is below 1, or the setup needs more
        supporters than the population has (see :meth:`OptInPollSetup.response_rates`).
    """
    if n_polls < 1 or random_sample_size < 1:
        raise ValueError("n_polls and random_sample_size must be at least 1")
    setup.response_rates()  # refuses settings no population could produce
    rng = np.random.default_rng(seed)
    human_share = opt_in_share(setup.true_share, setup.propensity_ratio)
    bot_votes = setup.votes - setup.human_votes
    yes = rng.binomial(setup.human_votes, human_share, size=n_polls) + rng.binomial(bot_votes, setup.bot_yes_share, size=n_polls)
    opt_in = yes / setup.votes
    random_sample = rng.binomial(random_sample_size, setup.true_share, size=n_polls) / random_sample_size
    frame = pd.DataFrame(
        {
            "poll": np.arange(1, n_polls + 1),
            "opt_in_estimate": opt_in,
            "random_sample_estimate": random_sample,
            "truth": setup.true_share,
        }
    )
    frame["opt_in_error"] = frame["opt_in_estimate"] - frame["truth"]
    frame["random_sample_error"] = frame["random_sample_estimate"] - frame["truth"]
    frame.attrs["simulated"] = True
    return frame


def simulate_population_poll(
    population: int,
    true_share: float,
    rate_yes: float,
    rate_no: float,
    seed: int | None = 0,
) -> dict[str, float]:
    """Simulate one poll person by person, to check Meng's identity exactly.

    Every member of a population of size N has an opinion (exactly
    ``round(true_share * N)`` say yes) and votes with probability ``rate_yes`` or
    ``rate_no`` depending on it. Simulated, for teaching.

    Parameters
    ----------
    population : int
        N, number of people (keep it below ~10 million for memory).
    true_share : float
        Share in favour, in (0, 1).
    rate_yes, rate_no : float
        Voting probabilities of supporters and opponents, in [0, 1].
    seed : int or None
        Seed for ``numpy.random.default_rng``.

    Returns
    -------
    dict
        ``n`` (votes), ``estimate`` (yes share among voters), ``truth``, ``error``,
        ``rho`` (the realised data-defect correlation), ``sigma`` and
        ``meng_error`` (rho x sqrt((N - n)/n) x sigma, equal to ``error`` up to
        floating-point rounding: it is an identity, not an approximation).
    """
    rng = np.random.default_rng(seed)
    yes_count = round(true_share * population)
    values = np.zeros(population, dtype=np.int8)
    values[:yes_count] = 1
    rates = np.where(values == 1, rate_yes, rate_no)
    recorded = rng.random(population) < rates
    n = int(recorded.sum())
    truth = values.mean()
    estimate = values[recorded].mean()
    sigma = values.std()
    rho = data_defect_correlation(recorded, values)
    return {
        "n": n,
        "estimate": float(estimate),
        "truth": float(truth),
        "error": float(estimate - truth),
        "rho": rho,
        "sigma": float(sigma),
        "meng_error": meng_error(rho, n, population, float(sigma)),
    }
