"""datasets/ and its catalog agree both ways; load() returns typed frames or a clear error."""

import shutil

import pandas as pd
import pytest

from modlab import data

IGNORED = {data.CATALOG_FILE, "README.md"}


def test_catalog_covers_every_file_and_every_entry_has_a_file():
    entries = data.catalog_entries()
    files = {p.name for p in data.DATASETS_DIR.iterdir() if p.is_file() and p.name not in IGNORED}
    listed = {entry["file"] for entry in entries.values() if not entry.get("fetched")}
    assert files == listed, f"not catalogued: {sorted(files - listed)}; missing files: {sorted(listed - files)}"


@pytest.mark.parametrize("name", sorted(n for n, e in data.catalog_entries().items() if not e.get("fetched")))
def test_entry_is_complete_and_checksum_matches(name):
    entry = data.catalog_entries()[name]
    for key in ("file", "title", "description", "kind", "source", "date", "license", "confidence", "sha256", "columns"):
        assert entry.get(key), f"{name}: catalog field {key!r} is empty"
    assert entry["kind"] in data.KINDS
    assert data.sha256_of(data.DATASETS_DIR / entry["file"]) == entry["sha256"]
    for column, spec in entry["columns"].items():
        assert spec["dtype"] in data.DTYPES, (name, column)
        assert "unit" in spec and spec["description"], (name, column)
    frame = data.load(name)
    assert list(frame.columns) == list(entry["columns"])
    assert frame.attrs["source"] == entry["source"] and frame.attrs["kind"] == entry["kind"]


def test_polls_are_typed_and_hold_the_reported_figures():
    polls = data.load("polls")
    assert polls["votes"].dtype == "int64" and polls["yes_share"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(polls["opened"])
    by_id = polls.set_index("poll_id")
    assert by_id.loc["general_amnesty", "yes_share"] == 0.724
    assert by_id.loc["general_amnesty", "votes"] == 3_100_000
    assert by_id.loc["general_amnesty", "votes_confidence"] == "?"
    assert by_id.loc["former_president", "votes"] == 15_085_458
    assert by_id.loc["step_down", "votes"] == 17_502_391
    assert (polls["closed"] - polls["opened"]).dt.days.tolist() == [1, 1, 1]
    assert polls.attrs["units"]["yes_share"] == "proportion of votes (0-1)"


def test_timeline_spans_the_case_in_order():
    timeline = data.load("timeline")
    assert timeline["date"].min() == pd.Timestamp("2022-10-27")
    assert timeline["date"].max() == pd.Timestamp("2022-12-18")
    assert timeline["date"].is_monotonic_increasing
    assert set(timeline["category"]) == {"ownership", "staffing", "governance", "poll", "moderation", "research"}
    assert (timeline["category"] == "poll").sum() == 3
    assert timeline["source"].str.len().min() > 5


def test_unknown_name_suggests_the_close_one():
    with pytest.raises(data.DatasetError, match="did you mean 'polls'|Did you mean 'polls'"):
        data.load("pols")


@pytest.fixture
def copy_of_datasets(tmp_path):
    target = tmp_path / "datasets"
    shutil.copytree(data.DATASETS_DIR, target)
    data._read_catalog.cache_clear()
    yield target
    data._read_catalog.cache_clear()


def test_altered_file_is_refused(copy_of_datasets):
    path = copy_of_datasets / "polls.csv"
    path.write_text(path.read_text().replace("0.724", "0.824"))
    with pytest.raises(data.DatasetError, match="checksum"):
        data.load("polls", folder=copy_of_datasets)


def test_missing_file_is_reported(copy_of_datasets):
    (copy_of_datasets / "timeline.csv").unlink()
    with pytest.raises(data.DatasetError, match="missing"):
        data.load("timeline", folder=copy_of_datasets)


def test_wrong_columns_are_refused_even_with_a_matching_checksum(copy_of_datasets):
    path = copy_of_datasets / "polls.csv"
    path.write_text(path.read_text().replace("yes_share,", "yes,", 1))
    catalog = copy_of_datasets / data.CATALOG_FILE
    text = catalog.read_text()
    old = data.catalog_entries()["polls"]["sha256"]
    catalog.write_text(text.replace(old, data.sha256_of(path)))
    with pytest.raises(data.DatasetError, match="columns differ"):
        data.load("polls", folder=copy_of_datasets)
