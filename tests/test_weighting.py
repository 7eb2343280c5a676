"""modlab.weighting on cases small enough to work by hand: post-stratification, raking, Kish."""

import numpy as np
import pandas as pd
import pytest

from modlab import weighting

# A 2 x 2 table of 10 respondents: 6 young men, 1 young woman, 2 old men, 1 old woman.
TWO_BY_TWO = pd.DataFrame(
    {
        "age": ["young"] * 7 + ["old"] * 3,
        "sex": ["m"] * 6 + ["w"] + ["m"] * 2 + ["w"],
        "yes": [1, 1, 1, 1, 0, 0, 1, 0, 1, 0],
    }
)
CELL_SHARES = pd.Series(
    [0.2, 0.2, 0.3, 0.3],
    index=pd.MultiIndex.from_tuples([("young", "m"), ("young", "w"), ("old", "m"), ("old", "w")], names=["age", "sex"]),
)


def test_post_stratification_weights_on_a_2x2_table_by_hand():
    w = weighting.post_stratification_weights(TWO_BY_TWO, CELL_SHARES, ["age", "sex"])
    # population share / sample share: 0.2/0.6, 0.2/0.1, 0.3/0.2, 0.3/0.1
    expected = [1 / 3] * 6 + [2.0] + [1.5] * 2 + [3.0]
    np.testing.assert_allclose(w.to_numpy(), expected, rtol=1e-12)
    assert w.sum() == pytest.approx(10)  # weights average 1
    assert w.index.equals(TWO_BY_TWO.index) and w.name == "weight"
    # weighted share = sum over cells of population share x cell mean: 0.2*4/6 + 0.2*1 + 0.3*0.5 + 0.3*0
    assert weighting.weighted_share(TWO_BY_TWO["yes"], w) == pytest.approx(0.2 * 4 / 6 + 0.2 + 0.15)


def test_post_stratification_on_one_column_and_shuffled_rows():
    shuffled = TWO_BY_TWO.sample(frac=1, random_state=3)
    w = weighting.post_stratification_weights(shuffled, pd.Series({"young": 0.4, "old": 0.6}), "age")
    expected = np.where(shuffled["age"] == "young", 0.4 / 0.7, 0.6 / 0.3)
    np.testing.assert_allclose(w.to_numpy(), expected, rtol=1e-12)


def test_post_stratification_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="no respondents"):
        weighting.post_stratification_weights(TWO_BY_TWO, pd.Series({"young": 0.3, "old": 0.3, "middle": 0.4}), "age")
    with pytest.raises(ValueError, match="no population share"):
        weighting.post_stratification_weights(TWO_BY_TWO, pd.Series({"young": 1.0}), "age")
    with pytest.raises(ValueError, match="summing to 1"):
        weighting.post_stratification_weights(TWO_BY_TWO, pd.Series({"young": 0.7, "old": 0.7}), "age")


def test_kish_and_design_effect_on_a_small_vector_by_hand():
    w = [1, 1, 1, 3]  # (6)^2 / (1+1+1+9) = 3; design effect 4/3; CV^2 = var/mean^2 = 0.75/2.25
    assert weighting.kish_effective_sample_size(w) == pytest.approx(3.0)
    assert weighting.design_effect(w) == pytest.approx(4 / 3)
    assert weighting.design_effect(w) == pytest.approx(1 + np.var(w) / np.mean(w) ** 2)
    assert weighting.kish_effective_sample_size([2, 2, 2]) == pytest.approx(3.0)  # equal weights: n
    assert weighting.kish_effective_sample_size([10, 10, 10, 30]) == pytest.approx(3.0)  # scale does not matter
    assert weighting.kish_effective_sample_size([1, 0, 0]) == pytest.approx(1.0)
    for bad in ([], [1, -1], [0, 0], [1, np.nan]):
        with pytest.raises(ValueError):
            weighting.kish_effective_sample_size(bad)


def _hand_ipf(frame, margins, sweeps=500):
    """Plain iterative proportional fitting, written out: scale each margin's levels in turn."""
    w = np.ones(len(frame))
    for _ in range(sweeps):
        for column, target in margins.items():
            for level, share in target.items():
                rows = (frame[column] == level).to_numpy()
                w[rows] *= share * w.sum() / w[rows].sum()
    return w / w.mean()


def test_raking_agrees_with_hand_ipf_to_1e9():
    counts = {("18-29", "m"): 30, ("18-29", "w"): 5, ("30-44", "m"): 20, ("30-44", "w"): 10, ("45+", "m"): 25, ("45+", "w"): 10}
    frame = pd.DataFrame([cell for cell, c in counts.items() for _ in range(c)], columns=["age", "sex"])
    margins = {"age": {"18-29": 0.2, "30-44": 0.3, "45+": 0.5}, "sex": {"m": 0.47, "w": 0.53}}
    raked = weighting.rake_weights(frame, margins)
    np.testing.assert_allclose(raked.to_numpy(), _hand_ipf(frame, margins), rtol=0, atol=1e-9)
    for column, target in margins.items():
        achieved = raked.groupby(frame[column]).sum() / raked.sum()
        for level, share in target.items():
            assert achieved[level] == pytest.approx(share, abs=1e-12)


def test_raking_one_margin_is_post_stratification():
    w = weighting.rake_weights(TWO_BY_TWO, {"age": {"young": 0.4, "old": 0.6}})
    ps = weighting.post_stratification_weights(TWO_BY_TWO, pd.Series({"young": 0.4, "old": 0.6}), "age")
    np.testing.assert_allclose(w.to_numpy(), ps.to_numpy(), atol=1e-12)


def test_raking_refuses_missing_levels_and_bad_shares():
    with pytest.raises(ValueError, match="no target share"):
        weighting.rake_weights(TWO_BY_TWO, {"age": {"young": 1.0}})
    with pytest.raises(ValueError, match="no respondents"):
        weighting.rake_weights(TWO_BY_TWO, {"age": {"young": 0.3, "old": 0.3, "middle": 0.4}})
    with pytest.raises(ValueError, match="summing to 1"):
        weighting.rake_weights(TWO_BY_TWO, {"age": {"young": 0.5, "old": 0.6}})
