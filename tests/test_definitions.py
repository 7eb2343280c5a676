"""The definitions table and the kit-written examples of lesson 05."""

import pandas as pd
import pytest

from modlab import definitions as d


def test_every_definition_has_a_rule_purpose_and_source():
    table = d.definitions_table()
    assert list(table.index) == ["platform", "incitement_us", "davidson", "dangerous"]
    assert table[["rule", "purpose", "source"]].map(len).min().min() > 20
    assert "395 U.S. 444" in table.loc["incitement_us", "source"]


def test_verdicts_are_complete_and_valid():
    verdicts = d.verdict_table()
    assert verdicts.shape == (6, 4)
    assert set(verdicts.to_numpy().ravel()) <= set(d.VERDICTS)
    assert d.covered_count().to_dict() == {"platform": 3, "incitement_us": 1, "davidson": 2, "dangerous": 2}
    # only the call to imminent violence (E3) meets the US test
    assert verdicts.index[verdicts["incitement_us"] == "yes"].tolist() == ["E3"]


def test_examples_use_no_real_group_and_only_the_stand_in_slur():
    text = " ".join(d.examples_table()["text"])
    assert "[slur]" in text and "Zemlan" in text
    assert "[slur-" not in text


def test_compare_marks_agreement_and_refuses_typos():
    result = d.compare({"E3": {"incitement_us": "yes", "davidson": "No"}})
    assert result["agree"].tolist() == [True, False]
    with pytest.raises(ValueError, match="unknown example"):
        d.compare({"E9": {"davidson": "yes"}})
    with pytest.raises(ValueError, match="verdict"):
        d.compare({"E1": {"davidson": "maybe"}})
    assert isinstance(d.verdict_table(with_reasons=True).loc["E2", "platform"], str)
    assert d.verdict_table(with_reasons=True).loc["E2", "platform"].startswith("no: ")


def test_compare_skips_placeholders_so_the_kit_answer_stays_hidden():
    # The lesson's starter dictionary holds only "?": nothing of the kit's reading is shown yet.
    starter = {"E1": dict.fromkeys(["platform", "incitement_us", "davidson", "dangerous"], "?")}
    assert d.compare(starter).empty
    # One filled cell among placeholders: exactly that one row, with the kit's verdict for E3/incitement.
    partly = {"E3": {"platform": "?", "incitement_us": "yes", "davidson": None, "dangerous": ""}}
    result = d.compare(partly)
    assert list(zip(result["definition"], result["kit"], result["agree"])) == [("incitement_us", "yes", True)]
