"""Where the tests find the fetched real corpora (until modlab.corpora lands, then use corpora.path).

One place only: ``$MODLAB_DATA_DIR/<source>/<file>`` when MODLAB_DATA_DIR is set, else the shared
development copy ``/work/shared/data/<source>/<file>``. Tests that need a file skip when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path("/work/shared/data")


def corpus_file(source: str, name: str) -> Path:
    """Return the path of a fetched corpus file, or skip the calling test when it is not there."""
    root = Path(os.environ["MODLAB_DATA_DIR"]) if os.environ.get("MODLAB_DATA_DIR") else SHARED_DATA
    path = root / source / name
    if not path.is_file():
        pytest.skip(f"{source}/{name} is not fetched (run `modlab data fetch {source}` or set MODLAB_DATA_DIR)")
    return path
