"""modlab.polls against values computed by hand (and Meng's 2016 example)."""

import math

import numpy as np
import pytest

from modlab import polls


def test_margin_of_error_by_hand():
    # 1.959964 * sqrt(0.25 / 1000) = 0.030990
    assert polls.srs_margin_of_error(0.5, 1000) == pytest.approx(0.030990, abs=1e-6)
    # the amnesty poll as if it were a random sample: 1.96 * sqrt(.724 * .276 / 3.1e6) = 0.000498
    assert polls.srs_margin_of_error(0.724, 3_100_000) == pytest.approx(0.000498, abs=1e-6)
    # 90% level: 1.644854 * 0.5 / sqrt(400) = 0.041121
    assert polls.srs_margin_of_error(0.5, 400, confidence=0.90) == pytest.approx(0.041121, abs=1e-6)


def test_finite_population_correction():
    # sampling everyone leaves no sampling error
    assert polls.srs_margin_of_error(0.5, 100, population=100) == 0
    # n = N/2: factor sqrt(50/99) = 0.710669
    assert polls.srs_margin_of_error(0.5, 50, population=100) == pytest.approx(
        polls.srs_margin_of_error(0.5, 50) * 0.710669, rel=1e-5
    )


@pytest.mark.parametrize("p, n", [(-0.1, 10), (1.2, 10), (0.5, 0)])
def test_margin_of_error_rejects_bad_input(p, n):
    with pytest.raises(ValueError):
        polls.srs_margin_of_error(p, n)


def test_sample_size_for_three_points_is_1068():
    assert polls.sample_size_for_margin(0.03) == 1068
    assert polls.sample_size_for_margin(0.01) == 9604


def test_meng_2016_example_gives_a_few_hundred():
    # Meng (2018): rho = -0.005, n = 2.3 million of N = 231 million -> about 400
    n_eff = polls.effective_sample_size(-0.005, 2_300_000, 231_000_000)
    assert n_eff == pytest.approx(402.27, abs=0.01)
    assert polls.effective_sample_size(0, 10, 100) == math.inf


def test_meng_error_and_its_inverse():
    err = polls.meng_error(0.01, 10_000, 1_000_000, 0.5)
    # 0.01 * sqrt(990000 / 10000) * 0.5 = 0.01 * 9.949874 * 0.5 = 0.049749
    assert err == pytest.approx(0.049749, abs=1e-6)
    assert polls.implied_ddc(err, 10_000, 1_000_000, 0.5) == pytest.approx(0.01)


def test_identity_holds_exactly_for_a_simulated_population():
    result = polls.simulate_population_poll(200_000, 0.4, rate_yes=0.03, rate_no=0.01, seed=3)
    assert result["error"] == pytest.approx(result["meng_error"], abs=1e-12)
    assert result["error"] > 0.2  # supporters three times as likely to vote: far off


def test_ddc_from_rates_matches_the_realised_correlation():
    p, a, b = 0.4, 0.03, 0.01
    expected = polls.ddc_from_rates(p, a, b)
    # by hand: f = .4*.03 + .6*.01 = .018; (a-b) sqrt(.24) / sqrt(.018 * .982) = 0.02 * .489898 / .132951 = 0.073695
    assert expected == pytest.approx(0.073695, abs=1e-5)
    realised = polls.simulate_population_poll(2_000_000, p, a, b, seed=1)["rho"]
    assert realised == pytest.approx(expected, abs=0.002)


def test_data_defect_correlation_of_a_random_sample_is_near_zero():
    rng = np.random.default_rng(0)
    values = rng.random(500_000) < 0.3
    recorded = rng.random(500_000) < 0.01
    assert abs(polls.data_defect_correlation(recorded, values)) < 0.005
    with pytest.raises(ValueError):
        polls.data_defect_correlation(np.ones(10), np.arange(10))


def test_opt_in_share_and_its_inverse():
    assert polls.opt_in_share(0.5, 2) == pytest.approx(2 / 3)
    assert polls.opt_in_share(0.5, 1) == pytest.approx(0.5)
    # 72.4% yes with supporters 2.5x as likely to vote: odds 0.724/0.276 / 2.5 = 1.049275 -> p = 0.5120
    assert polls.share_from_opt_in(0.724, 2.5) == pytest.approx(0.51203, abs=1e-5)
    assert polls.opt_in_share(polls.share_from_opt_in(0.724, 2.5), 2.5) == pytest.approx(0.724)


