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

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback: a learner sees the message alone.
        return [f"{type(self).__name__}: {self}"]


class CorpusUnavailable(CorpusError):
    """A corpus is not in the cache and cannot be downloaded (offline, or the server refused)."""


class ChecksumMismatch(CorpusError):
    """A cached or downloaded file differs from the sha256 in the registry; it is not used."""


class CacheFolderError(CorpusError):
    """The cache folder cannot be used: not writable, not a folder, or a file in it cannot be read."""


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


def _state(local: Path, item: CorpusFile) -> str:
    """``present``, ``missing``, ``damaged`` (wrong bytes, or not a file) or ``unreadable``."""
    try:
        if not local.exists():
            return "missing"
        if not local.is_file():
            return "damaged"
        return "present" if sha256_of(local) == item.sha256 else "damaged"
    except PermissionError:
        return "unreadable"
    except OSError:  # e.g. MODLAB_DATA_DIR names a file: nothing can be inside it
        return "missing"


def status(name: str) -> str:
    """Say whether a source's (or table's) files are in the cache.

    Parameters
    ----------
    name : str
        Source or table name.

    Returns
    -------
    str
        ``"present"`` (every file there, checksums match), ``"missing"`` (some file absent),
        ``"damaged"`` (some file's sha256 differs from the registry, or a folder stands in its
        place) or ``"unreadable"`` (no permission to read some file).
    """
    states = {_state(data_dir() / item.key, item) for item in files_of(name)}
    for worst in ("unreadable", "damaged", "missing"):
        if worst in states:
            return worst
    return "present"


def _folder_error(item: CorpusFile, error: OSError) -> CacheFolderError:
    return CacheFolderError(
        f"the cache folder {data_dir()} cannot be used for {item.key}: {error.strerror or error} "
        f"({type(error).__name__}).\n"
        f"  If it is a shared folder your admin fills, ask them to run:   modlab data fetch {item.source}\n"
        f"  and to make it readable by everyone; otherwise point {DATA_DIR_ENV} at a folder you can write to."
    )


def _damaged(item: CorpusFile, local: Path) -> ChecksumMismatch:
    found = f"found {sha256_of(local)[:12]}..." if local.is_file() else "found a folder, not a file"
    return ChecksumMismatch(
        f"{local} does not match the sha256 registered for {item.key} "
        f"(expected {item.sha256[:12]}..., {found}), so it was not used.\n"
        f"  Run `modlab data fetch {item.source}` to replace it with a verified copy."
    )


def _unavailable(item: CorpusFile, reason: str) -> CorpusUnavailable:
    return CorpusUnavailable(
        f"the corpus {item.source!r} is not in the cache ({data_dir()}) and could not be downloaded: {reason}.\n"
        f"  When online, run:   modlab data fetch {item.source}\n"
        f"  Offline, copy it from a folder that holds it:   modlab data fetch {item.source} --from DIR\n"
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
    CacheFolderError
        If the cache folder cannot be read or written (a read-only shared folder missing this
        file, a path that is a file, no permission).
    """
    item = _file(key)
    local = data_dir() / item.key
    state = _state(local, item)
    if state == "present":
        return local
    if state == "damaged":
        raise _damaged(item, local)
    if state == "unreadable":
        raise _folder_error(item, PermissionError(13, "permission denied reading the file"))
    return _download(item)


def _download(item: CorpusFile, progressbar: bool = False) -> Path:
    import pooch
    import requests

    pooch.get_logger().setLevel("WARNING")  # our messages say what happens; pooch's add a URL line
    fetcher = pooch.create(
        path=data_dir(), base_url="", registry={item.key: f"sha256:{item.sha256}"}, urls={item.key: item.url}
    )
    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=60)
    try:
        local = Path(fetcher.fetch(item.key, downloader=downloader))
    except requests.exceptions.RequestException as error:
        reason = str(error)
        if isinstance(error, requests.exceptions.ConnectionError):
            reason = f"no connection to {item.url.split('/')[2]} ({type(error).__name__})"
        raise _unavailable(item, reason) from None
    except ValueError as error:  # pooch: the downloaded file's hash differs; it was not kept
        if "hash" not in str(error).lower():
            raise
        raise ChecksumMismatch(f"the download of {item.key} from {item.url} does not match its registered sha256; it was discarded. {error}") from None
    except OSError as error:  # pooch cannot create or write the folder
        raise _folder_error(item, error) from None
    _share(local)
    return local


def _share(local: Path) -> None:
    """Make a fetched file and its folder readable by everyone (an admin's umask may be 077)."""
    try:
        local.chmod(local.stat().st_mode | 0o444)
        local.parent.chmod(local.parent.stat().st_mode | 0o555)
    except OSError:
        pass  # not ours to change (someone else's folder): reading still works for us


def _source_of(name: str) -> str:
    reg = registry()
    if name in reg["tables"]:
        return reg["tables"][name]["source"]
    if name in reg["sources"]:
        return name
    import difflib

    known = sorted(set(reg["sources"]) | set(reg["tables"]))
    close = difflib.get_close_matches(name, known, n=2, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise KeyError(f"unknown corpus {name!r}.{hint} Known: {', '.join(known)} (see `modlab data list`).")


def fetch(name: str, *, source_dir: str | Path | None = None, progressbar: bool = False) -> list[Path]:
    """Fill the cache with a source's files (or a table's source), verified by sha256.

    Files already present and verified are kept; a damaged one stays in place (unused) until a
    verified copy replaces it.

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
        The cached files, readable by everyone (so a shared folder works whatever the admin's umask).

    Raises
    ------
    KeyError
        For an unknown name (the message suggests close ones).
    CorpusUnavailable
        If a file is neither cached nor obtainable (offline; absent from ``source_dir``).
    ChecksumMismatch
        If a downloaded or copied file differs from the registry (it is not kept).
    CacheFolderError
        If the cache folder cannot be written.
    """
    done = []
    for item in source_files(_source_of(name)):
        local = data_dir() / item.key
        state = _state(local, item)
        if state == "present":
            done.append(local)
        elif state == "damaged" and not local.is_file():
            raise _damaged(item, local)  # a folder in its place: not ours to delete
        elif source_dir is not None:
            done.append(_copy(item, Path(source_dir).expanduser() / item.key, local))
        else:
            done.append(_download(item, progressbar))
    return done


def _copy(item: CorpusFile, origin: Path, local: Path) -> Path:
    import tempfile

    if not origin.is_file():
        raise _unavailable(item, f"{origin} does not exist")
    if sha256_of(origin) != item.sha256:
        raise ChecksumMismatch(f"{origin} does not match the sha256 registered for {item.key}; it was not copied.")
    try:
        local.parent.mkdir(parents=True, exist_ok=True)
        # A unique partial file, then an atomic rename: concurrent fetches never see half a file.
        handle, partial = tempfile.mkstemp(dir=local.parent, prefix=f".{local.name}.", suffix=".part")
        os.close(handle)
        try:
            shutil.copyfile(origin, partial)
            os.replace(partial, local)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    except OSError as error:
        raise _folder_error(item, error) from None
    _share(local)
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
    CorpusUnavailable, ChecksumMismatch, CacheFolderError
        If the HateCheck or Davidson files it reads are unavailable (see :func:`path`); the
        message says that masked text needs both sources.
    """
    try:
        return _masker(data_dir())
    except CorpusError as error:
        raise type(error)(
            f"masked text needs the {' and '.join(MASKING_SOURCES)} sources (the list of slurs comes from both), "
            f"and one is not usable: {error}"
        ) from None


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
