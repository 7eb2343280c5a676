"""Allow ``python -m modlab ...`` (same as the ``modlab`` command)."""

from modlab.cli import main

raise SystemExit(main())
