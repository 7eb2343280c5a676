"""modlab.corpora: the registry, the cache, the CLI, and the errors a learner or admin meets.

The suite's corpora come from ``../shared/data`` (see conftest.py); the download path is tested
against a throwaway local HTTP server, and "offline" against a port nothing listens on.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading

import pytest

from conftest import CORPORA_SOURCE
from modlab import cli, corpora, data


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """An empty cache folder, so nothing is found locally."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(corpora.DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def offline(monkeypatch):
    """Every download goes to a loopback port nothing listens on (refused at once)."""
    monkeypatch.setattr(corpora, "RAW_URL", "http://127.0.0.1:9/{repository}/{commit}/{path}")


@pytest.fixture
def local_server(tmp_path, monkeypatch):
    """Serve a folder over HTTP and point the registry's URLs at it; yields the folder."""
    root = tmp_path / "www"
    root.mkdir()

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(corpora, "RAW_URL", f"http://127.0.0.1:{server.server_address[1]}/{{repository}}/{{commit}}/{{path}}")
    yield root
    server.shutdown()


def _serve(root, item, content: bytes) -> None:
    spec = corpora.registry()["sources"][item.source]
    target = root / spec["repository"] / spec["commit"] / spec["files"][item.name]["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def test_registry_pins_every_file_to_a_commit_and_matches_the_shared_copies():
    sums = {}
    for line in (CORPORA_SOURCE / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.removeprefix("./")] = digest
    keys = set()
    for source in corpora.sources():
        for item in corpora.source_files(source):
            keys.add(item.key)
            assert re.fullmatch(r"https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[0-9a-f]{40}/\S+", item.url), item.url
            assert sums[item.key] == item.sha256, item.key
    assert keys == {
        "davidson2017/labeled_data.csv", "davidson2017/refined_ngram_dict.csv",
        "hatecheck/test_suite_cases.csv", "hatecheck/test_suite_annotations.csv", "hatecheck/template_placeholders.csv",
        "fte_nonvoters/nonvoters_data.csv", "fte_masculinity/raw-responses.csv",
    }


def test_every_table_has_a_fetched_datasheet_in_the_catalog_and_back():
    catalog = data.catalog_entries()
    fetched = {name for name, entry in catalog.items() if entry.get("fetched")}
    assert fetched == set(corpora.tables())
    for name in fetched:
        entry = catalog[name]
        source = corpora.registry()["sources"][corpora.registry()["tables"][name]["source"]]
        assert entry["license"] == source["license"], name
        assert entry["kind"] == "real" and "file" not in entry and "sha256" not in entry, name
        for key in ("title", "description", "source", "date", "confidence", "columns"):
            assert entry.get(key), (name, key)


@pytest.mark.parametrize(
    ("table", "rows", "columns"),
    [("fte_nonvoters", 5836, 119), ("fte_masculinity", 1615, 97), ("davidson2017", 24783, 6),
     ("davidson2017_lexicon", 178, 2), ("hatecheck_cases", 3728, 12), ("hatecheck_annotations", 3728, 18)],
)
def test_tables_load_with_their_size_columns_and_citation(table, rows, columns):
    frame = corpora.load(table, unmask=True)
    assert frame.shape == (rows, columns)
    assert set(data.catalog_entries()[table]["columns"]) <= set(frame.columns)
    assert frame.attrs["kind"] == "real" and frame.attrs["fetched"] is True
    assert frame.attrs["commit"] in frame.attrs["url"] and frame.attrs["license"]


def test_published_figures_hold_in_the_loaded_data():
    # Davidson et al. 2017 (FACTS.md): about 5% of tweets labelled hate speech by majority.
    tweets = corpora.load("davidson2017", unmask=True)
    assert (tweets["class"] == 0).mean() == pytest.approx(1430 / 24783)
    assert tweets["count"].min() == 3
    # HateCheck: 29 functional tests, 5 annotators per case.
    cases = corpora.load("hatecheck_cases", unmask=True)
    assert cases["functionality"].nunique() == 29
    annotations = corpora.load("hatecheck_annotations", unmask=True)
    labels = annotations[[f"label_{i}" for i in range(1, 11)]]
    assert (labels.notna().sum(axis=1) == 5).all()


def test_data_load_hands_fetched_entries_to_corpora():
    frame = data.load("fte_nonvoters")
    assert frame.shape == (5836, 119) and frame.attrs["name"] == "fte_nonvoters"


def test_default_cache_is_per_user_and_the_variable_overrides_it(monkeypatch, tmp_path):
    monkeypatch.delenv(corpora.DATA_DIR_ENV, raising=False)
    assert corpora.data_dir().name == "modlab" and ".cache" in corpora.data_dir().parts
    monkeypatch.setenv(corpora.DATA_DIR_ENV, str(tmp_path))
    assert corpora.data_dir() == tmp_path.resolve()


def test_offline_and_not_cached_names_the_dataset_the_command_and_the_variable(empty_cache, offline):
    with pytest.raises(corpora.CorpusUnavailable) as caught:
        corpora.load("fte_masculinity")
    message = str(caught.value)
    assert "'fte_masculinity'" in message and "modlab data fetch fte_masculinity" in message
    assert "MODLAB_DATA_DIR" in message and str(empty_cache) in message
    assert not (empty_cache / "fte_masculinity" / "raw-responses.csv").exists()


def test_cli_fetch_all_offline_prints_the_message_not_a_traceback(empty_cache, offline, capsys):
    status = cli.main(["data", "fetch", "--all"])
    out, err = capsys.readouterr()
    assert status == 2
    assert "Traceback" not in out + err
    assert "could not be downloaded" in err and "modlab data fetch" in err and "MODLAB_DATA_DIR" in err


def test_cli_list_shows_each_table_license_and_status(empty_cache, capsys):
    corpora.fetch("fte_nonvoters", source_dir=CORPORA_SOURCE)
    assert cli.main(["data", "list"]) == 0
    lines = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[2:] if line.strip()}
    assert lines["fte_nonvoters"][-1] == "present" and lines["fte_masculinity"][-1] == "missing"
    assert lines["davidson2017"][2] == "MIT" and lines["hatecheck_cases"][2:5] == ["CC", "BY", "4.0"]


