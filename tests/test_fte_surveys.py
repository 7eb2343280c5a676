"""The two FiveThirtyEight surveys in shared categories: mapping by hand on tiny tables, and the real files' sizes."""

import pandas as pd
import pytest

from modlab import corpora, fte_surveys, weighting


def test_nonvoters_mapping_keeps_men_and_sorts_ages_by_hand():
    tiny = pd.DataFrame({
        "gender": ["Male", "Female", "Male", "Male"],
        "ppage": [22, 40, 64, 65],
        "educ": ["College", "Some college", "High school or less", "Some college"],
        "race": ["Other/Mixed", "White", "Black", "Hispanic"],
        "weight": [0.5, 1.0, 1.5, 2.0],
    })
    men = fte_surveys.men_in_nonvoters(tiny)
    assert men["age_group"].astype(str).tolist() == ["18-34", "35-64", "65+"]
    assert men["education"].astype(str).tolist() == ["college degree or more", "high school or less", "some college"]
    assert men["race"].astype(str).tolist() == ["Other", "Black", "Hispanic"]
    shares = fte_surveys.shares(men, "race")
    assert shares.loc["Black", "unweighted"] == pytest.approx(1 / 3)
    assert shares.loc["Black", "weighted"] == pytest.approx(1.5 / 4.0)
    assert shares.loc["White", "weighted"] == 0  # listed, though empty


def test_unknown_category_is_refused():
    tiny = pd.DataFrame({"age3": ["18 - 34"], "educ3": ["Doctorate"], "racethn4": ["White"], "weight": [1.0]})
    with pytest.raises(ValueError, match="education"):
        fte_surveys.men_in_masculinity(tiny)


def test_real_surveys_sizes_and_weights():
    nonvoters, masculinity = corpora.load("fte_nonvoters"), corpora.load("fte_masculinity")
    assert len(fte_surveys.men_in_nonvoters(nonvoters)) == (nonvoters["gender"] == "Male").sum() == 2940
    masc_men = fte_surveys.men_in_masculinity(masculinity)
    assert len(masc_men) == 1615
    # the opt-in survey's weights are far more unequal than the panel's (lesson 04's claim)
    assert weighting.design_effect(masculinity["weight"]) == pytest.approx(3.07, abs=0.01)
    assert weighting.design_effect(nonvoters["weight"]) == pytest.approx(1.12, abs=0.01)
    college = fte_surveys.shares(masc_men, "education").loc["college degree or more"]
    assert college["unweighted"] == pytest.approx(997 / 1615)
