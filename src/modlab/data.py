"""Datasets that ship with the kit, loaded as typed DataFrames.

Every file in ``datasets/`` has an entry in ``datasets/catalog.toml`` giving its
source, license, date, kind (real / derived / simulated / fictional), confidence, sha256 and
columns with dtypes and units. :func:`load` verifies the checksum and the columns
before returning anything, so a lesson never runs on silently altered data.

Example
-------
>>> from modlab import data
>>> polls = data.load("polls")
>>> polls.attrs["source"]            # the citation travels with the frame
"""

from __future__ import annotations

import difflib
import hashlib
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

#: Folder holding the shipped datasets and ``catalog.toml`` (the repository's ``datasets/``).
DATASETS_DIR = Path(__file__).resolve().parents[2] / "datasets"
CATALOG_FILE = "catalog.toml"
KINDS = ("real", "derived", "simulated", "fictional")
DTYPES = ("string", "int", "float", "bool", "date", "category")


class DatasetError(ValueError):
    """A dataset is unknown, missing, altered (checksum) or has unexpected columns."""


def sha256_of(path: str | Path) -> str:
    """Return the hex sha256 digest of a file's bytes.

    Parameters
    ----------
    path : str or Path
        File to hash.

    Returns
    -------
    str
        64 lowercase hex characters.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _read_catalog(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / CATALOG_FILE
    if not path.exists():
        raise DatasetError(
            f"no dataset catalog at {path}. modlab finds its datasets in the repository it was "
            "installed from: install it from a clone with `pip install -e .` (or `make lab`)."
        )
    with open(path, "rb") as handle:
        try:
            return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise DatasetError(f"{path} is not valid TOML ({error}); fix the catalog or restore it with git.") from None


def catalog_entries(folder: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Return the raw catalog: dataset name -> entry (file, title, source, columns, ...).

    Parameters
    ----------
    folder : str or Path, optional
        Datasets folder; defaults to :data:`DATASETS_DIR`.

    Returns
    -------
    dict of str to dict
        The parsed ``catalog.toml``: dataset name -> its entry, with column specs under ``"columns"``.

    Raises
    ------
    DatasetError
        If the folder has no ``catalog.toml``.
    """
    return _read_catalog(Path(folder) if folder else DATASETS_DIR)


