"""Where the tests find the fetched real corpora: ``modlab.corpora.path`` (one place).

conftest.py points ``MODLAB_DATA_DIR`` at ``.test-corpora/``, filled from ``../shared/data``; a file
missing there makes the calling test fail with the corpora's own message (never skip: every test
that needs a corpus runs for real).
"""

from __future__ import annotations

import os
from pathlib import Path

from modlab import corpora

#: The repository root (the folder holding pyproject.toml).
REPO_ROOT = Path(__file__).resolve().parents[1]



def _corpora_source() -> Path:
    """``$MODLAB_CORPORA_SOURCE``, else ``../shared/data`` beside the clone, else ``/work/shared/data``."""
    if os.environ.get("MODLAB_CORPORA_SOURCE"):
        return Path(os.environ["MODLAB_CORPORA_SOURCE"]).expanduser()
    candidates = [REPO_ROOT.parent / "shared" / "data", Path("/work/shared/data")]  # a clone elsewhere on the machine
    return next((c for c in candidates if (c / "SHA256SUMS").is_file()), candidates[0])


#: Where the test suite's corpus copies come from (laid out <source>/<file>, as the cache is).
CORPORA_SOURCE = _corpora_source()


def corpus_file(source: str, name: str) -> Path:
    """Return the verified cached path of ``<source>/<name>`` (raises CorpusUnavailable if absent)."""
    return corpora.path(f"{source}/{name}")
