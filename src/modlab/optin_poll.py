"""A simulated opt-in poll skewed like the Xbox poll, with a population whose truth we know.

Simulated data for lesson 04 (weighting). A population of adults is split into cells by
age group and sex; each cell has a known share of the population and a known share in
favour of some proposal. The simulated poll's respondents are skewed the way the Xbox
poll of 2012 was: 65% of its respondents were aged 18-29 against 19% of voters, and 93%
were men against 47% (Wang, Rothschild, Goel and Gelman 2015) [P/S].

**Only those four shares come from the paper.** Everything else is the kit's assumption,
chosen to be plausible and to make the lesson's point, not estimated from any data: the
split of the other age groups, the share of men within each age group, the opinion of
each cell (:data:`POPULATION_CELLS`), and the respondents' mix of the three older age
groups (:data:`RESPONDENT_AGE_SHARES`). Respondents' age and sex are drawn independently
(the paper reports only the two margins).

Two things can be switched on that weighting by age and sex cannot see:

- ``opinion_ratio``: *within* every age x sex cell, supporters are that many times as
  likely to take part as opponents (selection on the opinion itself);
- ``bot_share``: a share of the "respondents" are bots, which fill in the age and sex
  questions like the human respondents do and say yes with chance ``bot_yes_share``.

Source: Wang, W., Rothschild, D., Goel, S. and Gelman, A. (2015), "Forecasting elections
with non-representative polls", *International Journal of Forecasting* 31(3): 980-991.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from modlab.polls import opt_in_share

#: Age groups and sexes of the simulated population, in display order.
AGE_GROUPS = ("18-29", "30-44", "45-64", "65+")
SEXES = ("man", "woman")

#: The Xbox poll's skews (Wang et al. 2015) [P/S]: share of respondents vs share of voters.
XBOX_RESPONDENTS_18_29 = 0.65
XBOX_VOTERS_18_29 = 0.19
XBOX_RESPONDENTS_MEN = 0.93
XBOX_VOTERS_MEN = 0.47

#: The simulated population, one row per age x sex cell: its share of the population and the
#: share in favour within it. The 18-29 total (0.19) and the men's total (0.47) are the Xbox
#: paper's voter figures; the rest are the kit's assumptions.
POPULATION_CELLS = pd.DataFrame(
    {
        "age_group": pd.Categorical(np.repeat(AGE_GROUPS, 2), categories=AGE_GROUPS),
        "sex": pd.Categorical(SEXES * 4, categories=SEXES),
        "population_share": [0.0931, 0.0969, 0.1200, 0.1300, 0.1692, 0.1908, 0.0877, 0.1123],
        "in_favour_share": [0.70, 0.52, 0.60, 0.44, 0.50, 0.36, 0.42, 0.30],
    }
).set_index(["age_group", "sex"])

#: Age mix of the respondents: 18-29 from the Xbox paper [P/S]; the other three are assumed.
RESPONDENT_AGE_SHARES = pd.Series([XBOX_RESPONDENTS_18_29, 0.18, 0.12, 0.05], index=pd.Index(AGE_GROUPS, name="age_group"))
#: Sex mix of the respondents (Xbox paper) [P/S].
RESPONDENT_SEX_SHARES = pd.Series([XBOX_RESPONDENTS_MEN, 1 - XBOX_RESPONDENTS_MEN], index=pd.Index(SEXES, name="sex"))

#: Seed and size of the shipped snapshot, ``datasets/optin_poll.csv``.
DEFAULT_SEED = 20121106  # US election day 2012, the election the Xbox poll forecast
DEFAULT_RESPONDENTS = 10_000


def population_truth() -> float:
    """Share in favour in the whole simulated population (the number a poll tries to estimate).

    Returns
    -------
    float
        ``sum over cells of population_share x in_favour_share``, a proportion (about 0.469).
    """
    return float((POPULATION_CELLS["population_share"] * POPULATION_CELLS["in_favour_share"]).sum())


def population_shares(by: str | list[str] = ("age_group", "sex")) -> pd.Series:
    """The simulated population's shares by age group, by sex, or by age x sex cell.

    Parameters
    ----------
    by : str or list of str
        ``"age_group"``, ``"sex"`` or both (the default).

    Returns
    -------
    pandas.Series
        Proportions summing to 1, indexed by the level(s) of ``by`` (a MultiIndex for both),
        named ``"population_share"``.
    """
    columns = [by] if isinstance(by, str) else list(by)
    shares = POPULATION_CELLS["population_share"].groupby(level=columns, observed=True).sum()
    return shares.rename("population_share")


def respondent_cell_shares() -> pd.Series:
    """Expected share of human respondents in each age x sex cell (age and sex independent).

    Returns
    -------
    pandas.Series
        ``RESPONDENT_AGE_SHARES[age] x RESPONDENT_SEX_SHARES[sex]``, indexed like
        :data:`POPULATION_CELLS`, summing to 1.
    """
    age = RESPONDENT_AGE_SHARES.reindex(POPULATION_CELLS.index.get_level_values("age_group")).to_numpy()
    sex = RESPONDENT_SEX_SHARES.reindex(POPULATION_CELLS.index.get_level_values("sex")).to_numpy()
    return pd.Series(age * sex, index=POPULATION_CELLS.index, name="respondent_share")


def simulate_optin_poll(
    n: int = DEFAULT_RESPONDENTS,
    opinion_ratio: float = 1.0,
    bot_share: float = 0.0,
    bot_yes_share: float = 0.9,
    seed: int | None = DEFAULT_SEED,
) -> pd.DataFrame:
    """Simulate the respondents of one opt-in poll (simulated data, seeded).

    Each respondent's age x sex cell is drawn with :func:`respondent_cell_shares`. A human
    respondent is in favour with the cell's share, tilted by ``opinion_ratio``
    (:func:`modlab.polls.opt_in_share`: the odds of "in favour" are multiplied by it). A bot
    claims a cell drawn the same way and is in favour with chance ``bot_yes_share``.

    Parameters
    ----------
    n : int
        Number of respondents, humans and bots (>= 1).
    opinion_ratio : float
        Within every cell, supporters' chance of taking part divided by opponents' (> 0);
        1 means the poll selects on age and sex only.
    bot_share : float
        Expected share of respondents that are bots, a proportion in [0, 1].
    bot_yes_share : float
        Chance that a bot answers "in favour", a proportion in [0, 1].
    seed : int or None
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows: ``respondent_id`` (str, "R00001"...), ``age_group`` and ``sex``
        (categoricals in the order of :data:`AGE_GROUPS` and :data:`SEXES`), ``in_favour``
        (int 0/1) and ``bot`` (bool; a pollster would not know it). ``attrs["simulated"]``
        is True.

    Raises
    ------
    ValueError
        If ``n`` < 1, ``opinion_ratio`` <= 0, or a share is outside [0, 1].
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    if opinion_ratio <= 0:
        raise ValueError(f"opinion_ratio must be positive, got {opinion_ratio!r}")
    for name, value in (("bot_share", bot_share), ("bot_yes_share", bot_yes_share)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be a proportion between 0 and 1, got {value!r}")
    rng = np.random.default_rng(seed)
    cells = respondent_cell_shares()
    cell_index = rng.choice(len(cells), size=n, p=cells.to_numpy())
    human_yes = np.array([opt_in_share(p, opinion_ratio) for p in POPULATION_CELLS["in_favour_share"]])
    bot = rng.random(n) < bot_share
    chance_yes = np.where(bot, bot_yes_share, human_yes[cell_index])
    in_favour = (rng.random(n) < chance_yes).astype("int64")
    table = pd.DataFrame(
        {
            "respondent_id": [f"R{i:05d}" for i in range(1, n + 1)],
            "age_group": pd.Categorical(cells.index.get_level_values("age_group")[cell_index], categories=AGE_GROUPS),
            "sex": pd.Categorical(cells.index.get_level_values("sex")[cell_index], categories=SEXES),
            "in_favour": in_favour,
            "bot": bot,
        }
    )
    table.attrs["simulated"] = True
    return table


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """The bytes of ``datasets/optin_poll.csv`` for ``table`` (UTF-8, LF, no index).

    The ``bot`` column is left out: the snapshot has no bots, and a pollster could not
    tell a bot from a person anyway.

    Raises
    ------
    ValueError
        If the table contains bots (the snapshot must not).
    """
    if table["bot"].any():
        raise ValueError("the snapshot is simulated without bots; drop them or use bot_share=0")
    buffer = io.StringIO()
    table.drop(columns="bot").to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