def test_a_damaged_cached_file_is_refused_then_replaced_by_fetch(empty_cache, offline):
    corpora.fetch("fte_nonvoters", source_dir=CORPORA_SOURCE)
    cached = empty_cache / "fte_nonvoters" / "nonvoters_data.csv"
    cached.write_bytes(cached.read_bytes().replace(b"0.7516", b"9.7516", 1))  # one weight changed
    assert corpora.status("fte_nonvoters") == "damaged"
    with pytest.raises(corpora.ChecksumMismatch, match="was not used.*modlab data fetch fte_nonvoters"):
        corpora.load("fte_nonvoters")
    corpora.fetch("fte_nonvoters", source_dir=CORPORA_SOURCE)
    assert corpora.status("fte_nonvoters") == "present"
    assert corpora.load("fte_nonvoters")["weight"].iloc[0] == pytest.approx(0.7516)


def test_a_bad_copy_in_a_mirror_folder_is_not_copied(empty_cache, tmp_path):
    mirror = tmp_path / "mirror" / "fte_masculinity"
    mirror.mkdir(parents=True)
    (mirror / "raw-responses.csv").write_text("not the survey\n")
    with pytest.raises(corpora.ChecksumMismatch, match="not copied"):
        corpora.fetch("fte_masculinity", source_dir=tmp_path / "mirror")
    assert not (empty_cache / "fte_masculinity" / "raw-responses.csv").exists()


def test_download_verifies_and_keeps_a_good_file(empty_cache, local_server):
    (item,) = corpora.files_of("fte_masculinity")
    _serve(local_server, item, (CORPORA_SOURCE / item.key).read_bytes())
    frame = corpora.load("fte_masculinity")
    assert frame.shape == (1615, 97)
    assert corpora.status("fte_masculinity") == "present"


def test_download_with_a_wrong_checksum_is_discarded(empty_cache, local_server):
    (item,) = corpora.files_of("fte_masculinity")
    _serve(local_server, item, (CORPORA_SOURCE / item.key).read_bytes() + b"tampered\n")
    with pytest.raises(corpora.ChecksumMismatch, match="discarded"):
        corpora.load("fte_masculinity")
    assert not (empty_cache / "fte_masculinity" / "raw-responses.csv").exists()


def test_unknown_names_list_the_known_ones():
    with pytest.raises(KeyError, match="hatecheck_cases"):
        corpora.load("hatecheck")  # a source, not a table
    assert cli.main(["data", "fetch", "nope"]) == 2


def test_text_tables_load_masked_by_default_and_unmask_is_an_explicit_opt_in():
    masker = corpora.masker()
    for table, column in [("davidson2017", "tweet"), ("hatecheck_cases", "test_case"), ("davidson2017_lexicon", "ngram")]:
        masked, clear = corpora.load(table), corpora.load(table, unmask=True)
        assert masked.attrs["masked"] is True and clear.attrs["masked"] is False
        changed = masked[column] != clear[column]
        assert changed.sum() > 10, table  # slurs (and handles, URLs) were replaced
        assert masked[column].str.contains(r"\[slur-\d\d\]").sum() > 10, table
        # nothing left that the masker would still change
        assert (masked[column].map(masker.mask_slurs) == masked[column]).all(), table
    tweets = corpora.load("davidson2017")
    assert not tweets["tweet"].str.contains(r"(?<![\w])@(?!USER\b)\w", regex=True).any()  # handles -> @USER only
    assert tweets["tweet"].str.contains("@USER", regex=False).sum() > 10_000
    assert not tweets["tweet"].str.contains(r"https?://\S", regex=True).any()


def test_load_returns_a_fresh_copy_each_time():
    first = corpora.load("fte_nonvoters")
    first.loc[first.index[0], "weight"] = -1.0
    assert corpora.load("fte_nonvoters")["weight"].iloc[0] == pytest.approx(0.7516)
