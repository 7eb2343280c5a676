"""Where the tests find the fetched real corpora: ``modlab.corpora.path`` (one place).

conftest.py points ``MODLAB_DATA_DIR`` at ``.test-corpora/``, filled from ``../shared/data``; a file
missing there makes the calling test fail with the corpora's own message (never skip: every test
that needs a corpus runs for real).
"""

from __future__ import annotations

from pathlib import Path

from modlab import corpora


def corpus_file(source: str, name: str) -> Path:
    """Return the verified cached path of ``<source>/<name>`` (raises CorpusUnavailable if absent)."""
    return corpora.path(f"{source}/{name}")
