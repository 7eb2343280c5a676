"""The amnesty as an operational rule: which suspended accounts come back, and at what risk.

Pure functions for lesson 02. Everything here works on a **simulated** table of
suspended accounts (:func:`simulate_suspended_accounts`, shipped as
``datasets/suspended_accounts.csv``): no real account, and no real figure except the
mix of suspension categories, which follows the accounts suspended per policy in
Twitter's transparency report for Jul-Dec 2021 (published Jul 28 2022) [S]. The
other attributes (strikes, followers, days since the last violation, the
"plausibly illegal" and "egregious spam" flags) and the re-offence risks are the
kit's **assumptions**, listed in :data:`CATEGORY_ASSUMPTIONS` and
:class:`RecidivismAssumptions`, not estimates from any data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Accounts suspended per policy, Twitter transparency report Jul-Dec 2021 [S]
#: (child sexual exploitation "about 600,000"; "other" is the rest of the 1,269,477 suspended).
TRANSPARENCY_SUSPENSIONS_2021H2 = {
    "child sexual exploitation": 600_000,
    "impersonation": 169_396,
    "illegal goods": 119_508,
    "sensitive media": 118_356,
    "hateful conduct": 104_565,
    "abuse and harassment": 82_971,
    "violence": 41_386,
    "other": 1_269_477 - 1_236_182,
}

#: Categories in display order (as in the transparency report, largest first).
CATEGORIES = tuple(TRANSPARENCY_SUSPENSIONS_2021H2)

#: Simulation assumptions per category (the kit's, not data): chance an account is flagged
#: plausibly illegal, chance it is flagged egregious spam, and the mean of extra prior strikes
#: (strikes = 1 + Poisson(mean), at most 12).
CATEGORY_ASSUMPTIONS = pd.DataFrame(
    {
        "p_plausibly_illegal": [1.00, 0.15, 0.70, 0.05, 0.10, 0.05, 0.25, 0.05],
        "p_egregious_spam": [0.05, 0.50, 0.30, 0.10, 0.05, 0.05, 0.02, 0.20],
        "mean_extra_strikes": [0.2, 0.5, 1.0, 1.5, 2.0, 2.0, 1.0, 1.0],
    },
    index=pd.Index(CATEGORIES, name="category"),
)

#: Seed and size of the shipped table.
DEFAULT_SEED = 20221123  # the day the amnesty poll was posted
DEFAULT_ACCOUNTS = 5_000
#: Strikes are capped here (so the strikes slider covers every account).
MAX_STRIKES = 12


def simulate_suspended_accounts(n: int = DEFAULT_ACCOUNTS, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Simulate a table of suspended accounts (simulated data, seeded).

    Parameters
    ----------
    n : int
        Number of accounts (>= 1).
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows: ``account_id`` (str, "S00001"...), ``category`` (suspension
        policy, drawn in the transparency report's proportions [S]), ``strikes``
        (prior strikes, int 1-12), ``followers`` (int, log-normal, median about 150),
        ``days_since_violation`` (int days before Nov 23 2022, 1-3650, exponential,
        mean about a year), ``plausibly_illegal`` and ``egregious_spam`` (bool, drawn
        with the chances in :data:`CATEGORY_ASSUMPTIONS`). ``attrs["simulated"]`` is True.

    Raises
    ------
    ValueError
        If ``n`` < 1.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    rng = np.random.default_rng(seed)
    counts = np.array(list(TRANSPARENCY_SUSPENSIONS_2021H2.values()), dtype=float)
    category_index = rng.choice(len(CATEGORIES), size=n, p=counts / counts.sum())
    assumptions = CATEGORY_ASSUMPTIONS.to_numpy()[category_index]
    strikes = np.minimum(1 + rng.poisson(assumptions[:, 2]), MAX_STRIKES)
    followers = np.round(np.exp(rng.normal(5.0, 1.8, size=n))).astype(int)
    days = np.clip(np.round(rng.exponential(365.0, size=n)), 1, 3650).astype(int)
    illegal = rng.random(n) < assumptions[:, 0]
    spam = rng.random(n) < assumptions[:, 1]
    table = pd.DataFrame(
        {
            "account_id": [f"S{i:05d}" for i in range(1, n + 1)],
            "category": pd.Categorical(np.array(CATEGORIES)[category_index], categories=CATEGORIES),
            "strikes": strikes.astype("int64"),
            "followers": followers.astype("int64"),
            "days_since_violation": days.astype("int64"),
            "plausibly_illegal": illegal,
            "egregious_spam": spam,
        }
    )
    table.attrs["simulated"] = True
    return table


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """The bytes of ``datasets/suspended_accounts.csv`` for ``table`` (UTF-8, LF, no index).

    Booleans are written ``true``/``false``, so the file reads the same in any tool.
    """
    out = table.copy()
    for column in ("plausibly_illegal", "egregious_spam"):
        out[column] = np.where(out[column], "true", "false")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class AmnestyRule:
    """A reinstatement rule: an account comes back only if it passes every condition.

    Attributes
    ----------
    excluded_categories : tuple of str
        Suspension categories that stay suspended.
    max_strikes : int
        Accounts with more prior strikes stay suspended (``MAX_STRIKES`` = no limit).
    min_days_since_violation : int
        Accounts whose last violation is more recent than this (days) stay suspended.
    exclude_illegal : bool
        Keep accounts flagged ``plausibly_illegal`` suspended ("have not broken the law").
    exclude_spam : bool
        Keep accounts flagged ``egregious_spam`` suspended ("or engaged in egregious spam").

    The default is the poll's wording: everyone back except the plausibly illegal and
    the egregious spammers.
    """

    excluded_categories: tuple[str, ...] = ()
    max_strikes: int = MAX_STRIKES
    min_days_since_violation: int = 0
    exclude_illegal: bool = True
    exclude_spam: bool = True

    def __post_init__(self) -> None:
        unknown = sorted(set(self.excluded_categories) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; use some of {list(CATEGORIES)}")
        if self.max_strikes < 0 or self.min_days_since_violation < 0:
            raise ValueError("max_strikes and min_days_since_violation must be >= 0")

    def mask(self, table: pd.DataFrame) -> pd.Series:
        """Boolean Series: True for the accounts of ``table`` that this rule reinstates."""
        keep = ~table["category"].isin(self.excluded_categories)
        keep &= table["strikes"] <= self.max_strikes
        keep &= table["days_since_violation"] >= self.min_days_since_violation
        if self.exclude_illegal:
            keep &= ~table["plausibly_illegal"]
        if self.exclude_spam:
            keep &= ~table["egregious_spam"]
        return keep

    def describe(self) -> str:
        """The rule in words."""
        parts = []
        if self.exclude_illegal:
            parts.append("not plausibly illegal")
        if self.exclude_spam:
            parts.append("not egregious spam")
        if self.excluded_categories:
            parts.append("not suspended for " + ", ".join(self.excluded_categories))
        if self.max_strikes < MAX_STRIKES:
            parts.append(f"at most {self.max_strikes} prior strikes")
        if self.min_days_since_violation > 0:
            parts.append(f"last violation at least {self.min_days_since_violation} days ago")
        return "Reinstate every suspended account" + (" that is " + "; ".join(parts) if parts else "") + "."


@dataclass(frozen=True)
class RecidivismAssumptions:
    """Assumed chance that a reinstated account breaks the rules again within ``horizon_days``.

    For an account, ``odds = base_odds(category) * strike_odds_ratio ** (strikes - 1)``,
    times ``old_violation_odds_ratio`` if its last violation is more than
    ``old_violation_days`` old, all times ``risk_multiplier``; probability = odds / (1 + odds).
    These are the kit's **assumptions for teaching, not estimates**: the kit has no
    published figure for how often reinstated accounts re-offend.

    Attributes
    ----------
    base_rate : dict of str to float
        Chance of re-offending for an account with 1 strike and a recent violation, per category.
    strike_odds_ratio : float
        Odds multiplier per prior strike beyond the first.
    old_violation_days : int
        Age (days) beyond which a violation counts as old.
    old_violation_odds_ratio : float
        Odds multiplier for an old last violation.
    risk_multiplier : float
        Scales every account's odds (1 = as assumed; the explorer's sensitivity slider).
    horizon_days : int
        The window the chance refers to.
    """

    base_rate: dict[str, float] = field(
        default_factory=lambda: {
            "child sexual exploitation": 0.40,
            "impersonation": 0.25,
            "illegal goods": 0.25,
            "sensitive media": 0.20,
            "hateful conduct": 0.30,
            "abuse and harassment": 0.30,
            "violence": 0.20,
            "other": 0.15,
        }
    )
    strike_odds_ratio: float = 1.3
    old_violation_days: int = 365
    old_violation_odds_ratio: float = 0.5
    risk_multiplier: float = 1.0
    horizon_days: int = 90

    def probability(self, table: pd.DataFrame) -> pd.Series:
        """Per-account chance (0-1) of a new violation within ``horizon_days`` after reinstatement."""
        base = table["category"].astype(str).map(self.base_rate).astype(float)
        odds = base / (1 - base) * self.strike_odds_ratio ** (table["strikes"] - 1)
        odds = odds * np.where(table["days_since_violation"] > self.old_violation_days, self.old_violation_odds_ratio, 1.0)
        odds = odds * self.risk_multiplier
        return odds / (1 + odds)


def reinstatement_by_category(table: pd.DataFrame, rule: AmnestyRule) -> pd.DataFrame:
    """How many accounts of each category the rule brings back.

    Parameters
    ----------
    table : pandas.DataFrame
        Suspended accounts (:func:`simulate_suspended_accounts`, or ``data.load("suspended_accounts")``).
    rule : AmnestyRule
        The rule to apply.

    Returns
    -------
    pandas.DataFrame
        Indexed by category (all of :data:`CATEGORIES`, in order): ``suspended``,
        ``reinstated`` (counts) and ``share_reinstated`` (proportion; 0 for an empty category).
    """
    back = rule.mask(table)
    category = pd.Categorical(table["category"].astype(str), categories=CATEGORIES)
    suspended = pd.Series(category).value_counts().reindex(CATEGORIES, fill_value=0)
    reinstated = pd.Series(category[back.to_numpy()]).value_counts().reindex(CATEGORIES, fill_value=0)
    out = pd.DataFrame({"suspended": suspended.astype(int), "reinstated": reinstated.astype(int)})
    out.index.name = "category"
    out["share_reinstated"] = (out["reinstated"] / out["suspended"].where(out["suspended"] > 0)).fillna(0.0)
    return out


def expected_harm(table: pd.DataFrame, rule: AmnestyRule, assumptions: RecidivismAssumptions | None = None) -> dict[str, float]:
    """Reinstated accounts and their expected re-offences under stated assumptions (simulated).

    Parameters
    ----------
    table : pandas.DataFrame
        Suspended accounts (booleans as bool).
    rule : AmnestyRule
        The reinstatement rule.
    assumptions : RecidivismAssumptions, optional
        Re-offence assumptions; the defaults if omitted.

    Returns
    -------
    dict
        ``suspended`` and ``reinstated`` (counts), ``share_reinstated`` (proportion),
        ``expected_reoffenders`` (sum of the reinstated accounts' chances: the expected
        number re-offending within the horizon), ``expected_reach`` (sum of chance x
        followers: followers expected to be exposed to a repeat violation), ``horizon_days``.
    """
    assumptions = assumptions or RecidivismAssumptions()
    back = rule.mask(table)
    chance = assumptions.probability(table[back])
    return {
        "suspended": int(len(table)),
        "reinstated": int(back.sum()),
        "share_reinstated": float(back.mean()) if len(table) else 0.0,
        "expected_reoffenders": float(chance.sum()),
        "expected_reach": float((chance * table.loc[back, "followers"]).sum()),
        "horizon_days": assumptions.horizon_days,
    }
