"""modlab: a Jupyter teaching kit on platform governance, the 2022 Twitter
"amnesty" poll, and hate-speech measurement.

The notebooks in ``lessons/`` import small, tested pieces from here:

- :mod:`modlab.data`       datasets shipped in ``datasets/`` with their catalog
- :mod:`modlab.polls`      pure functions for survey error (margin of error, Meng's identity)
- :mod:`modlab.widgets`    explorers: thin ipywidgets front ends over the pure functions
- :mod:`modlab.exercises`  per-lesson self-check questions (``q.check(...)``, ``q.hint()``)
- :mod:`modlab.release`    writes learner notebooks from the solution notebooks

Submodules are imported lazily so ``import modlab`` stays fast.
"""

__version__ = "0.1.0"
