"""Every explorer in modlab.widgets, found by name (``explore_*``), for tests that cover them all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ipywidgets as widgets

import modlab.widgets
from modlab.widgets.accessibility import MAIN_CONTROL_CLASS, controls_of


def explorer_factories() -> list[tuple[str, object]]:
    """``(module.function, function)`` for every ``explore_*`` function defined in ``modlab.widgets``."""
    found = []
    for module_info in pkgutil.iter_modules(modlab.widgets.__path__):
        module = importlib.import_module(f"modlab.widgets.{module_info.name}")
        found += [
            (f"{module_info.name}.{name}", function)
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("explore_") and function.__module__ == module.__name__
        ]
    return found


def main_control(explorer) -> widgets.Widget:
    """The control :func:`modlab.widgets.accessibility.mark_explorer` marked as the explorer's main one."""
    (control,) = [c for c in controls_of(explorer) if MAIN_CONTROL_CLASS in c._dom_classes]
    return control


def operate(control: widgets.Widget) -> None:
    """Change a control as a learner would (another value or option, or a click), headless."""
    if isinstance(control, widgets.Button):
        control.click()
    elif hasattr(control, "index") and hasattr(control, "options"):
        options = len(control.options)
        if isinstance(control.index, tuple):  # a range: move its lower end
            low, high = control.index
            control.index = (low + 1, high) if low + 1 < high else (low - 1, high)
        elif isinstance(control.index, int):
            control.index = (control.index + 1) % options
        else:  # SelectMultiple: index is a tuple of chosen positions
            control.index = (0,)
    else:
        control.value = control.max if control.value != control.max else control.min
