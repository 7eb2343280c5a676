"""Explorer callbacks that never fail silently: an error becomes a message the learner can read.

An exception raised in an ipywidgets callback does not reach the notebook: the control
moves, nothing redraws, and the traceback goes to a log the learner never opens. The
kit's rule is that learner-facing code never crashes with a traceback but says, kindly,
what happened. :func:`shows_errors` wraps an explorer's control callbacks so that an
exception replaces the explorer's summary with a short alert (``role="alert"``, class
:data:`ERROR_CLASS`); the browser suite fails on that text.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

#: CSS class of the error message; the browser suite looks for it.
ERROR_CLASS = "modlab-error"
#: First words of the message (the browser suite also looks for this text).
ERROR_TEXT = "This explorer hit an error"


def error_html(error: BaseException) -> str:
    """Return the alert shown in place of the summary after ``error``.

    Parameters
    ----------
    error : BaseException
        The exception a callback raised.

    Returns
    -------
    str
        HTML naming the error type and message (escaped) and what to do next.
    """
    return (
        f"<p role='alert' class='{ERROR_CLASS}'><strong>{ERROR_TEXT}</strong> "
        f"({html.escape(type(error).__name__)}: {html.escape(str(error))}). Move the control back, or run the "
        "cell again; if it happens again, tell your instructor what you set.</p>"
    )


def shows_errors(callback: Callable) -> Callable:
    """Decorate an explorer method used as a control callback (``observe`` or ``on_click``).

    Parameters
    ----------
    callback : callable
        A method ``callback(self, *args)`` of an explorer that has a ``summary`` HTML widget.

    Returns
    -------
    callable
        The method, which on any ``Exception`` sets ``self.summary.value`` to
        :func:`error_html` and returns None instead of raising.
    """

    @functools.wraps(callback)
    def guarded(self, *args, **kwargs):
        try:
            return callback(self, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - shown to the learner instead of lost in a log
            self.summary.value = error_html(error)
            return None

    return guarded
