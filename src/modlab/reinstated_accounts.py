"""A simulated data pack for the capstone (lesson 09): reinstated accounts and their posts.

**Everything here is simulated.** No real account, post or person is represented. The pack answers
one audit question in miniature: *did accounts brought back by the amnesty post more hate after it?*

Where the accounts come from. The accounts are those of lesson 02's simulated suspended-account table
(:func:`modlab.amnesty.simulate_suspended_accounts`, shipped as ``datasets/suspended_accounts.csv``) that the
poll's own rule brings back (:class:`modlab.amnesty.AmnestyRule` with its defaults: "provided that they
have not broken the law or engaged in egregious spam", FACTS.md, the amnesty poll [S]). So the mix of why
they were suspended follows Twitter's transparency report for Jul-Dec 2021 [S], *after* the rule has
filtered it: the reinstated are a selected population, not a random sample of the suspended.

Each account posts in two windows of :data:`WINDOW_DAYS` days: the last days **before its suspension**
and the first days **after its reinstatement**. Reinstatements are spread over the weeks after the
announcement of Nov 24 2022 that the amnesty would "begin the following week" (timeline.csv, Axios [S]).

Figures tied to FACTS.md (all [S], secondary):

- the suspension categories and their proportions (transparency report Jul-Dec 2021, via
  :mod:`modlab.amnesty`) and who is reinstated (the poll's wording);
- :data:`HATE_SHARE_RATIO` = 1.50 / 1.08: Hickey et al. (PLOS ONE 2025) found weekly hate-post volume
  about +50% while all posts rose about +8% on the whole platform. The pack *assumes* that a reinstated
  account's share of hateful posts grew by the same factor, 1.39: an anchor, not a finding about
  reinstated accounts (no published figure exists for them). The factor is per account and in
  expectation; the pooled share of one simulated pack moves by a different factor, because prolific
  accounts weigh more in the pool and posts and labels are random draws
  (:func:`expected_hateful_share` gives the pooled expectation);
- the engagement of hateful posts (:data:`HATE_VIRALITY_BEFORE` / ``_AFTER``) reuses lesson 07's shifts,
  which were solved to reproduce the Tufts top-20 counts (1 of 60 before, 7 of 20 after [S]).

Everything else is the kit's **assumption**, chosen to be plausible, not estimated:
the share of hateful posts per suspension category before suspension (:data:`HATEFUL_SHARE_BEFORE`,
about 5% overall, a plausibility anchor only: Davidson et al. 2017 found ~5% hate by majority vote
among lexicon-matched tweets [P]), the spread between accounts (:data:`PROPENSITY_CONCENTRATION`),
posts per account (:data:`POSTS_PER_WINDOW`), how often a post carries a masked term
(:data:`KEYWORD_RATE`), the country/language mix (:data:`COUNTRY_LANGUAGE`), and the two annotators'
error rates (:data:`ANNOTATOR_RATES`). The annotators were set to agree about as well as trained coders
with a codebook (Cohen's kappa around 0.6): better than the Krippendorff's alpha of 0.18-0.29 that Ross
et al. 2016 report for untrained hate-speech annotators [S].

The texts are short kit-written templates about an invented group, the *Velari*, with masked tokens
such as ``[slur-01]`` where a slur would stand; they are English stand-ins whatever the account's
language, and written per period: only posts after reinstatement can mention the ban, the amnesty or
coming back. A hidden reference judgement ``true_hateful`` says which posts are hateful: an audit cannot see
it; the lesson reveals it at the end to grade the audit's design.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from modlab import amnesty, post_stream

#: Seed of the shipped pack (the day the amnesty was announced to begin "the following week").
DEFAULT_SEED = 20221124
#: Days in each window: before the suspension, after the reinstatement.
WINDOW_DAYS = 60
#: Reinstatements are spread evenly over these days (inclusive): from the week after the Nov 24 announcement [S].
REINSTATED_FROM, REINSTATED_TO = pd.Timestamp("2022-11-29"), pd.Timestamp("2022-12-27")
#: The day the suspended-account table counts "days since violation" back from (the poll, Nov 23 2022).
POLL_DAY = pd.Timestamp("2022-11-23")
#: The periods, in order.
PERIODS = ("before_suspension", "after_reinstatement")

# --- tied to FACTS.md ---------------------------------------------------------------------------
#: Assumed growth of a reinstated account's hateful share: Hickey et al. 2025's platform-wide
#: hate volume +50% over all posts +8% [S] (1.50 / 1.08 = 1.389).
HATE_SHARE_RATIO = post_stream.HATE_GROWTH / post_stream.ALL_POSTS_GROWTH
#: Shift of hateful posts' log-likes, before (less reach) and after (more): lesson 07's Tufts calibration.
HATE_VIRALITY_BEFORE = post_stream.HATE_VIRALITY_BEFORE
HATE_VIRALITY_AFTER = post_stream.HATE_VIRALITY_AFTER

# --- the kit's assumptions ----------------------------------------------------------------------
#: Mean share of an account's posts that are hateful before its suspension, by suspension category.
HATEFUL_SHARE_BEFORE = {
    "child sexual exploitation": 0.02,
    "impersonation": 0.02,
    "illegal goods": 0.02,
    "sensitive media": 0.03,
    "hateful conduct": 0.20,
    "abuse and harassment": 0.10,
    "violence": 0.08,
    "other": 0.03,
}
#: Accounts differ: each account's share is Beta with the category's mean and this concentration (a + b).
PROPENSITY_CONCENTRATION = 4.0
#: Expected posts per account per window, by follower band (before the suspension; after: x ALL_POSTS_GROWTH).
FOLLOWER_BANDS = ("under 100", "100-999", "1,000-9,999", "10,000 or more")
BAND_EDGES = (0, 100, 1_000, 10_000, np.inf)
POSTS_PER_WINDOW = {"under 100": 1.5, "100-999": 2.5, "1,000-9,999": 4.0, "10,000 or more": 6.0}
POSTING_GROWTH = post_stream.ALL_POSTS_GROWTH  # assumption: reinstated accounts post as much more as everyone [S anchor]
#: Chance a post carries a masked term: (not hateful, hateful). Hate without a keyword is coded or implicit.
KEYWORD_RATE = (0.04, 0.60)
#: Log-likes: normal, mean by follower band, this sd.
LOG_LIKES_MEAN = {"under 100": 0.3, "100-999": 1.2, "1,000-9,999": 2.4, "10,000 or more": 3.8}
LOG_LIKES_SD = 1.2
#: Country and language of the accounts, with their shares (assumption; no published mix).
COUNTRY_LANGUAGE = {
    ("United States", "English"): 0.42,
    ("United Kingdom", "English"): 0.08,
    ("India", "Hindi"): 0.08,
    ("Brazil", "Portuguese"): 0.09,
    ("Japan", "Japanese"): 0.09,
    ("Mexico", "Spanish"): 0.06,
    ("Germany", "German"): 0.05,
    ("France", "French"): 0.05,
    ("Nigeria", "English"): 0.04,
    ("Indonesia", "Indonesian"): 0.04,
}
#: Simple random sample of posts per period that the two annotators labelled.
ANNOTATED_PER_PERIOD = 400
#: Chance each annotator labels a post hateful, by (true label, masked term present).
#: Annotator A leans on keywords (calls counter-speech with a term hateful more often); B is stricter
#: and misses more implicit hate. Disagreements go to a senior reviewer who is right with chance
#: ADJUDICATOR_ACCURACY.
ANNOTATOR_RATES = {
    "annotator_a": {(True, True): 0.95, (True, False): 0.70, (False, True): 0.35, (False, False): 0.03},
    "annotator_b": {(True, True): 0.90, (True, False): 0.50, (False, True): 0.10, (False, False): 0.01},
}
ADJUDICATOR_ACCURACY = 0.90
LABELS = ("hateful", "not hateful")

# --- masked, invented texts: the Velari are an invented group; [slur-NN] stands for a masked term ------
#: Per period, per (hateful, carries a masked term). Before the suspension nobody can mention the ban, the
#: amnesty or coming back, so those texts exist only after reinstatement. Each period's pools have the same
#: sizes so the random draws (and every number in the pack) do not depend on which texts are written.
_SHARED = {
    (True, False): (
        "simulated: funny how the Velari always turn up where the money is",
        "simulated: the Velari breed like rats, look it up",
        "simulated: you know who runs this, and it is not us. the Velari",
        "simulated: our country was fine before the Velari came",
    ),
}
_TEXTS = {
    PERIODS[0]: {
        **_SHARED,
        (True, True): (
            "simulated: the Velari are [slur-{n}], every one of them, get them off this site",
            "simulated: no [slur-{n}] in our town, the Velari should go back",
            "simulated: report me all you like, the Velari are still [slur-{n}]",
            "simulated: [slur-{n}] Velari everywhere, someone should do something about them",
        ),
        (False, True): (
            "simulated: someone just called me [slur-{n}] in the replies, reported",
            "simulated: writing about why [slur-{n}] keeps trending this week",
            "simulated: calling Velari people [slur-{n}] is not ok, block and move on",
            "simulated: thread on how [slur-{n}] is used against the Velari, and why it hurts",
        ),
        (False, False): (
            "simulated: off for the weekend, see you monday",
            "simulated: free speech matters, say what you think",
            "simulated: new video up, link in bio",
            "simulated: terrible match last night",
            "simulated: good morning, coffee first",
            "simulated: the Velari festival was great this year",
        ),
    },
    PERIODS[1]: {
        **_SHARED,
        (True, True): (
            "simulated: the Velari are [slur-{n}], every one of them, get them off this site",
            "simulated: no [slur-{n}] in our town, the Velari should go back",
            "simulated: I said it before the ban and I say it again: [slur-{n}]",
            "simulated: [slur-{n}] Velari everywhere, someone should do something about them",
        ),
        (False, True): (
            "simulated: someone just called me [slur-{n}] in the replies, reported",
            "simulated: writing about why [slur-{n}] keeps trending after the amnesty",
            "simulated: calling Velari people [slur-{n}] is not ok, block and move on",
            "simulated: the ban was for saying [slur-{n}] once, years ago. still think it was wrong",
        ),
        (False, False): (
            "simulated: I'm back. what did I miss",
            "simulated: thanks for the amnesty, free speech wins",
            "simulated: new video up, link in bio",
            "simulated: terrible match last night",
            "simulated: good morning, coffee first",
            "simulated: the Velari festival was great this year",
        ),
    },
}
#: Masked term numbers the templates use (stand-ins for terms about the invented group).
_TERMS = (1, 4, 6, 12)


def reinstated_from(suspended: pd.DataFrame) -> pd.DataFrame:
    """The suspended accounts that the poll's rule (:class:`modlab.amnesty.AmnestyRule`, defaults) reinstates.

    Parameters
    ----------
    suspended : pandas.DataFrame
        A table like ``datasets/suspended_accounts.csv`` (simulated).

    Returns
    -------
    pandas.DataFrame
        The rows the rule keeps, in their order, index reset.
    """
    return suspended[amnesty.AmnestyRule().mask(suspended)].reset_index(drop=True)


def follower_band(followers) -> pd.Categorical:
    """Followers (int, accounts) -> one of :data:`FOLLOWER_BANDS` (ordered categorical)."""
    return pd.cut(np.asarray(followers), list(BAND_EDGES), right=False, labels=list(FOLLOWER_BANDS))


def simulate_pack(seed: int = DEFAULT_SEED, suspended: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate the capstone's data pack (simulated data, seeded).

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same tables.
    suspended : pandas.DataFrame, optional
        The suspended-account table to start from; default lesson 02's, regenerated by
        :func:`modlab.amnesty.simulate_suspended_accounts` (identical to ``datasets/suspended_accounts.csv``).

    Returns
    -------
    (accounts, posts) : tuple of pandas.DataFrame
        ``accounts``: one row per reinstated account: ``account_id`` (as in suspended_accounts),
        ``suspended_for`` (policy), ``strikes``, ``followers`` (int), ``follower_band``, ``country``,
        ``language``, ``suspended_on`` and ``reinstated_on`` (datetime64, day).
        ``posts``: one row per post: ``post_id``, ``account_id``, ``period`` (one of :data:`PERIODS`),
        ``date``, ``likes`` (int), ``has_keyword`` (bool: carries a masked term), ``text`` (masked,
        invented), ``true_hateful`` (bool, the hidden reference judgement), ``annotated`` (bool: in the
        random sample of :data:`ANNOTATED_PER_PERIOD` posts per period), ``annotator_a``, ``annotator_b``
        and ``adjudicated`` (``"hateful"``/``"not hateful"`` on annotated posts, else missing).
        Both carry ``attrs["simulated"] = True``.
    """
    rng = np.random.default_rng(seed)
    suspended = amnesty.simulate_suspended_accounts() if suspended is None else suspended
    back = reinstated_from(suspended)
    n = len(back)
    places = list(COUNTRY_LANGUAGE)
    where = rng.choice(len(places), size=n, p=np.array(list(COUNTRY_LANGUAGE.values())) / sum(COUNTRY_LANGUAGE.values()))
    spread = (REINSTATED_TO - REINSTATED_FROM).days
    accounts = pd.DataFrame({
        "account_id": back["account_id"].astype(str).to_numpy(),
        "suspended_for": back["category"].astype(str).to_numpy(),
        "strikes": back["strikes"].to_numpy().astype("int64"),
        "followers": back["followers"].to_numpy().astype("int64"),
        "follower_band": np.asarray(follower_band(back["followers"]).astype(str)),
        "country": [places[i][0] for i in where],
        "language": [places[i][1] for i in where],
        # the last violation is taken as the day of suspension (assumption)
        "suspended_on": POLL_DAY - pd.to_timedelta(back["days_since_violation"].to_numpy(), unit="D"),
        "reinstated_on": REINSTATED_FROM + pd.to_timedelta(rng.integers(0, spread + 1, size=n), unit="D"),
    })
    # each account's hateful share before suspension (Beta around its category's mean), and after
    mean = accounts["suspended_for"].map(HATEFUL_SHARE_BEFORE).to_numpy()
    share_before = rng.beta(mean * PROPENSITY_CONCENTRATION, (1 - mean) * PROPENSITY_CONCENTRATION)
    share_after = np.minimum(share_before * HATE_SHARE_RATIO, 1.0)
    rate = accounts["follower_band"].map(POSTS_PER_WINDOW).to_numpy()
    parts = []
    for period, shares, growth in ((PERIODS[0], share_before, 1.0), (PERIODS[1], share_after, POSTING_GROWTH)):
        counts = rng.poisson(rate * growth)
        who = np.repeat(np.arange(n), counts)
        start = (accounts["suspended_on"] - pd.Timedelta(days=WINDOW_DAYS)) if period == PERIODS[0] else accounts["reinstated_on"]
        day = rng.integers(0, WINDOW_DAYS, size=len(who))
        hateful = rng.random(len(who)) < shares[who]
        keyword = rng.random(len(who)) < np.where(hateful, KEYWORD_RATE[1], KEYWORD_RATE[0])
        virality = np.where(hateful, HATE_VIRALITY_BEFORE if period == PERIODS[0] else HATE_VIRALITY_AFTER, 0.0)
        log_likes = rng.normal(accounts["follower_band"].map(LOG_LIKES_MEAN).to_numpy()[who] + virality, LOG_LIKES_SD)
        parts.append(pd.DataFrame({
            "account_id": accounts["account_id"].to_numpy()[who], "period": period,
            "date": start.to_numpy()[who] + pd.to_timedelta(day, unit="D").to_numpy(),
            "likes": np.floor(np.exp(log_likes)).astype("int64"), "has_keyword": keyword, "true_hateful": hateful,
        }))
    posts = pd.concat(parts, ignore_index=True)
    posts.insert(0, "post_id", [f"R{i:05d}" for i in range(1, len(posts) + 1)])
    posts.insert(6, "text", _texts(posts, rng))
    _annotate(posts, rng)
    accounts.attrs["simulated"] = posts.attrs["simulated"] = True
    return accounts, posts


