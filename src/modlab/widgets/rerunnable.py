"""The shape shared by the simulation explorers: controls, a Rerun button, one figure, one summary.

A subclass builds ``self.controls`` (name -> widget, with a ``"rerun"`` button), sets ``self.seed``
and defines ``update()`` (simulate for the current controls and fill ``self.figure`` and
``self.summary``); then it calls :meth:`RerunnableExplorer._assemble`. Every control then redraws,
Rerun draws new random numbers with the next seed, and an error in either shows as an alert
(:func:`modlab.widgets.guard.shows_errors`) instead of being lost in a log.
"""

from __future__ import annotations

import ipywidgets as widgets

from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors


class RerunnableExplorer(widgets.VBox):
    """Base class of explorers that rerun a seeded simulation (see the module docstring)."""

    controls: dict[str, widgets.Widget]
    seed: int

    def update(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _assemble(self, main_control: str) -> None:
        """Wire the controls, lay out controls / figure / summary, mark the explorer, draw once.

        Parameters
        ----------
        main_control : str
            Name in ``self.controls`` of the control the explorer is about (the one a learner
            moves first; the browser suite drags it).

        Raises
        ------
        ValueError
            From :func:`mark_explorer`, if a control has no visible label.
        """
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        for name, control in self.controls.items():
            if name != "rerun":
                control.observe(self._on_change, names="value")
        self.controls["rerun"].on_click(self._on_rerun)
        # Figure right under the controls, so a slider and the plot it moves fit on one screen.
        super().__init__([*self.controls.values(), self.figure, self.summary])
        mark_explorer(self, self.controls[main_control])
        self.update()

    @shows_errors
    def _on_change(self, _change) -> None:
        self.update()

    @shows_errors
    def _on_rerun(self, _button) -> None:
        self.seed += 1
        self.update()
