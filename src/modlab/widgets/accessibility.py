"""Labels on every control, and the marks the browser tests look for.

WCAG 2.2 success criterion 3.3.2 (Labels or Instructions) asks that every input
has a visible label; for an ipywidgets control that is its ``description`` (for a
button, the text on it). :func:`unlabelled_controls` lists the controls of an
explorer that lack one; the unit tests and the browser suite fail on any.

:func:`mark_explorer` puts two CSS classes on an explorer, so a browser test can
find every explorer on a page (``modlab-explorer``) and the control a learner
would try first (``modlab-main-control``).
"""

from __future__ import annotations

import re

import ipywidgets as widgets

#: CSS class of an explorer's outer box.
EXPLORER_CLASS = "modlab-explorer"
#: CSS class of the control the browser tests operate.
MAIN_CONTROL_CLASS = "modlab-main-control"

# Characters that show nothing: a label made only of these is no label.
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]")

# Widgets that show things but take no input; they need no label.
_DISPLAY_ONLY = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Image, widgets.Output, widgets.Valid)


def controls_of(root: widgets.Widget) -> list[widgets.Widget]:
    """Return every input control inside ``root`` (depth first, ``root`` included).

    Parameters
    ----------
    root : ipywidgets.Widget
        An explorer or any widget; boxes are searched through their ``children``.

    Returns
    -------
    list of ipywidgets.Widget
        Widgets a learner can operate: buttons and value widgets that are not display-only.
    """
    found = []
    stack = [root]
    while stack:
        widget = stack.pop(0)
        if isinstance(widget, widgets.Box):
            stack[0:0] = list(widget.children)
        elif isinstance(widget, widgets.Button) or (
            isinstance(widget, widgets.ValueWidget) and not isinstance(widget, _DISPLAY_ONLY)
        ):
            found.append(widget)
    return found


def unlabelled_controls(root: widgets.Widget) -> list[str]:
    """Name the controls inside ``root`` that have no visible label.

    Parameters
    ----------
    root : ipywidgets.Widget
        An explorer or any widget.

    Returns
    -------
    list of str
        One entry per control whose ``description`` is empty or only blank or zero-width characters, as
        ``"<class> #<position>"`` (position among the controls, from 0). Empty when
        every control is labelled.
    """
    return [
        f"{type(control).__name__} #{position}"
        for position, control in enumerate(controls_of(root))
        if not _BLANK.sub("", str(getattr(control, "description", "") or ""))
    ]


def mark_explorer(explorer: widgets.Box, main_control: widgets.Widget) -> None:
    """Add the CSS classes the browser tests use to find an explorer and its main control.

    Parameters
    ----------
    explorer : ipywidgets.Box
        The explorer's outer box.
    main_control : ipywidgets.Widget
        The control a learner would move first; it must be inside ``explorer``.

    Raises
    ------
    ValueError
        If ``main_control`` is not one of the explorer's controls, or a control is unlabelled.
    """
    if not any(control is main_control for control in controls_of(explorer)):
        raise ValueError("main_control is not a control inside the explorer")
    missing = unlabelled_controls(explorer)
    if missing:
        raise ValueError(f"unlabelled control(s) in the explorer: {', '.join(missing)}")
    explorer.add_class(EXPLORER_CLASS)
    main_control.add_class(MAIN_CONTROL_CLASS)
