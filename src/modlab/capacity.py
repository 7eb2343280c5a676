"""Moderation capacity: how many reports can people review, and who waits?

Pure functions for lesson 01 (platform governance). A **deterministic queue model**
of user reports, split into language groups:

- every day ``reports_per_day`` reports arrive; a share ``auto_share`` is decided
  automatically and never reaches a person;
- the rest go to the review queue of their language group, which receives
  ``report_share`` of them;
- ``reviewers`` people each review ``reviews_per_reviewer`` reports a day; a reviewer
  works only on reports in the languages they read, so a group gets ``reviewer_share``
  of the review capacity;
- each queue is first in, first out; what is not reviewed today waits for tomorrow.

With constant daily arrivals ``a`` and capacity ``c`` the backlog after ``d`` days is
``max(0, d * (a - c))``: a group whose reports outnumber its reviewers' capacity falls
further behind every day, however well the other groups are served.

Every output of this model is **simulated**. The only real figures behind the preset
scenarios are the contractor numbers: about 5,500 contract content moderators, of whom
about 4,400 were cut on 12 Nov 2022 (Platformer, reported Nov 2022) [S]. Reports per day,
the automated share, reviews per reviewer and every language split are **illustrative
assumptions** chosen for teaching, not measurements of Twitter.

Sources
-------
- Contractor cuts: Platformer, Nov 2022 [S] (see ``/datasets/timeline.csv``, row 5).
- The model is a fluid (deterministic) approximation of a first-in-first-out queue;
  see e.g. Kleinrock, L. (1975), *Queueing Systems*, vol. 1, on fluid approximations
  of overloaded queues.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

#: Contract content moderators before the cuts of 12 Nov 2022, approximately (Platformer) [S].
CONTRACTORS_BEFORE_CUTS = 5_500
#: Contract content moderators cut on 12 Nov 2022, approximately (Platformer) [S].
CONTRACTORS_CUT = 4_400


@dataclass(frozen=True)
class LanguageGroup:
    """One language group: its share of the reports and of the reviewers.

    Attributes
    ----------
    name : str
        Label shown in tables and figures.
    report_share : float
        Share (0-1) of the reports sent to human review that are in this group's languages.
    reviewer_share : float
        Share (0-1) of the human reviewers who review in this group's languages
        (0 means nobody reads them).
    """

    name: str
    report_share: float
    reviewer_share: float


#: Illustrative language groups (simulated assumptions, NOT real figures): English is
#: over-served, the global-majority languages under-served, as reports by civil-society
#: groups describe in words; the numbers are made up for teaching.
ILLUSTRATIVE_GROUPS = (
    LanguageGroup("English", 0.40, 0.60),
    LanguageGroup("Spanish & Portuguese", 0.20, 0.20),
    LanguageGroup("Arabic, Hindi & Indonesian", 0.25, 0.15),
    LanguageGroup("All other languages", 0.15, 0.05),
)


@dataclass(frozen=True)
class CapacitySetup:
    """The assumptions of one capacity simulation.

    Attributes
    ----------
    reports_per_day : float
        User reports arriving per day (reports/day), >= 0.
    auto_share : float
        Share (0-1) of reports decided automatically, without a person.
    reviewers : int
        Human reviewers working each day (people), >= 0.
    reviews_per_reviewer : float
        Reports one reviewer decides per day (reports/person/day), >= 0.
    groups : tuple of LanguageGroup
        Language groups; their ``report_share`` and ``reviewer_share`` each sum to 1.
    days : int
        Days simulated, >= 1.
    """

    reports_per_day: float = 500_000
    auto_share: float = 0.5
    reviewers: int = CONTRACTORS_BEFORE_CUTS
    reviews_per_reviewer: float = 60
    groups: tuple[LanguageGroup, ...] = field(default=ILLUSTRATIVE_GROUPS)
    days: int = 30

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first impossible setting.

        Raises
        ------
        ValueError
            For negative counts or rates, shares outside 0-1, fewer than one day,
            no groups, duplicate group names, or group shares that do not sum to 1.
        """
        for name in ("reports_per_day", "reviewers", "reviews_per_reviewer"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if not 0 <= self.auto_share <= 1:
            raise ValueError(f"auto_share must be a proportion between 0 and 1, got {self.auto_share!r}")
        if int(self.days) != self.days or self.days < 1:
            raise ValueError(f"days must be a whole number >= 1, got {self.days!r}")
        if not self.groups:
            raise ValueError("at least one language group is needed")
        names = [g.name for g in self.groups]
        if len(set(names)) != len(names):
            raise ValueError(f"language group names must differ, got {names}")
        for attribute in ("report_share", "reviewer_share"):
            shares = [getattr(g, attribute) for g in self.groups]
            if any(not 0 <= s <= 1 for s in shares):
                raise ValueError(f"every {attribute} must be between 0 and 1, got {shares}")
            if not math.isclose(sum(shares), 1.0, abs_tol=1e-9):
                raise ValueError(f"the groups' {attribute}s must sum to 1, got {sum(shares):.4f}")

    @property
    def capacity_per_day(self) -> float:
        """Reports all reviewers together can decide per day (reports/day)."""
        return self.reviewers * self.reviews_per_reviewer

    @property
    def to_humans_per_day(self) -> float:
        """Reports sent to human review per day (reports/day)."""
        return self.reports_per_day * (1 - self.auto_share)


def with_reviewer_share_outside(setup: CapacitySetup, outside: float, reference: str = "English") -> CapacitySetup:
    """Move reviewers between the ``reference`` group and all the others.

    The ``reference`` group gets ``1 - outside`` of the reviewers; the other groups share
    ``outside`` in proportion to their current reviewer shares (equally if those are all 0).

    Parameters
    ----------
    setup : CapacitySetup
        The setup to change (not modified).
    outside : float
        Share (0-1) of reviewers working outside the reference group's languages.
    reference : str
        Name of the reference group (default ``"English"``).

    Returns
    -------
    CapacitySetup
        A copy with new reviewer shares (report shares unchanged).

    Raises
    ------
    ValueError
        If ``outside`` is not between 0 and 1, ``reference`` is not a group, or it is the only group.
    """
    if not 0 <= outside <= 1:
        raise ValueError(f"outside must be a proportion between 0 and 1, got {outside!r}")
    names = [g.name for g in setup.groups]
    if reference not in names:
        raise ValueError(f"no language group called {reference!r}; groups: {names}")
    others = [g for g in setup.groups if g.name != reference]
    if not others:
        raise ValueError("there is no other group to move reviewers to")
    total = sum(g.reviewer_share for g in others)
    weights = {g.name: (g.reviewer_share / total if total > 0 else 1 / len(others)) for g in others}
    groups = tuple(
        replace(g, reviewer_share=(1 - outside) if g.name == reference else outside * weights[g.name])
        for g in setup.groups
    )
    return replace(setup, groups=groups)


def simulate_backlog(setup: CapacitySetup) -> pd.DataFrame:
    """Day-by-day queue of every language group (simulated).

    Parameters
    ----------
    setup : CapacitySetup
        The assumptions (validated first).

    Returns
    -------
    pandas.DataFrame
        One row per (day, language group), ``days * len(groups)`` rows, columns:

        - ``day`` (int, 1..days);
        - ``language`` (str, group name);
        - ``arrivals`` (reports/day sent to this group's reviewers);
        - ``capacity`` (reports/day this group's reviewers can decide);
        - ``reviewed`` (reports decided by people that day);
        - ``backlog`` (reports waiting at the end of the day);
        - ``wait_days`` (days a report filed that day waits for a decision, first in,
          first out: ``backlog / capacity``; 0 when the queue is empty, ``inf`` when
          nobody reviews the group's languages and reports wait).

        ``attrs["simulated"]`` is True.

    Raises
    ------
    ValueError
        If the setup is impossible (see :meth:`CapacitySetup.validate`).

    Examples
    --------
    >>> one = CapacitySetup(reports_per_day=100, auto_share=0.5, reviewers=1, reviews_per_reviewer=40,
    ...                     groups=(LanguageGroup("all", 1, 1),), days=3)
    >>> simulate_backlog(one)["backlog"].tolist()   # 50 arrive, 40 reviewed: 10 more wait each day
    [10.0, 20.0, 30.0]
    """
    setup.validate()
    days = np.arange(1, int(setup.days) + 1, dtype=float)
    frames = []
    for group in setup.groups:
        arrivals = setup.to_humans_per_day * group.report_share
        capacity = setup.capacity_per_day * group.reviewer_share
        backlog = np.maximum(0.0, days * (arrivals - capacity))
        waiting_before = np.concatenate(([0.0], backlog[:-1]))
        reviewed = np.minimum(capacity, waiting_before + arrivals)
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = np.where(backlog > 0, backlog / capacity, 0.0) if capacity > 0 else np.where(backlog > 0, np.inf, 0.0)
        frames.append(pd.DataFrame({
            "day": days.astype(int),
            "language": group.name,
            "arrivals": arrivals,
            "capacity": capacity,
            "reviewed": reviewed,
            "backlog": backlog,
            "wait_days": wait,
        }))
    table = pd.concat(frames, ignore_index=True)
    table.attrs["simulated"] = True
    return table


def summarise(setup: CapacitySetup) -> pd.DataFrame:
    """What each language group looks like at the end of the simulation (simulated).

    Parameters
    ----------
    setup : CapacitySetup
        The assumptions (validated first).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``language`` (the groups in order, then ``"All languages"``), columns:

        - ``report_share``, ``reviewer_share`` (0-1, the assumptions; 1 in the total row);
        - ``reports_to_humans_per_day`` and ``capacity_per_day`` (reports/day);
        - ``reports_to_humans`` (reports sent to people over all days);
        - ``reviewed`` (reports people decided over all days);
        - ``backlog`` (reports still waiting after the last day);
        - ``unreviewed_share`` (0-1): ``backlog / reports_to_humans``, the share of reports sent
          to people that no one has looked at by the last day;
        - ``wait_days``: days a report filed on the last day waits for a decision (``inf`` if
          no one reviews its languages); in the total row the mean over all such reports,
          weighted by arrivals.

        ``attrs["simulated"]`` is True; ``attrs["days"]`` is the number of days.

    Raises
    ------
    ValueError
        If the setup is impossible (see :meth:`CapacitySetup.validate`).
    """
    daily = simulate_backlog(setup)
    last = daily[daily["day"] == setup.days].set_index("language")
    rows = []
    for group in setup.groups:
        arrivals = last.loc[group.name, "arrivals"]
        received = arrivals * setup.days
        backlog = last.loc[group.name, "backlog"]
        rows.append({
            "language": group.name,
            "report_share": group.report_share,
            "reviewer_share": group.reviewer_share,
            "reports_to_humans_per_day": arrivals,
            "capacity_per_day": last.loc[group.name, "capacity"],
            "reports_to_humans": received,
            "reviewed": received - backlog,
            "backlog": backlog,
            "unreviewed_share": backlog / received if received > 0 else 0.0,
            "wait_days": last.loc[group.name, "wait_days"],
        })
    table = pd.DataFrame(rows).set_index("language")
    received = table["reports_to_humans"].sum()
    arrivals = table["reports_to_humans_per_day"]
    if arrivals.sum() > 0:
        waits = table["wait_days"]
        mean_wait = math.inf if np.isinf(waits[arrivals > 0]).any() else float((waits * arrivals).sum() / arrivals.sum())
    else:
        mean_wait = 0.0
    table.loc["All languages"] = {
        "report_share": 1.0,
        "reviewer_share": 1.0,
        "reports_to_humans_per_day": arrivals.sum(),
        "capacity_per_day": table["capacity_per_day"].sum(),
        "reports_to_humans": received,
        "reviewed": table["reviewed"].sum(),
        "backlog": table["backlog"].sum(),
        "unreviewed_share": table["backlog"].sum() / received if received > 0 else 0.0,
        "wait_days": mean_wait,
    }
    table.attrs["simulated"] = True
    table.attrs["days"] = int(setup.days)
    return table


def reviewers_needed(setup: CapacitySetup) -> float:
    """Fewest reviewers with which no language group builds a backlog.

    Each group needs ``arrivals / (reviewer_share * reviews_per_reviewer)`` reviewers in
    total for its own share of them to keep up; the worst-served group sets the number.

    Parameters
    ----------
    setup : CapacitySetup
        The assumptions; ``reviewers`` itself is ignored.

    Returns
    -------
    float
        Reviewers (people, not rounded; round up for whole people). 0 when no report
        reaches people; ``inf`` when a group with reports has no reviewers or reviewers
        review nothing.

    Raises
    ------
    ValueError
        If the setup is impossible (see :meth:`CapacitySetup.validate`).
    """
    setup.validate()
    needed = 0.0
    for group in setup.groups:
        arrivals = setup.to_humans_per_day * group.report_share
        if arrivals == 0:
            continue
        per_reviewer = group.reviewer_share * setup.reviews_per_reviewer
        if per_reviewer == 0:
            return math.inf
        needed = max(needed, arrivals / per_reviewer)
    return needed


#: Preset scenarios for the explorer and the lesson. Reviewer counts follow the reported
#: contractor numbers [S, Platformer]; everything else is an illustrative assumption.
PRESETS = {
    "before Nov 2022": CapacitySetup(reviewers=CONTRACTORS_BEFORE_CUTS),
    "after the contractor cuts": CapacitySetup(reviewers=CONTRACTORS_BEFORE_CUTS - CONTRACTORS_CUT),
}


def describe_summary(summary: pd.DataFrame, per_group: bool = True) -> str:
    """Plain-text sentences for a :func:`summarise` table (for alt text and the explorer).

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summarise`.
    per_group : bool
        Add one sentence per language group (default); False gives the first sentence only.

    Returns
    -------
    str
        One sentence for all languages, then one per group: reports to people and capacity
        per day, backlog, share unreviewed and the wait for a report filed on the last day.
    """
    days = summary.attrs.get("days", "?")

    def wait(value: float) -> str:
        if math.isinf(value):
            return "never reviewed (no reviewer reads these languages)"
        if value == 0:
            return "decided the same day"
        return f"waits about {value:,.1f} days"

    total = summary.loc["All languages"]
    parts = [
        f"Simulated, {days} days. All languages: {total['reports_to_humans_per_day']:,.0f} reports a day go to people, "
        f"who can decide {total['capacity_per_day']:,.0f} a day; after {days} days {total['backlog']:,.0f} wait "
        f"({total['unreviewed_share']:.0%} of those sent to people not yet reviewed)."
    ]
    for name, row in summary.drop(index="All languages").iterrows() if per_group else ():
        parts.append(
            f"{name}: {row['unreviewed_share']:.0%} not reviewed, backlog {row['backlog']:,.0f}; "
            f"a report filed on day {days} {wait(row['wait_days'])}."
        )
    return " ".join(parts)
