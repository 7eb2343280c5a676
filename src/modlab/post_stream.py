"""A simulated stream of keyword-matching posts, Mar 2022 - Jun 2023, for lesson 07.

Simulated data, seeded. It stands for what a researcher's keyword filter returns from the
platform: posts that contain a term from one of three keyword lists (anti-LGBTQ+,
antisemitic, racist), plus a thin sample of posts that match no list (``"none"``), whose only
use is to show how the whole platform's volume moved. **It is not every post on the
platform, and not real posts**: one simulated keyword post stands for :data:`SCALE` real
ones, and rates quoted "per hour" or "per day" are scaled back up by :data:`SCALE`.

Calibration targets (published aggregates, FACTS.md, "Hate-speech measurement after the
takeover"). The generator's parameters are set so that, *in expectation*, the stream matches:

- **Tufts top-20 lists** (via WIRED, Nov 2022) [S]: among the 20 posts with the most engagement
  per keyword list, 1 of 60 hateful before the takeover (Mar 1 - Oct 27 2022), 7 of 20 after
  (Oct 28 - Nov 13 2022). Targets: :data:`TARGET_TOP_SHARE_BEFORE`, :data:`TARGET_TOP_SHARE_AFTER`.
- **Hickey et al. (PLOS ONE 2025)** [S]: weekly hate-post volume about +50% after the takeover
  while all posts rose about +8%. Targets: :data:`HATE_GROWTH`, :data:`ALL_POSTS_GROWTH`.
- **Montclair State University** (Oct 31 2022) [S]: hate-term posts never above 84 per hour
  (7-day average) Oct 22-28, then about 398 per hour on Oct 28, midnight to noon.
  Targets: :data:`MONTCLAIR_MAX_BEFORE_PER_HOUR`, :data:`SPIKE_REAL_PER_HOUR`.

How each target is met (the calibration, tested in ``tests/test_post_stream.py``):

- volumes: each kind of post (hateful or not) has a daily rate that is 1 before the takeover and,
  after it, ``plateau + extras(t)``; the extras are the events a before/after study must not
  mistake for the takeover (a decaying surge right after it, the US midterms of Nov 8, the World
  Cup from Nov 20 on the racist list, the amnesty's reinstated accounts from Nov 29). The
  plateau is *solved* (:func:`after_plateau`) so the mean rate after the takeover is exactly
  1.50 (hateful) and 1.08 (everything else);
- top-20 lists: a post's engagement is heavy-tailed (log-normal, :data:`LOG_ENGAGEMENT_SIGMA`);
  hateful posts get a shift of their log-engagement, :data:`HATE_VIRALITY_BEFORE` (less reach)
  and :data:`HATE_VIRALITY_AFTER` (more). The two shifts were solved with
  :func:`expected_top_share` (a threshold approximation of the expected share of hateful posts
  among the top ``k``) so it gives 1/60 and 7/20; simulating many seeds agrees (tested);
- the spike: the rate before the takeover is :data:`BASELINE_REAL_PER_HOUR` real keyword posts per
  hour; on Oct 28, hours 0-11, extra posts (mostly hateful, mostly from likely bots: "~300 mostly
  inauthentic accounts" [S]) lift it to :data:`SPIKE_REAL_PER_HOUR`.

Everything else is the kit's assumption, chosen to be plausible, not estimated from data:
the 5% hateful share before the takeover (Davidson et al. 2017 found ~5% hate by majority vote
among lexicon-matched tweets [P], a plausibility anchor only), the lists' shares, the sizes and
dates of the extra events, the bot and reinstatement rates, the engagement distribution, the
day-to-day noise (an AR(1) on the log rate, so daily counts are autocorrelated). The racist
list's after-takeover top-20 count was not reported [?]; it is simulated like the other two.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, stats

#: One simulated keyword post stands for this many real keyword-matching posts.
SCALE = 50
#: Days covered, inclusive.
START, END = pd.Timestamp("2022-03-01"), pd.Timestamp("2023-06-30")
#: First day "after": the acquisition closed late on Oct 27 2022 (timeline.csv).
TAKEOVER = pd.Timestamp("2022-10-28")
#: The Tufts windows (before: Mar 1 - Oct 27; after: Oct 28 - Nov 13 2022) [S].
TUFTS_BEFORE = (pd.Timestamp("2022-03-01"), pd.Timestamp("2022-10-27"))
TUFTS_AFTER = (pd.Timestamp("2022-10-28"), pd.Timestamp("2022-11-13"))
#: Keyword lists in display order; "none" marks the background sample.
LISTS = ("anti_lgbtq", "antisemitic", "racist")
LIST_LABELS = {"anti_lgbtq": "anti-LGBTQ+", "antisemitic": "antisemitic", "racist": "racist", "none": "no list"}
#: Share of keyword posts per list (assumption).
LIST_SHARES = {"anti_lgbtq": 0.40, "antisemitic": 0.25, "racist": 0.35}

# --- calibration targets (FACTS.md) -------------------------------------------------------
TARGET_TOP_SHARE_BEFORE = 1 / 60  # Tufts via WIRED [S]
TARGET_TOP_SHARE_AFTER = 7 / 20  # Tufts via WIRED [S]
HATE_GROWTH = 1.50  # Hickey et al. 2025, weekly hate-post volume [S]
ALL_POSTS_GROWTH = 1.08  # Hickey et al. 2025, all posts [S]
MONTCLAIR_MAX_BEFORE_PER_HOUR = 84  # Montclair [S], 7-day average Oct 22-28
SPIKE_REAL_PER_HOUR = 398  # Montclair [S]: 4,778 posts Oct 28 midnight-noon
SPIKE_HOURS = 12

# --- the kit's assumptions ------------------------------------------------------------------
#: Real keyword posts per hour before the takeover (just under Montclair's 84).
BASELINE_REAL_PER_HOUR = 80
#: Share of keyword posts judged hateful before the takeover.
HATEFUL_SHARE_BEFORE = 0.05
#: Background ("none") rows per day before the takeover: an index of the whole platform's volume.
BACKGROUND_PER_DAY = 6
#: Extra events after the takeover, as additions to the rate multiplier (1 = the rate before).
SURGE_SIZE, SURGE_DAYS = 1.0, 10.0  # hateful posts, decaying exponentially from the takeover
MIDTERMS = (pd.Timestamp("2022-11-06"), pd.Timestamp("2022-11-10"), 0.4)  # all keyword posts
WORLD_CUP = (pd.Timestamp("2022-11-20"), pd.Timestamp("2022-12-18"), 0.6)  # racist-list hateful posts
AMNESTY = (pd.Timestamp("2022-11-29"), END, 0.35)  # hateful posts by reinstated accounts
#: Log-engagement: normal with this mean and sd for posts that are not hateful.
LOG_ENGAGEMENT_MU, LOG_ENGAGEMENT_SIGMA = 1.5, 1.6
#: Shift of hateful posts' log-engagement before and after the takeover (solved, see module doc).
HATE_VIRALITY_BEFORE = -0.61
HATE_VIRALITY_AFTER = 1.27
#: Chance a post's author is flagged as a likely bot: (not hateful, hateful, spike posts).
BOT_RATES = (0.04, 0.12, 0.80)
#: Share of spike posts judged hateful.
SPIKE_HATEFUL_SHARE = 0.70
#: Day-to-day noise of the log rate: AR(1) coefficient and innovation sd.
AR_PHI, AR_SD = 0.6, 0.10
#: Share of posts that carry a masked, invented short text.
TEXT_SHARE = 0.05

#: Seed of the shipped snapshot: the first seed from 20221028 on whose top-20 counts equal the
#: published ones (1 of 60 before; 7 of 20 on the anti-LGBTQ+ and antisemitic lists after).
#: Other seeds give other counts around the same expectations (the lesson's resampler shows how much).
DEFAULT_SEED = 20221047


def days() -> pd.DatetimeIndex:
    """Every day of the stream, Mar 1 2022 - Jun 30 2023 (487 days)."""
    return pd.date_range(START, END, freq="D")


def _window(day_index: pd.DatetimeIndex, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    return ((day_index >= start) & (day_index <= end)).astype(float)


def _extras(day_index: pd.DatetimeIndex, hateful: bool, keyword_list: str) -> np.ndarray:
    """Additions to the rate multiplier from the events after the takeover (0 before it)."""
    after = day_index >= TAKEOVER
    extra = MIDTERMS[2] * _window(day_index, *MIDTERMS[:2])
    if hateful:
        elapsed = (day_index - TAKEOVER).days.to_numpy()
        extra = extra + np.where(after, SURGE_SIZE * np.exp(-np.clip(elapsed, 0, None) / SURGE_DAYS), 0.0)
        extra = extra + AMNESTY[2] * _window(day_index, *AMNESTY[:2])
        if keyword_list == "racist":
            extra = extra + WORLD_CUP[2] * _window(day_index, *WORLD_CUP[:2])
    return np.where(after, extra, 0.0)


@lru_cache(maxsize=None)
def after_plateau(hateful: bool) -> float:
    """The multiplier's flat part after the takeover, solved so the mean matches the target.

    Parameters
    ----------
    hateful : bool
        For hateful keyword posts (target :data:`HATE_GROWTH`) or for all other posts
        (target :data:`ALL_POSTS_GROWTH`).

    Returns
    -------
    float
        ``target - mean of the extras after the takeover`` (averaged over days and over the lists
        weighted by :data:`LIST_SHARES`), so the mean daily rate after / before = target.
    """
    day_index = days()
    after = day_index >= TAKEOVER
    target = HATE_GROWTH if hateful else ALL_POSTS_GROWTH
    mean_extra = sum(share * _extras(day_index, hateful, name)[after].mean() for name, share in LIST_SHARES.items())
    if not hateful:
        return float(target - mean_extra)
    # The spike's hateful posts count too; its size depends on the plateau (it tops the rate up
    # to 398/hour), so solve the two together by a few fixed-point steps (converges fast).
    base_hateful_per_day = BASELINE_REAL_PER_HOUR * 24 / SCALE * HATEFUL_SHARE_BEFORE
    plateau = target - mean_extra
    for _ in range(20):
        spike_hateful = SPIKE_HATEFUL_SHARE * SPIKE_HOURS * _spike_extra_per_hour(plateau)
        plateau = target - mean_extra - spike_hateful / (after.sum() * base_hateful_per_day)
    return float(plateau)


def rate_multiplier(day_index: pd.DatetimeIndex, hateful: bool, keyword_list: str) -> np.ndarray:
    """Expected daily rate relative to before the takeover (1 before it; plateau + extras after).

    Parameters
    ----------
    day_index : pandas.DatetimeIndex
        Days.
    hateful : bool
        Hateful posts or the others.
    keyword_list : str
        One of :data:`LISTS` (the World Cup extra applies to "racist" only).

    Returns
    -------
    numpy.ndarray of float, shape (len(day_index),)
    """
    after = day_index >= TAKEOVER
    return np.where(after, after_plateau(hateful), 1.0) + _extras(day_index, hateful, keyword_list)


def expected_daily_counts(day_index: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """Expected simulated posts per day, by list and hateful/not, without noise or the spike.

    Returns
    -------
    pandas.DataFrame
        Index: days; columns: MultiIndex ``(keyword_list, hateful)``; values in simulated posts
        per day (multiply by :data:`SCALE` for real keyword posts).
    """
    day_index = days() if day_index is None else day_index
    per_day = BASELINE_REAL_PER_HOUR * 24 / SCALE
    columns = {}
    for name, share in LIST_SHARES.items():
        for hateful, class_share in ((False, 1 - HATEFUL_SHARE_BEFORE), (True, HATEFUL_SHARE_BEFORE)):
            columns[(name, hateful)] = per_day * share * class_share * rate_multiplier(day_index, hateful, name)
    return pd.DataFrame(columns, index=day_index)


def _spike_extra_per_hour(hateful_plateau: float) -> float:
    day = pd.DatetimeIndex([TAKEOVER])
    per_day = BASELINE_REAL_PER_HOUR * 24 / SCALE
    base = 0.0
    for name, share in LIST_SHARES.items():
        base += per_day * share * (1 - HATEFUL_SHARE_BEFORE) * (after_plateau(False) + _extras(day, False, name)[0])
        base += per_day * share * HATEFUL_SHARE_BEFORE * (hateful_plateau + _extras(day, True, name)[0])
    return SPIKE_REAL_PER_HOUR / SCALE - base / 24


def spike_extra_per_hour() -> float:
    """Extra simulated posts per hour on Oct 28, hours 0-11, that lift the expected rate to the spike.

    Returns
    -------
    float
        ``SPIKE_REAL_PER_HOUR / SCALE`` minus the expected simulated posts per hour of an ordinary
        hour on Oct 28 (simulated posts per hour).
    """
    return _spike_extra_per_hour(after_plateau(True))


def expected_hourly_rate(day_index: pd.DatetimeIndex | None = None) -> pd.Series:
    """Expected *real* keyword posts per hour (simulated rate x :data:`SCALE`), hour by hour.

    Returns
    -------
    pandas.Series
        Indexed by hourly timestamps; real posts per hour, spike included. Used to check the
        Montclair figures (7-day average before, the midnight-noon spike on Oct 28).
    """
    day_index = days() if day_index is None else day_index
    daily = expected_daily_counts(day_index).sum(axis=1).to_numpy() / 24
    hours = pd.date_range(day_index[0], day_index[-1] + pd.Timedelta(hours=23), freq="h")
    rate = np.repeat(daily, 24)
    spike = (hours >= TAKEOVER) & (hours < TAKEOVER + pd.Timedelta(hours=SPIKE_HOURS))
    rate = rate + spike * spike_extra_per_hour()
    return pd.Series(rate * SCALE, index=hours, name="real_posts_per_hour")


def expected_top_share(n_hateful: float, n_other: float, virality: float, k: int = 20) -> float:
    """Expected share of hateful posts among the top ``k`` by engagement (threshold approximation).

    With ``n_hateful`` and ``n_other`` posts whose log-engagement is normal (sd
    :data:`LOG_ENGAGEMENT_SIGMA`, hateful ones shifted by ``virality``), the top ``k`` are about
    the posts above the level ``t`` where the expected number above it is ``k``; the hateful
    share is their expected part of those ``k``.

    Parameters
    ----------
    n_hateful, n_other : float
        Expected numbers of hateful and other posts in the list and window.
    virality : float
        Shift of the hateful posts' log-engagement (natural-log units).
    k : int
        Size of the top list.

    Returns
    -------
    float
        A proportion in [0, 1].
    """
    sd = LOG_ENGAGEMENT_SIGMA

    def above(t: float) -> tuple[float, float]:
        return n_hateful * stats.norm.sf((t - virality) / sd), n_other * stats.norm.sf(t / sd)

    t = optimize.brentq(lambda t: sum(above(t)) - k, -20 * sd, 20 * sd)
    return float(above(t)[0] / k)


def _window_counts(window: tuple[pd.Timestamp, pd.Timestamp], keyword_list: str) -> tuple[float, float]:
    expected = expected_daily_counts().loc[window[0] : window[1]]
    n_hateful, n_other = expected[(keyword_list, True)].sum(), expected[(keyword_list, False)].sum()
    if window[0] <= TAKEOVER <= window[1]:  # the spike's posts, split by list share
        spike = spike_extra_per_hour() * SPIKE_HOURS * LIST_SHARES[keyword_list]
        n_hateful += spike * SPIKE_HATEFUL_SHARE
        n_other += spike * (1 - SPIKE_HATEFUL_SHARE)
    return float(n_hateful), float(n_other)


def expected_tufts_shares(virality_before: float = HATE_VIRALITY_BEFORE, virality_after: float = HATE_VIRALITY_AFTER, k: int = 20) -> dict[str, float]:
    """Expected share of hateful posts in the top ``k`` per list, before and after, averaged over lists.

    Returns
    -------
    dict
        ``{"before": share, "after": share}``: the mean over :data:`LISTS` of
        :func:`expected_top_share` in the Tufts windows (targets 1/60 and 7/20).
    """
    out = {}
    for period, window, virality in (("before", TUFTS_BEFORE, virality_before), ("after", TUFTS_AFTER, virality_after)):
        out[period] = float(np.mean([expected_top_share(*_window_counts(window, name), virality, k) for name in LISTS]))
    return out


def solve_virality() -> tuple[float, float]:
    """Re-derive :data:`HATE_VIRALITY_BEFORE` and ``_AFTER`` from the Tufts targets (brentq)."""
    before = optimize.brentq(lambda v: expected_tufts_shares(v, 0.0)["before"] - TARGET_TOP_SHARE_BEFORE, -5, 5)
    after = optimize.brentq(lambda v: expected_tufts_shares(0.0, v)["after"] - TARGET_TOP_SHARE_AFTER, -5, 5)
    return float(before), float(after)


# --- masked, invented texts ------------------------------------------------------------------
# Short invented templates; [slur-NN] stands for a masked term. No real post is quoted.
_HATEFUL_TEXTS = (
    "simulated: {t} people are ruining everything, get them out",
    "simulated: no {t} in our town, ever",
    "simulated: the {t} are behind this again, wake up",
    "simulated: {t} do not deserve to be here",
)
_OTHER_TEXTS = (
    "simulated: reporting on the rise of {t} posts this week",
    "simulated: a thread on why calling someone {t} hurts",
    "simulated: got called {t} on the bus today, not ok",
    "simulated: new study counts how often {t} shows up here",
    "simulated: blocking every account that says {t}",
)
_NONE_TEXTS = (
    "simulated: great match last night",
    "simulated: coffee first, then emails",
    "simulated: who else is watching the election results",
)
_TOKENS = {"anti_lgbtq": (3, 5, 11), "antisemitic": (7, 14), "racist": (1, 2, 9)}


def simulate_post_stream(seed: int | None = DEFAULT_SEED) -> pd.DataFrame:
    """Simulate the keyword-matching post stream (simulated data, seeded).

    Parameters
    ----------
    seed : int or None
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        One row per simulated post, sorted by time: ``post_id`` (str), ``date`` (datetime64, day),
        ``hour`` (int 0-23), ``keyword_list`` (str: a :data:`LISTS` name or ``"none"``),
        ``author_followers``, ``likes``, ``reposts`` (int, heavy-tailed), ``hateful`` (bool, the
        reference judgement), ``likely_bot``, ``reinstated`` (bool author flags) and ``text``
        (str: a masked invented text for about 5% of posts, else empty). ``attrs["simulated"]``
        is True.
    """
    rng = np.random.default_rng(seed)
    day_index = days()
    n_days = len(day_index)
    # autocorrelated day-to-day noise on the log rate, mean-corrected so expectations hold
    noise = np.zeros(n_days)
    for d in range(1, n_days):
        noise[d] = AR_PHI * noise[d - 1] + rng.normal(0, AR_SD)
    factor = np.exp(noise - 0.5 * AR_SD**2 / (1 - AR_PHI**2))
    expected = expected_daily_counts(day_index)
    amnesty_on = _window(day_index, *AMNESTY[:2]).astype(bool)
    parts = []
    for (name, hateful), column in expected.items():
        counts = rng.poisson(column.to_numpy() * factor)
        day_of = np.repeat(np.arange(n_days), counts)
        n = len(day_of)
        # reinstated authors: the amnesty's extra share of hateful posts, plus a few others
        amnesty_share = np.where(amnesty_on[day_of], (AMNESTY[2] / rate_multiplier(day_index, True, name)[day_of]) if hateful else 0.01, 0.0)
        parts.append(pd.DataFrame({
            "day": day_of, "hour": rng.choice(24, size=n, p=_HOUR_PROFILE), "keyword_list": name,
            "hateful": hateful, "likely_bot": rng.random(n) < BOT_RATES[int(hateful)],
            "reinstated": rng.random(n) < amnesty_share,
        }))
    # the Oct 28 spike: extra posts in hours 0-11, mostly hateful, mostly from likely bots
    n_spike = rng.poisson(spike_extra_per_hour() * SPIKE_HOURS)
    parts.append(pd.DataFrame({
        "day": int((TAKEOVER - START).days), "hour": rng.integers(0, SPIKE_HOURS, size=n_spike),
        "keyword_list": rng.choice(LISTS, size=n_spike, p=list(LIST_SHARES.values())),
        "hateful": rng.random(n_spike) < SPIKE_HATEFUL_SHARE, "likely_bot": rng.random(n_spike) < BOT_RATES[2],
        "reinstated": False,
    }))
    # background sample of posts matching no list: volume +8% after the takeover
    background = rng.poisson(BACKGROUND_PER_DAY * np.where(day_index >= TAKEOVER, ALL_POSTS_GROWTH, 1.0) * factor)
    day_of = np.repeat(np.arange(n_days), background)
    parts.append(pd.DataFrame({
        "day": day_of, "hour": rng.choice(24, size=len(day_of), p=_HOUR_PROFILE), "keyword_list": "none",
        "hateful": False, "likely_bot": rng.random(len(day_of)) < BOT_RATES[0], "reinstated": False,
    }))
    posts = pd.concat(parts, ignore_index=True).sort_values(["day", "hour"], kind="stable", ignore_index=True)
    n = len(posts)
    after = posts["day"].to_numpy() >= (TAKEOVER - START).days
    hateful = posts["hateful"].to_numpy()
    virality = np.where(hateful, np.where(after, HATE_VIRALITY_AFTER, HATE_VIRALITY_BEFORE), 0.0)
    z = rng.normal(LOG_ENGAGEMENT_MU + virality, LOG_ENGAGEMENT_SIGMA)
    likes = np.floor(np.exp(z)).astype("int64")
    reposts = rng.binomial(likes, 0.2).astype("int64")
    followers = np.floor(np.exp(5 + 0.5 * (z - LOG_ENGAGEMENT_MU) + rng.normal(0, 1.5, size=n))).astype("int64")
    posts.insert(0, "post_id", [f"P{i:06d}" for i in range(1, n + 1)])
    posts.insert(1, "date", day_index[posts.pop("day").to_numpy()])
    posts.insert(4, "author_followers", followers)
    posts.insert(5, "likes", likes)
    posts.insert(6, "reposts", reposts)
    posts["text"] = _texts(posts, rng)
    posts.attrs["simulated"] = True
    return posts


# Hour-of-day profile of ordinary posting (assumption): quiet at night, busy in the evening (UTC).
_HOUR_PROFILE = 1 + 0.6 * np.sin(2 * np.pi * (np.arange(24) - 9) / 24)
_HOUR_PROFILE = _HOUR_PROFILE / _HOUR_PROFILE.sum()


def _texts(posts: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """A masked invented text for about :data:`TEXT_SHARE` of the posts, else ""."""
    out = np.full(len(posts), "", dtype=object)
    chosen = np.flatnonzero(rng.random(len(posts)) < TEXT_SHARE)
    for i in chosen:
        name = posts.at[i, "keyword_list"]
        if name == "none":
            out[i] = _NONE_TEXTS[rng.integers(len(_NONE_TEXTS))]
            continue
        pool = _HATEFUL_TEXTS if posts.at[i, "hateful"] else _OTHER_TEXTS
        term = f"[slur-{_TOKENS[name][rng.integers(len(_TOKENS[name]))]:02d}]"
        out[i] = pool[rng.integers(len(pool))].format(t=term)
    return out


def to_csv_bytes(posts: pd.DataFrame) -> bytes:
    """The bytes of ``datasets/post_stream.csv`` for ``posts`` (UTF-8, LF, no index, dates as YYYY-MM-DD)."""
    buffer = io.StringIO()
    table = posts.assign(date=posts["date"].dt.strftime("%Y-%m-%d"))
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
