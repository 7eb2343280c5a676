"""Two real weighted surveys side by side: FiveThirtyEight's non-voters and masculinity surveys.

Lesson 04 compares a probability panel with an opt-in online sample, both published with
their weights by FiveThirtyEight (CC BY 4.0), loaded with :func:`modlab.corpora.load`:

- ``fte_nonvoters``: Ipsos KnowledgePanel ("a probability-based online panel that is
  recruited to be representative of the U.S. population"), Sept 15-25 2020, US citizens,
  oversampling young, Black and Hispanic respondents, weighted to the Census Bureau's
  Current Population Survey (March 2019 supplement); the published file keeps 5,836
  respondents matched to a voter file or describing themselves as rare voters, all
  eligible for at least 4 elections (the data's README).
- ``fte_masculinity``: SurveyMonkey, May 10-22 2018, 1,615 adult men who answered an
  online survey (an opt-in sample), weighted "for age, race, education, and geography
  using the Census Bureau's American Community Survey" to US adults (the data's README).

The functions here only put the two surveys' demographics into the same categories, so a
``groupby`` can compare them; men only, since the masculinity survey asked only men.
Category mapping follows the codebooks (``nonvoters_codebook.pdf``: "Associate's degree
is grouped in 'some college'"; race categories other than Hispanic are non-Hispanic;
``masculinity-survey.pdf`` questions 27-29).
"""

from __future__ import annotations

import pandas as pd

#: Shared categories (in display order) of the harmonised tables.
AGE_GROUPS = ("18-34", "35-64", "65+")
EDUCATION = ("high school or less", "some college", "college degree or more")
RACE = ("White", "Black", "Hispanic", "Other")

_NONVOTERS_EDUCATION = {"High school or less": EDUCATION[0], "Some college": EDUCATION[1], "College": EDUCATION[2]}
_NONVOTERS_RACE = {"White": "White", "Black": "Black", "Hispanic": "Hispanic", "Other/Mixed": "Other"}
_MASCULINITY_AGE = {"18 - 34": AGE_GROUPS[0], "35 - 64": AGE_GROUPS[1], "65 and up": AGE_GROUPS[2]}
_MASCULINITY_EDUCATION = {"High school or less": EDUCATION[0], "Some college": EDUCATION[1], "College or more": EDUCATION[2]}


def _categorical(values: pd.Series, categories: tuple[str, ...], name: str) -> pd.Series:
    if values.isna().any():
        raise ValueError(f"{name}: {int(values.isna().sum())} value(s) outside the expected categories")
    return pd.Series(pd.Categorical(values, categories=categories), index=values.index, name=name)


def men_in_nonvoters(nonvoters: pd.DataFrame) -> pd.DataFrame:
    """The men of the non-voters survey, with age, education and race in the shared categories.

    Parameters
    ----------
    nonvoters : pandas.DataFrame
        ``corpora.load("fte_nonvoters")``: columns ``gender``, ``ppage`` (age in years),
        ``educ``, ``race`` and ``weight``.

    Returns
    -------
    pandas.DataFrame
        One row per man: ``age_group`` (:data:`AGE_GROUPS`; ages 22-34 fall in 18-34, as no
        one in the file is younger than 22), ``education`` (:data:`EDUCATION`), ``race``
        (:data:`RACE`), ``weight`` (the survey's weight, unchanged).

    Raises
    ------
    ValueError
        If a value falls outside the known categories.
    """
    men = nonvoters.loc[nonvoters["gender"] == "Male"]
    age = pd.cut(men["ppage"], bins=[17, 34, 64, 200], labels=list(AGE_GROUPS)).astype(object)
    return pd.DataFrame(
        {
            "age_group": _categorical(age, AGE_GROUPS, "age_group"),
            "education": _categorical(men["educ"].map(_NONVOTERS_EDUCATION), EDUCATION, "education"),
            "race": _categorical(men["race"].map(_NONVOTERS_RACE), RACE, "race"),
            "weight": men["weight"].astype(float),
        }
    )


def men_in_masculinity(masculinity: pd.DataFrame) -> pd.DataFrame:
    """The masculinity survey's respondents (all men), in the shared categories.

    Parameters
    ----------
    masculinity : pandas.DataFrame
        ``corpora.load("fte_masculinity")``: columns ``age3``, ``educ3``, ``racethn4``
        and ``weight``.

    Returns
    -------
    pandas.DataFrame
        One row per respondent: ``age_group``, ``education``, ``race`` and ``weight`` as in
        :func:`men_in_nonvoters`.

    Raises
    ------
    ValueError
        If a value falls outside the known categories.
    """
    return pd.DataFrame(
        {
            "age_group": _categorical(masculinity["age3"].map(_MASCULINITY_AGE), AGE_GROUPS, "age_group"),
            "education": _categorical(masculinity["educ3"].map(_MASCULINITY_EDUCATION), EDUCATION, "education"),
            "race": _categorical(masculinity["racethn4"].where(masculinity["racethn4"].isin(RACE)), RACE, "race"),
            "weight": masculinity["weight"].astype(float),
        }
    )


def shares(men: pd.DataFrame, column: str) -> pd.DataFrame:
    """Unweighted and weighted share of each category of ``column``.

    Parameters
    ----------
    men : pandas.DataFrame
        Output of :func:`men_in_nonvoters` or :func:`men_in_masculinity`.
    column : str
        ``"age_group"``, ``"education"`` or ``"race"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by category: ``unweighted`` (share of respondents) and ``weighted`` (share of
        the weights), proportions summing to 1 each.
    """
    counts = men.groupby(column, observed=False).size()
    weights = men.groupby(column, observed=False)["weight"].sum()
    return pd.DataFrame({"unweighted": counts / counts.sum(), "weighted": weights / weights.sum()})
