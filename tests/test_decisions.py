"""Lesson 02's pure functions: decisions next to the reference, agreement, kappa, scale."""

import math

import pandas as pd
import pytest

from modlab import data, decisions

# A small table worked out by hand (two raters, 10 items, three categories):
#               B: leave  B: remove  B: suspend
#   A: leave        4         1          0        -> A uses leave 5, remove 3, suspend 2
#   A: remove       1         2          0        -> B uses leave 5, remove 4, suspend 1
#   A: suspend      0         1          1
# p_o = (4 + 2 + 1) / 10 = 0.7; p_e = (5*5 + 3*4 + 2*1) / 100 = 0.39; kappa = 0.31 / 0.61
A = ["leave up"] * 5 + ["remove post"] * 3 + ["suspend account"] * 2
B = ["leave up"] * 4 + ["remove post"] + ["leave up"] + ["remove post"] * 2 + ["remove post", "suspend account"]


def test_percent_agreement_and_kappa_on_a_hand_computed_table():
    assert decisions.percent_agreement(A, B) == pytest.approx(0.7)
    assert decisions.cohen_kappa(A, B) == pytest.approx(0.31 / 0.61)


def test_kappa_edge_cases():
    assert decisions.cohen_kappa(A, A) == pytest.approx(1.0)
    assert math.isnan(decisions.cohen_kappa(["leave up"] * 3, ["leave up"] * 3))  # undefined, no warning
    # opposite raters: p_o = 0, p_e = 0.5 -> kappa = -1
    assert decisions.cohen_kappa(["leave up", "remove post"], ["remove post", "leave up"]) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="different numbers"):
        decisions.cohen_kappa(A, B[:-1])
    with pytest.raises(ValueError, match="no items"):
        decisions.percent_agreement([], [])


@pytest.fixture(scope="module")
def cases():
    return data.load("moderation_cases")


def test_cases_cover_every_kind_three_times_and_mask_slurs(cases):
    assert len(cases) == 24 and cases["case_id"].is_unique
    assert cases["case_type"].value_counts().eq(3).all() and cases["case_type"].nunique() == 8
    assert set(cases["reference_decision"].astype(str)) == set(decisions.ACTIONS)
    assert set(cases["trainee_decision"].astype(str)) <= set(decisions.ACTIONS)
    # every bracketed token is a masked one; clauses cited exist
    tokens = cases["post"].str.findall(r"\[([a-z]+)-\d\d\]").explode().dropna()
    assert set(tokens) <= {"slur", "code", "term"}
    for rule in cases["reference_rule"]:
        for code in (part.strip() for part in rule.split(",")):
            assert code in decisions.POLICY_CLAUSES, code


def test_cases_do_not_give_the_answer_away_and_some_are_contestable(cases):
    # what a moderator sees names no clause and does not cite the moderator guide
    seen = cases[["post", "situation", "account", "target"]].astype(str).agg(" ".join, axis=1)
    for case_id, text in zip(cases["case_id"], seen):
        assert "guide" not in text.lower(), case_id
        assert not any(f"{code} " in text or text.endswith(code) for code in decisions.POLICY_CLAUSES), case_id
    # hard cases: on at least 6 the panel names another defensible decision
    assert cases["reference_reason"].str.contains("second reviewer could defensibly").sum() >= 6


def test_reference_follows_the_strike_ladder(cases):
    attacks = cases[cases["reference_rule"].str.contains("H2|H3") & ~cases["reference_rule"].str.contains("H1")]
    for _, case in attacks.iterrows():
        expected = "suspend account" if case["prior_strikes"] >= decisions.STRIKES_FOR_SUSPENSION else "remove post"
        assert case["reference_decision"] == expected, case["case_id"]
    threats = cases[cases["reference_rule"].str.contains("H1")]
    assert (threats["reference_decision"] == "suspend account").all()


def test_decisions_frame_from_a_list_or_a_mapping(cases):
    chosen = [None] * 24
    chosen[0], chosen[1] = " Remove  Post", "remove post"  # C01 agrees, C02 does not
    frame = decisions.decisions_frame(cases, chosen)
    assert list(frame["case_id"]) == ["C01", "C02"]
    assert list(frame["agrees"]) == [True, False]
    same = decisions.decisions_frame(cases, {"C02": "remove post", "C01": "remove post"})
    pd.testing.assert_frame_equal(frame, same)
    empty = decisions.decisions_frame(cases, [...] * 24)
    assert empty.empty and list(empty.columns) == list(frame.columns)
    assert math.isnan(decisions.agreement_summary(empty)["kappa"])


@pytest.mark.parametrize(
    "given, error, match",
    [
        (["leave up"] * 23, ValueError, "23 decisions for 24"),
        ({"C99": "leave up"}, ValueError, "unknown case"),
        (["delete"] + [None] * 23, ValueError, "unknown action"),
        ([3] + [None] * 23, TypeError, "as text"),
    ],
)
def test_bad_decisions_are_clear_errors(cases, given, error, match):
    with pytest.raises(error, match=match):
        decisions.decisions_frame(cases, given)


def test_trainee_agreement_kappa_and_types(cases):
    frame = decisions.decisions_frame(cases, list(cases["trainee_decision"].astype(str)))
    summary = decisions.agreement_summary(frame)
    assert summary["agreement"] == pytest.approx(13 / 24)
    # reference uses leave 12, remove 7, suspend 4, escalate 1; trainee 10, 11, 2, 1
    p_e = (12 * 10 + 7 * 11 + 4 * 2 + 1 * 1) / 24**2
    assert summary["kappa"] == pytest.approx((13 / 24 - p_e) / (1 - p_e))
    assert summary["kappa"] == pytest.approx(106 / 370)
    by_type = decisions.agreement_by_type(frame)
    assert by_type.index[0] == "counter-speech" and by_type.iloc[0]["disagreements"] == 3
    assert by_type["disagreements"].sum() == 11
    assert by_type.loc["direct attack", "agreement"] == 1.0


def test_wrong_decisions_per_day():
    assert decisions.wrong_decisions_per_day(1_100_000, 0.25) == 275_000
    with pytest.raises(ValueError, match="proportion"):
        decisions.wrong_decisions_per_day(1000, 25)
    with pytest.raises(ValueError, match=">= 0"):
        decisions.wrong_decisions_per_day(-1, 0.1)


def test_policy_text_lists_every_clause_and_action():
    text = decisions.policy_text()
    for code, clause in decisions.POLICY_CLAUSES.items():
        assert f"**{code}** {clause}" in text
    for action in decisions.ACTIONS:
        assert f"**{action}**" in text
    assert "caste" in text and "serious disease" in text


def test_the_lesson_states_the_same_policy():
    import nbformat

    lesson = nbformat.read(data.DATASETS_DIR.parent / "solutions" / "02_moderation_decisions.ipynb", as_version=4)
    assert decisions.policy_text() in "\n".join(cell.source for cell in lesson.cells if cell.cell_type == "markdown")
