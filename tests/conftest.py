"""Shared pytest fixtures. Keep this small: put fixtures here only when several test files use them.

Corpora: every test (and every notebook kernel, JupyterLab and Voila server the tests start, which
inherit the environment) reads the fetched corpora from ``$MODLAB_DATA_DIR``. Unless it is already
set, it is pointed at ``.test-corpora/`` in the repository, filled once from byte-identical copies in
``$MODLAB_CORPORA_SOURCE`` (default ``../shared/data`` beside the repository), verified by sha256.
So tests never download, never touch the user's own cache, and run the same offline as online.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The repository root (the folder holding pyproject.toml).
REPO_ROOT = Path(__file__).resolve().parents[1]


def _fill_test_corpora() -> None:
    if os.environ.get("MODLAB_DATA_DIR"):
        return
    os.environ["MODLAB_DATA_DIR"] = str(REPO_ROOT / ".test-corpora")
    from corpus_files import CORPORA_SOURCE
    from modlab import corpora

    try:
        corpora.fetch_all(source_dir=CORPORA_SOURCE)
    except corpora.CorpusError as error:
        # Not fatal here: the tests that need a corpus fail with this message; the others run.
        print(f"\nconftest: could not fill the test corpora from {CORPORA_SOURCE}: {error}\n")


_fill_test_corpora()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Absolute path of the repository root."""
    return REPO_ROOT
