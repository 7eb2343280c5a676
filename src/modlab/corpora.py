"""Real public corpora, fetched on first use and verified, never committed.

Like ``seaborn.load_dataset``, the kit downloads each corpus from its original public
repository at a pinned commit (the registry ``corpora.toml`` beside this module gives the
URL, sha256, license and citation of every file) and keeps it in a cache folder. Downloads
and checksums are pooch's (https://www.fatiando.org/pooch); what is ours is the registry, the
messages and the masking of text (:mod:`modlab.masking`).

Cache folder: ``$MODLAB_DATA_DIR`` when set (a JupyterHub admin fills one shared folder once
with ``modlab data fetch --all``), else the per-user cache (``~/.cache/modlab`` on Linux).
Inside it every source has a folder of its own: ``<cache>/davidson2017/labeled_data.csv``.

Example
-------
>>> from modlab import corpora
>>> tweets = corpora.load("davidson2017")          # slurs, handles and URLs masked
>>> tweets.attrs["license"], tweets.attrs["citation"][:24]
('MIT', 'Davidson, T., Warmsley, ')
"""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from modlab.data import sha256_of

#: Environment variable naming the cache folder.
DATA_DIR_ENV = "MODLAB_DATA_DIR"
REGISTRY_FILE = Path(__file__).with_name("corpora.toml")
RAW_URL = "https://raw.githubusercontent.com/{repository}/{commit}/{path}"
#: Sources whose files the masker reads: masked text needs both (the slur list comes from each).
MASKING_SOURCES = ("hatecheck", "davidson2017")


class CorpusError(RuntimeError):
    """Base class of the errors below."""


class CorpusUnavailable(CorpusError):
    """A corpus is not in the cache and cannot be downloaded (offline, or the server refused)."""


class ChecksumMismatch(CorpusError):
    """A cached or downloaded file differs from the sha256 in the registry; it is not used."""


@dataclass(frozen=True)
class CorpusFile:
    """One registered file: ``key`` is ``"<source>/<file>"``, its place in the cache."""

    source: str
    name: str
    url: str
    sha256: str

    @property
    def key(self) -> str:
        return f"{self.source}/{self.name}"


@lru_cache(maxsize=1)
def registry() -> dict[str, Any]:
    """Return the parsed registry (``corpora.toml``): ``{"sources": {...}, "tables": {...}}``.

    Returns
    -------
    dict
        ``sources``: name -> title, repository, commit, license, citation, files (file -> path, sha256);
        ``tables``: name -> source, file, read options and ``masked_columns``.
    """
    with open(REGISTRY_FILE, "rb") as handle:
        return tomllib.load(handle)


def sources() -> list[str]:
    """Names of the download units, e.g. ``["davidson2017", "hatecheck", ...]``."""
    return list(registry()["sources"])


def tables() -> list[str]:
    """Names a lesson can :func:`load`, e.g. ``["davidson2017", "davidson2017_lexicon", ...]``."""
    return list(registry()["tables"])


def data_dir() -> Path:
    """Return the cache folder: ``$MODLAB_DATA_DIR`` if set, else the per-user cache.

    Returns
    -------
    Path
        The folder (it may not exist yet; fetching creates it).
    """
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    import pooch

    return Path(pooch.os_cache("modlab"))


def files_of(name: str) -> list[CorpusFile]:
    """Return the registered files of a source, or of the source behind a table.

    Parameters
    ----------
    name : str
        A source (``"hatecheck"``) or a table (``"hatecheck_cases"``) name.

    Returns
    -------
    list of CorpusFile
        For a source, all its files; for a table, its one file.

    Raises
    ------
    KeyError
        If ``name`` is neither; the message lists the known names.
    """
    reg = registry()
    if name in reg["tables"]:  # a table may share its source's name (davidson2017): the table wins
        table = reg["tables"][name]
        return [f for f in source_files(table["source"]) if f.name == table["file"]]
    if name not in reg["sources"]:
        known = ", ".join(sorted(set(reg["sources"]) | set(reg["tables"])))
        raise KeyError(f"unknown corpus {name!r}; known: {known}")
    return source_files(name)


def source_files(name: str) -> list[CorpusFile]:
    """Return every registered file of source ``name`` (KeyError if it is not a source)."""
    source = registry()["sources"][name]
    return [
        CorpusFile(name, fname, RAW_URL.format(repository=source["repository"], commit=source["commit"], path=spec["path"]), spec["sha256"])
        for fname, spec in source["files"].items()
    ]