def catalog(folder: str | Path | None = None) -> pd.DataFrame:
    """List the datasets: one row each with title, kind, license, source and confidence.

    Parameters
    ----------
    folder : str or Path, optional
        Datasets folder; defaults to :data:`DATASETS_DIR`.

    Returns
    -------
    pandas.DataFrame
        Indexed by dataset name; columns ``file, fetched, title, kind, date, license, source, confidence``
        (``fetched`` is True for real corpora downloaded on first use, whose ``file`` is empty).
    """
    rows = {
        name: {key: entry.get(key, "") for key in ("file", "fetched", "title", "kind", "date", "license", "source", "confidence")}
        for name, entry in catalog_entries(folder).items()
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "name"
    return frame


def info(name: str, folder: str | Path | None = None) -> dict[str, Any]:
    """Return the catalog entry of dataset ``name``.

    Parameters
    ----------
    name : str
        Dataset name, e.g. ``"polls"``.
    folder : str or Path, optional
        Datasets folder; defaults to :data:`DATASETS_DIR`.

    Returns
    -------
    dict
        The entry: ``file, title, description, kind, source, date, license,
        confidence, sha256`` and ``columns`` (column -> ``dtype, unit, description``).

    Raises
    ------
    DatasetError
        If ``name`` is not in the catalog (the message suggests close names).
    """
    entries = catalog_entries(folder)
    if name not in entries:
        close = difflib.get_close_matches(str(name), entries, n=2)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise DatasetError(f"unknown dataset {name!r}.{hint} Available: {', '.join(sorted(entries))}.")
    return entries[name]


def _typed(frame: pd.DataFrame, columns: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Apply the catalog's dtypes to ``frame`` (read with every column as text).

    Raises
    ------
    DatasetError
        For an unknown dtype, or a cell that is not a value of its column's dtype (an empty
        cell in an ``int`` column, text or a fraction such as ``1.5`` where a whole number is
        expected, a date not written YYYY-MM-DD); the message names the column and row.
    """
    out = {}
    for column, spec in columns.items():
        values = frame[column]
        dtype = spec.get("dtype")
        if dtype not in DTYPES:
            raise DatasetError(f"column {column!r}: unknown dtype {dtype!r} in the catalog (use one of {DTYPES})")
        try:
            if dtype == "int":
                numbers = pd.to_numeric(values, errors="raise")
                whole = numbers.notna() & (numbers % 1 == 0)
                if not whole.all():
                    row = values.index[~whole][0]
                    cell = "an empty cell" if pd.isna(values[row]) else repr(values[row])
                    raise ValueError(f"{cell} in row {row} (line {row + 2} of the file) where a whole number is expected")
                out[column] = numbers.astype("int64")
            elif dtype == "float":
                out[column] = pd.to_numeric(values, errors="raise").astype("float64")
            elif dtype == "bool":
                flags = values.str.strip().str.lower().map({"true": True, "false": False})
                if flags.isna().any():
                    row = values.index[flags.isna()][0]
                    raise ValueError(f"{values[row]!r} in row {row} (line {row + 2} of the file) where true or false is expected")
                out[column] = flags.astype(bool)
            elif dtype == "date":
                out[column] = pd.to_datetime(values, format="%Y-%m-%d")
            elif dtype == "category":
                out[column] = values.astype("category")
            else:
                out[column] = values.astype("string")
        except (ValueError, TypeError) as error:
            raise DatasetError(f"column {column!r} (dtype {dtype!r} in the catalog): {error}") from None
    return pd.DataFrame(out, index=frame.index)


def load(name: str, folder: str | Path | None = None) -> pd.DataFrame:
    """Load a shipped dataset as a typed DataFrame, after verifying it.

    Parameters
    ----------
    name : str
        Dataset name from the catalog, e.g. ``"polls"`` or ``"timeline"``
        (see :func:`catalog`).
    folder : str or Path, optional
        Datasets folder; defaults to :data:`DATASETS_DIR`.

    Returns
    -------
    pandas.DataFrame
        Columns in catalog order with the catalog's dtypes (``int`` -> int64,
        ``float`` -> float64, ``bool`` (``true``/``false`` in the file) -> bool, ``date`` -> datetime64, ``category``, ``string``).
        ``frame.attrs`` holds ``name, title, kind, source, license, date,
        confidence`` and ``units`` (column -> unit), so the citation travels with the data.

    Entries marked ``fetched = true`` are real corpora not kept in the repository: they are
    returned by :func:`modlab.corpora.load` (downloaded on first use, verified, text masked).

    Raises
    ------
    modlab.corpora.CorpusUnavailable
        For a fetched corpus that is not cached and cannot be downloaded.
    DatasetError
        If ``name`` is unknown, its catalog entry lacks ``file``, ``sha256`` or ``columns``,
        the file is missing, its sha256 differs from the catalog, it is not a readable
        UTF-8 CSV, its columns differ from the catalog's, or a cell does not fit its
        column's dtype.
    """
    folder_path = Path(folder) if folder else DATASETS_DIR
    entry = info(name, folder_path)
    if entry.get("fetched"):  # a real corpus kept out of the repo: fetched, verified and masked by modlab.corpora
        from modlab import corpora

        return corpora.load(name)
    lacking = [key for key in ("file", "sha256", "columns") if key not in entry]
    if lacking:
        raise DatasetError(f"dataset {name!r}: its catalog entry has no {', '.join(lacking)}.")
    path = folder_path / entry["file"]
    if not path.exists():
        raise DatasetError(f"dataset {name!r}: file {path} is missing.")
    actual = sha256_of(path)
    if actual != entry["sha256"]:
        raise DatasetError(
            f"dataset {name!r}: {path.name} does not match its catalog checksum "
            f"(expected sha256 {entry['sha256'][:12]}..., found {actual[:12]}...). "
            "The file was changed or damaged; restore it with `git checkout -- datasets/`, "
            "or, if the change is intended, update the catalog entry."
        )
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError) as error:  # not UTF-8 text, no header, ragged rows
        raise DatasetError(f"dataset {name!r}: {path.name} cannot be read as a UTF-8 CSV file ({error}).") from None
    if not isinstance(raw.index, pd.RangeIndex):
        # pandas turns the first column into the index when rows have one field more than the header
        raise DatasetError(f"dataset {name!r}: {path.name} has rows with more fields than its header.")
    expected_columns = list(entry["columns"])
    if list(raw.columns) != expected_columns:
        missing = [c for c in expected_columns if c not in raw.columns]
        extra = [c for c in raw.columns if c not in expected_columns]
        raise DatasetError(
            f"dataset {name!r}: columns differ from the catalog (missing: {missing or 'none'}; "
            f"unexpected: {extra or 'none'}; catalog order: {expected_columns})."
        )
    frame = _typed(raw, entry["columns"])
    frame.attrs.update({key: entry.get(key, "") for key in ("title", "kind", "source", "license", "date", "confidence")})
    frame.attrs["name"] = name
    frame.attrs["units"] = {column: spec.get("unit", "") for column, spec in entry["columns"].items()}
    return frame