def test_setup_expected_estimate_mixes_bots():
    setup = polls.OptInPollSetup(true_share=0.5, see_ratio=1, vote_ratio=2, bot_share=0.1, bot_yes_share=1.0, votes=1_000_000)
    # humans: 900,000 votes at 2/3 yes; bots: 100,000 all yes -> (600,000 + 100,000) / 1e6 = 0.7
    assert setup.expected_estimate == pytest.approx(0.7)
    rate_yes, rate_no = setup.response_rates()
    assert rate_yes == pytest.approx(2 * rate_no)
    assert setup.population * (0.5 * rate_yes + 0.5 * rate_no) == pytest.approx(900_000)


def test_setup_rejects_impossible_settings():
    with pytest.raises(ValueError):
        polls.OptInPollSetup(true_share=1.5)
    with pytest.raises(ValueError):
        polls.OptInPollSetup(votes=10, population=5)
    with pytest.raises(ValueError):
        polls.OptInPollSetup(true_share=0.1, see_ratio=4, vote_ratio=4, votes=900, population=1000).response_rates()


def test_simulation_is_seeded_and_centred_where_theory_says():
    setup = polls.OptInPollSetup(true_share=0.5, see_ratio=1.5, vote_ratio=1.5, bot_share=0.0)
    a = polls.simulate_opt_in_polls(setup, n_polls=300, seed=7)
    b = polls.simulate_opt_in_polls(setup, n_polls=300, seed=7)
    assert a.equals(b)
    assert a.attrs["simulated"] is True
    assert list(a.columns) == ["poll", "opt_in_estimate", "random_sample_estimate", "truth", "opt_in_error", "random_sample_error"]
    # ratio 2.25: expected 0.5*2.25 / (0.5*2.25 + 0.5) = 0.692308
    assert a["opt_in_estimate"].mean() == pytest.approx(0.692308, abs=0.0005)
    assert a["random_sample_estimate"].mean() == pytest.approx(0.5, abs=0.005)
    # random samples of 1,000: about 95% within the margin of error
    moe = polls.srs_margin_of_error(0.5, 1000)
    assert 0.9 < (a["random_sample_error"].abs() <= moe).mean() <= 1.0
    # the huge opt-in poll is precise and wrong: spread tiny, never near the truth
    assert a["opt_in_estimate"].std() < 0.001
    assert a["opt_in_error"].min() > 0.18


def test_setup_effective_sample_size_by_mean_squared_error():
    # no selection, no bots: only binomial noise -> worth about as many random respondents as votes
    fair = polls.OptInPollSetup(see_ratio=1, vote_ratio=1, bot_share=0)
    assert fair.effective_sample_size() == pytest.approx(3_100_000, rel=1e-9)
    # bots alone: bias 0.05 (10% of votes all yes in a 50-50 population) -> 0.25 / (0.0025 + noise) ~ 100
    bots = polls.OptInPollSetup(see_ratio=1, vote_ratio=1, bot_share=0.1, bot_yes_share=1.0)
    assert bots.data_defect_correlation() == 0
    assert bots.effective_sample_size() == pytest.approx(100, rel=1e-3)
    # selection without bots: Meng's f / (1 - f) / rho^2 for the human votes
    selected = polls.OptInPollSetup(bot_share=0)
    meng = polls.effective_sample_size(selected.data_defect_correlation(), selected.human_votes, selected.population)
    assert selected.effective_sample_size() == pytest.approx(meng, rel=1e-3)


def test_rho_grows_with_poll_size_while_the_worth_stays_put():
    # same selection mechanism, 3,100x more votes: rho rises ~sqrt(3100)x, n_eff unchanged (the lesson's point)
    small = polls.OptInPollSetup(votes=1_000, bot_share=0)
    large = polls.OptInPollSetup(votes=3_100_000, bot_share=0)
    assert large.data_defect_correlation() / small.data_defect_correlation() == pytest.approx(3100**0.5, rel=0.01)
    assert large.effective_sample_size() == pytest.approx(small.effective_sample_size(), rel=0.01)