def _file(key: str) -> CorpusFile:
    source, _, fname = key.partition("/")
    if source not in registry()["sources"]:
        raise KeyError(f"{key!r} is not a registered file: {source!r} is not a source ({', '.join(sources())})")
    for candidate in source_files(source):
        if candidate.name == fname:
            return candidate
    raise KeyError(f"{key!r} is not a registered file; files of {source!r}: {[f.name for f in source_files(source)]}")


def status(name: str) -> str:
    """Say whether a source's (or table's) files are in the cache.

    Parameters
    ----------
    name : str
        Source or table name.

    Returns
    -------
    str
        ``"present"`` (every file there, checksums match), ``"missing"`` (some file absent) or
        ``"damaged"`` (some file's sha256 differs from the registry).
    """
    states = set()
    for item in files_of(name):
        local = data_dir() / item.key
        states.add("missing" if not local.exists() else "present" if sha256_of(local) == item.sha256 else "damaged")
    return "damaged" if "damaged" in states else "missing" if "missing" in states else "present"


def _damaged(item: CorpusFile, local: Path) -> ChecksumMismatch:
    return ChecksumMismatch(
        f"{local} does not match the sha256 registered for {item.key} "
        f"(expected {item.sha256[:12]}..., found {sha256_of(local)[:12]}...), so it was not used. "
        f"Run `modlab data fetch {item.source}` to replace it with a verified copy."
    )


def _unavailable(item: CorpusFile, reason: str) -> CorpusUnavailable:
    return CorpusUnavailable(
        f"the corpus {item.source!r} is not in the cache ({data_dir()}) and could not be downloaded: {reason}.\n"
        f"  When online, run:   modlab data fetch {item.source}\n"
        f"  Or point {DATA_DIR_ENV} at a folder that already holds it (for example one your JupyterHub admin filled)."
    )


def path(key: str) -> Path:
    """Return the verified cached copy of one registered file, downloading it if absent.

    Parameters
    ----------
    key : str
        ``"<source>/<file>"``, e.g. ``"fte_nonvoters/nonvoters_data.csv"``.

    Returns
    -------
    Path
        The file in the cache folder; its sha256 matches the registry.

    Raises
    ------
    ChecksumMismatch
        If the cached file differs from the registry (it is left in place, unused; ``modlab data
        fetch`` replaces it), or a download does.
    CorpusUnavailable
        If the file is absent and cannot be downloaded.
    """
    item = _file(key)
    local = data_dir() / item.key
    if local.exists():
        if sha256_of(local) != item.sha256:
            raise _damaged(item, local)
        return local
    return _download(item)


def _download(item: CorpusFile, progressbar: bool = False) -> Path:
    import pooch
    import requests

    fetcher = pooch.create(
        path=data_dir(), base_url="", registry={item.key: f"sha256:{item.sha256}"}, urls={item.key: item.url}
    )
    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=60)
    try:
        return Path(fetcher.fetch(item.key, downloader=downloader))
    except requests.exceptions.RequestException as error:
        reason = str(error)
        if isinstance(error, requests.exceptions.ConnectionError):
            reason = f"no connection to {item.url.split('/')[2]} ({type(error).__name__})"
        raise _unavailable(item, reason) from None
    except ValueError as error:  # pooch: the downloaded file's hash differs; it was not kept
        if "hash" not in str(error).lower():
            raise
        raise ChecksumMismatch(f"the download of {item.key} from {item.url} does not match its registered sha256; it was discarded. {error}") from None


def fetch(name: str, *, source_dir: str | Path | None = None, progressbar: bool = False) -> list[Path]:
    """Fill the cache with a source's files (or a table's source), verified by sha256.

    Files already present and verified are kept; damaged ones are replaced.

    Parameters
    ----------
    name : str
        Source or table name (a table fetches its whole source).
    source_dir : str or Path, optional
        Copy from this folder (laid out like the cache: ``<source>/<file>``) instead of
        downloading: an offline mirror, or the test suite's copies in ``../shared/data``.
    progressbar : bool
        Show a download progress bar (tqdm) on stderr.

    Returns
    -------
    list of Path
        The cached files.

    Raises
    ------
    CorpusUnavailable
        If a file is neither cached nor obtainable (offline; absent from ``source_dir``).
    ChecksumMismatch
        If a downloaded or copied file differs from the registry (it is not kept).
    """
    if name in registry()["tables"]:
        name = registry()["tables"][name]["source"]
    done = []
    for item in source_files(name):
        local = data_dir() / item.key
        if local.exists() and sha256_of(local) == item.sha256:
            done.append(local)
        elif source_dir is not None:
            done.append(_copy(item, Path(source_dir) / item.key, local))
        else:
            if local.exists():
                local.unlink()  # damaged: pooch would re-download anyway; never leave it to be used
            done.append(_download(item, progressbar))
    return done