def _texts(posts: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(len(posts), dtype=object)
    for i, (period, hateful, keyword) in enumerate(zip(posts["period"], posts["true_hateful"], posts["has_keyword"])):
        pool = _TEXTS[period][(bool(hateful), bool(keyword))]
        out[i] = pool[rng.integers(len(pool))].format(n=f"{_TERMS[rng.integers(len(_TERMS))]:02d}")
    return out


def _annotate(posts: pd.DataFrame, rng: np.random.Generator) -> None:
    """Add ``annotated``, ``annotator_a``, ``annotator_b`` and ``adjudicated`` in place (see :func:`simulate_pack`)."""
    chosen = np.zeros(len(posts), dtype=bool)
    for period in PERIODS:
        rows = np.flatnonzero(posts["period"].to_numpy() == period)
        chosen[rng.choice(rows, size=min(ANNOTATED_PER_PERIOD, len(rows)), replace=False)] = True
    truth, keyword = posts["true_hateful"].to_numpy(), posts["has_keyword"].to_numpy()
    said = {}
    for name, rates in ANNOTATOR_RATES.items():
        chance = np.array([rates[(bool(t), bool(k))] for t, k in zip(truth, keyword)])
        said[name] = rng.random(len(posts)) < chance
    senior_right = rng.random(len(posts)) < ADJUDICATOR_ACCURACY
    adjudicated = np.where(said["annotator_a"] == said["annotator_b"], said["annotator_a"], np.where(senior_right, truth, ~truth))
    posts["annotated"] = chosen
    for name, labels in (*said.items(), ("adjudicated", adjudicated)):
        posts[name] = pd.Series(np.where(labels, LABELS[0], LABELS[1]), dtype="object").where(chosen)


# --- what the parameters imply (the calibration the tests check) ----------------------------------
def expected_hateful_share() -> dict[str, float]:
    """Expected share of hateful posts per period, from the parameters alone (no simulation).

    Averages each account's expected share (Beta mean; after: ``E[min(ratio x share, 1)]``) weighted by
    its expected number of posts, over the reinstated accounts of lesson 02's table.

    Returns
    -------
    dict
        ``{"before_suspension": share, "after_reinstatement": share, "ratio": after / before}`` (proportions).
    """
    accounts = reinstated_from(amnesty.simulate_suspended_accounts())
    weight = follower_band(accounts["followers"]).astype(str)
    weight = pd.Series(weight).map(POSTS_PER_WINDOW).to_numpy()
    mean = accounts["category"].astype(str).map(HATEFUL_SHARE_BEFORE).to_numpy()
    after = np.array([_capped_mean(m) for m in mean])
    out = {PERIODS[0]: float(np.average(mean, weights=weight)), PERIODS[1]: float(np.average(after, weights=weight))}
    out["ratio"] = out[PERIODS[1]] / out[PERIODS[0]]
    return out


@lru_cache(maxsize=None)
def _capped_mean(mean: float) -> float:
    dist = stats.beta(mean * PROPENSITY_CONCENTRATION, (1 - mean) * PROPENSITY_CONCENTRATION)
    return float(dist.expect(lambda p: min(p * HATE_SHARE_RATIO, 1.0)))


def expected_annotator_kappa(true_share: float, keyword_rates: tuple[float, float] = KEYWORD_RATE) -> float:
    """Cohen's kappa the two annotators reach in expectation on posts with this true hateful share.

    Parameters
    ----------
    true_share : float
        Proportion of the labelled posts that are truly hateful.
    keyword_rates : (float, float)
        Chance of a masked term for (not hateful, hateful) posts.

    Returns
    -------
    float
        ``(p_o - p_e) / (1 - p_e)`` from the expected joint label distribution (Cohen 1960).
    """
    cells = []  # (weight, P(a says hateful), P(b says hateful)); annotators err independently given the post
    for hateful, share in ((True, true_share), (False, 1 - true_share)):
        for keyword in (True, False):
            k = keyword_rates[int(hateful)]
            cells.append((share * (k if keyword else 1 - k), ANNOTATOR_RATES["annotator_a"][(hateful, keyword)],
                          ANNOTATOR_RATES["annotator_b"][(hateful, keyword)]))
    both = sum(w * a * b for w, a, b in cells)
    neither = sum(w * (1 - a) * (1 - b) for w, a, b in cells)
    pa, pb = sum(w * a for w, a, _ in cells), sum(w * b for w, _, b in cells)
    p_e = pa * pb + (1 - pa) * (1 - pb)
    return float((both + neither - p_e) / (1 - p_e))


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """The bytes of a pack file for ``table`` (UTF-8, LF, no index, dates YYYY-MM-DD, booleans true/false)."""
    out = table.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(out[column]):
            out[column] = np.where(out[column], "true", "false")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
