"""The capacity model of lesson 01, against values worked out by hand."""

import math

import pytest

from modlab import capacity as m

ONE = (m.LanguageGroup("all", 1.0, 1.0),)


def test_one_group_backlog_grows_by_the_daily_shortfall():
    setup = m.CapacitySetup(reports_per_day=100, auto_share=0.5, reviewers=1, reviews_per_reviewer=40, groups=ONE, days=3)
    daily = m.simulate_backlog(setup)
    # 50 reach people each day, 40 are reviewed: 10 more wait every day
    assert daily["backlog"].tolist() == [10, 20, 30]
    assert daily["reviewed"].tolist() == [40, 40, 40]
    assert daily["wait_days"].tolist() == pytest.approx([0.25, 0.5, 0.75])
    assert daily.attrs["simulated"]
    summary = m.summarise(setup)
    assert summary.loc["all", "reports_to_humans"] == 150
    assert summary.loc["all", "unreviewed_share"] == pytest.approx(0.2)  # 30 of 150


def test_enough_reviewers_means_no_backlog_and_same_day_decisions():
    setup = m.CapacitySetup(reports_per_day=100, auto_share=0.5, reviewers=2, reviews_per_reviewer=40, groups=ONE, days=5)
    daily = m.simulate_backlog(setup)
    assert daily["backlog"].eq(0).all() and daily["wait_days"].eq(0).all()
    assert daily["reviewed"].eq(50).all()


def test_before_preset_by_hand():
    summary = m.summarise(m.PRESETS["before Nov 2022"])
    # 500,000 reports, half automatic: 250,000 to people; 5,500 x 60 = 330,000 reviews a day
    total = summary.loc["All languages"]
    assert total["reports_to_humans_per_day"] == 250_000 and total["capacity_per_day"] == 330_000
    other = summary.loc["All other languages"]
    # 15% of 250,000 = 37,500 arrive; 5% of 330,000 = 16,500 reviewed: 21,000 more wait per day
    assert other["backlog"] == pytest.approx(630_000)
    assert other["unreviewed_share"] == pytest.approx(630_000 / 1_125_000)
    assert other["wait_days"] == pytest.approx(630_000 / 16_500)
    assert summary.loc["English", "backlog"] == 0 and summary.loc["English", "wait_days"] == 0
    assert summary.loc["Arabic, Hindi & Indonesian", "backlog"] == pytest.approx(30 * (62_500 - 49_500))
    assert total["backlog"] == pytest.approx(630_000 + 390_000)
    # mean wait of reports filed on day 30, weighted by arrivals
    assert total["wait_days"] == pytest.approx((62_500 * 390_000 / 49_500 + 37_500 * 630_000 / 16_500) / 250_000)
    assert summary.attrs["simulated"] and summary.attrs["days"] == 30


def test_after_the_cuts_uses_the_reported_contractor_numbers():
    after = m.PRESETS["after the contractor cuts"]
    assert after.reviewers == 1_100  # about 5,500 minus about 4,400 [S, Platformer]
    summary = m.summarise(after)
    assert summary.loc["All languages", "capacity_per_day"] == 66_000
    assert summary.loc["English", "unreviewed_share"] == pytest.approx(1 - 39_600 / 100_000)


def test_reviewers_needed_is_set_by_the_worst_served_group():
    # All other languages: 37,500 / (0.05 x 60) = 12,500 reviewers
    assert m.reviewers_needed(m.PRESETS["before Nov 2022"]) == pytest.approx(12_500)
    assert m.reviewers_needed(m.CapacitySetup(auto_share=1.0)) == 0


def test_a_language_no_one_reads_is_never_reviewed():
    groups = (m.LanguageGroup("a", 0.5, 1.0), m.LanguageGroup("b", 0.5, 0.0))
    setup = m.CapacitySetup(groups=groups, days=10)
    summary = m.summarise(setup)
    assert math.isinf(summary.loc["b", "wait_days"]) and summary.loc["b", "unreviewed_share"] == 1
    assert math.isinf(summary.loc["All languages", "wait_days"])
    assert math.isinf(m.reviewers_needed(setup))
    assert "never reviewed" in m.describe_summary(summary)


def test_moving_reviewers_outside_english_keeps_the_proportions():
    moved = m.with_reviewer_share_outside(m.PRESETS["before Nov 2022"], 0.6)
    shares = {g.name: g.reviewer_share for g in moved.groups}
    assert shares == pytest.approx({"English": 0.4, "Spanish & Portuguese": 0.3, "Arabic, Hindi & Indonesian": 0.225,
                                    "All other languages": 0.075})
    moved.validate()
    with pytest.raises(ValueError, match="no language group"):
        m.with_reviewer_share_outside(moved, 0.5, reference="Klingon")


@pytest.mark.parametrize("change, message", [
    ({"reviewers": -1}, "reviewers"),
    ({"auto_share": 1.5}, "auto_share"),
    ({"days": 0}, "days"),
    ({"groups": (m.LanguageGroup("a", 0.5, 1.0),)}, "sum to 1"),
    ({"groups": (m.LanguageGroup("a", 0.5, 0.5), m.LanguageGroup("a", 0.5, 0.5))}, "differ"),
    ({"groups": ()}, "at least one"),
])
def test_impossible_setups_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        m.simulate_backlog(m.CapacitySetup(**change))


def test_description_names_every_group_and_says_simulated():
    text = m.describe_summary(m.summarise(m.PRESETS["before Nov 2022"]))
    assert text.startswith("Simulated, 30 days.")
    assert "All other languages: 56% not reviewed" in text and "English: 0% not reviewed" in text
    assert "English" not in m.describe_summary(m.summarise(m.PRESETS["before Nov 2022"]), per_group=False)