def _copy(item: CorpusFile, origin: Path, local: Path) -> Path:
    if not origin.exists():
        raise _unavailable(item, f"{origin} does not exist")
    if sha256_of(origin) != item.sha256:
        raise ChecksumMismatch(f"{origin} does not match the sha256 registered for {item.key}; it was not copied.")
    local.parent.mkdir(parents=True, exist_ok=True)
    partial = local.with_name(local.name + ".part")
    shutil.copyfile(origin, partial)
    partial.replace(local)  # atomic: a reader never sees half a file
    return local


def fetch_all(*, source_dir: str | Path | None = None, progressbar: bool = False) -> list[Path]:
    """Fetch every registered source; see :func:`fetch` for parameters, return and errors."""
    return [p for name in sources() for p in fetch(name, source_dir=source_dir, progressbar=progressbar)]


@lru_cache(maxsize=4)
def _masker(cache: Path):
    from modlab import masking

    return masking.build_masker(
        path("hatecheck/template_placeholders.csv"),
        path("davidson2017/refined_ngram_dict.csv"),
        path("davidson2017/labeled_data.csv"),
        path("hatecheck/test_suite_cases.csv"),
    )


def masker():
    """Return the :class:`modlab.masking.Masker` built from the cached corpora (built once per cache folder).

    Raises
    ------
    CorpusUnavailable, ChecksumMismatch
        If the HateCheck or Davidson files it reads are unavailable (see :func:`path`).
    """
    return _masker(data_dir())


def load(name: str, *, unmask: bool = False) -> pd.DataFrame:
    """Load a fetched corpus table, its text masked unless ``unmask=True``.

    Parameters
    ----------
    name : str
        A table of the registry: ``davidson2017`` (24,783 labelled tweets), ``davidson2017_lexicon``
        (178 n-grams with the probability a tweet containing it was labelled hate),
        ``hatecheck_cases`` (3,728 functional test cases), ``hatecheck_annotations`` (the same cases
        with the 10 annotators' labels), ``fte_nonvoters`` (5,836 respondents) or ``fte_masculinity``
        (1,615 respondents).
    unmask : bool, default False
        Masking replaces user handles and URLs by placeholders and every slur by a stable token
        such as ``[slur-07]`` (see :mod:`modlab.masking`). ``unmask=True`` returns the text as
        published, slurs included: an explicit opt-in, for research use, never for display in class.

    Returns
    -------
    pandas.DataFrame
        The published CSV read with pandas' defaults (its unnamed index column, if any, as the
        index). ``attrs``: ``name, title, source, citation, license, repository, commit, url,
        kind="real", fetched=True, masked`` (bool).

    Raises
    ------
    KeyError
        For an unknown table name.
    CorpusUnavailable, ChecksumMismatch
        See :func:`path`. Masked text also needs the ``hatecheck`` and ``davidson2017`` sources.
    """
    if name not in registry()["tables"]:
        raise KeyError(f"unknown corpus table {name!r}; tables: {', '.join(tables())}")
    return _load(name, unmask, data_dir()).copy()  # a copy: a lesson may change its frame freely


@lru_cache(maxsize=16)
def _load(name: str, unmask: bool, cache: Path) -> pd.DataFrame:
    # Masking Davidson's tweets takes ~1.5 s: do it once per kernel. The checksum is verified
    # on the first load; a file damaged afterwards in the same kernel goes unnoticed until restart.
    reg = registry()
    table = reg["tables"][name]
    source = reg["sources"][table["source"]]
    (item,) = files_of(name)
    frame = pd.read_csv(path(item.key), index_col=table.get("index_col"))
    masked_columns = [] if unmask else table.get("masked_columns", [])
    if masked_columns:
        text_masker = masker()
        for column in masked_columns:
            frame[column] = text_masker.mask_series(frame[column])
    frame.attrs.update(
        name=name,
        title=source["title"],
        source=source["citation"],
        citation=source["citation"],
        license=source["license"],
        repository=source["repository"],
        commit=source["commit"],
        url=item.url,
        kind="real",
        fetched=True,
        masked=bool(masked_columns),
    )
    return frame
