"""Dataset files and catalogs that ``data.load`` mishandled (found by trying to break it).

Each case builds a one-dataset folder with a matching checksum, so only the content is wrong.
"""

from __future__ import annotations

import pytest

from modlab import data
from modlab.data import DatasetError


def _folder(tmp_path, content: bytes, columns: dict[str, str], name="x"):
    (tmp_path / "x.csv").write_bytes(content)
    specs = "\n".join(f'{column} = {{ dtype = "{dtype}", unit = "" }}' for column, dtype in columns.items())
    (tmp_path / "catalog.toml").write_text(
        f'[{name}]\nfile = "x.csv"\nsha256 = "{data.sha256_of(tmp_path / "x.csv")}"\n[{name}.columns]\n{specs}\n'
    )
    return tmp_path


def test_fraction_in_an_int_column_is_refused_not_truncated(tmp_path):
    # Before: "1.5" silently became 1.
    folder = _folder(tmp_path, b"votes,poll\n1.5,a\n", {"votes": "int", "poll": "string"})
    with pytest.raises(DatasetError, match=r"column 'votes'.*'1\.5' in row 0 \(line 2"):
        data.load("x", folder)


def test_empty_cell_in_an_int_column_names_the_column_and_row(tmp_path):
    # Before: pandas' IntCastingNaNError, naming neither.
    folder = _folder(tmp_path, b"votes,poll\n3,a\n,b\n", {"votes": "int", "poll": "string"})
    with pytest.raises(DatasetError, match=r"column 'votes'.*empty cell in row 1 \(line 3"):
        data.load("x", folder)


@pytest.mark.parametrize(
    "content, dtype",
    [(b"day\n2022-13-01\n", "date"), (b"day\nsoon\n", "float"), (b"day\nsoon\n", "int")],
)
def test_cells_not_of_their_dtype_raise_dataset_error(tmp_path, content, dtype):
    with pytest.raises(DatasetError, match=r"column 'day'"):
        data.load("x", _folder(tmp_path, content, {"day": dtype}))


def test_row_with_an_extra_field_is_refused(tmp_path):
    # Before: pandas moved the first column into the index and the error named the wrong column.
    folder = _folder(tmp_path, b"votes,poll\n1,a,extra\n", {"votes": "int", "poll": "string"})
    with pytest.raises(DatasetError, match="more fields than its header"):
        data.load("x", folder)


@pytest.mark.parametrize("content", [b"votes\n\xff\xfe1\n", b""])
def test_unreadable_file_raises_dataset_error(tmp_path, content):
    with pytest.raises(DatasetError, match="cannot be read as a UTF-8 CSV"):
        data.load("x", _folder(tmp_path, content, {"votes": "int"}))


def test_bom_and_crlf_files_load(tmp_path):
    folder = _folder(tmp_path, b"\xef\xbb\xbfvotes,poll\r\n7,a\r\n", {"votes": "int", "poll": "string"})
    frame = data.load("x", folder)
    assert list(frame.columns) == ["votes", "poll"]
    assert frame["votes"].tolist() == [7] and frame["poll"].tolist() == ["a"]


def test_broken_catalog_raises_dataset_error(tmp_path):
    (tmp_path / "catalog.toml").write_text("[x\nfile = ")
    with pytest.raises(DatasetError, match="not valid TOML"):
        data.load("x", tmp_path)


def test_catalog_entry_without_file_or_checksum_raises_dataset_error(tmp_path):
    (tmp_path / "catalog.toml").write_text("[x]\ntitle = 'no file'\n")
    with pytest.raises(DatasetError, match="has no file, sha256, columns"):
        data.load("x", tmp_path)
