"""Kernel side of grading: turn a declared answer into plain data the grader can test in its own process.

:func:`install` runs inside the grading kernel *before any student code* (the sandbox launcher calls it).
It captures every function it needs (``json.dumps``, numpy's and pandas' converters) at that moment, so a
notebook that later monkeypatches ``json``, ``np`` or ``pd`` or shadows builtins does not change what is
exported, and puts the exporter into :mod:`builtins` under a name chosen per run (``%reset`` and name
shadowing in the notebook's namespace leave it alone).

The engine calls the exporter through the ``user_expressions`` of an execute request, not from cell code:
IPython evaluates those after the cell without input transformers, AST transformers or output hooks, and
their result travels in the execute *reply*, so nothing a notebook prints can pose as an export record.
(Kernel protocol: https://jupyter-client.readthedocs.io/en/stable/messaging.html#execute.)
"""

from __future__ import annotations

from typing import Any

#: MIME type of an export record in the ``user_expressions`` reply.
MIME = "application/vnd.modlab.grading-export+json"
#: Largest answer exported, in JSON characters; bigger answers are "not plain data".
MAX_JSON_CHARS = 1_000_000
#: Largest integer exported, in decimal digits (the grader refuses longer ones in a record too).
MAX_INT_DIGITS = 1000
_MAX_DEPTH = 20


class NotPlain(Exception):
    """The value is not made of numbers, strings, bools, None, lists and dicts of these."""


def install(shell: Any, export_name: str) -> None:
    """Put the exporter into :mod:`builtins` as ``export_name`` (called by the sandbox before any cell runs).

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell
        The kernel's shell; its ``user_ns`` is where answers are looked up.
    export_name : str
        Name to install under; the engine picks a fresh random one per run.
    """
    import builtins
    import json

    import numpy as np
    import pandas as pd

    user_ns = shell.user_ns
    dumps = json.dumps
    isinstance_, type_, len_ = builtins.isinstance, builtins.type, builtins.len
    # Unbound C methods of the base types: a subclass overriding __float__/__iter__/tolist cannot lie.
    float_value, int_value, str_value = float.__float__, int.__int__, str.__str__
    list_iter, tuple_iter, dict_items = list.__iter__, tuple.__iter__, dict.items
    generic_item, ndarray_tolist = np.generic.item, np.ndarray.tolist
    series_values, index_values = pd.Series.to_numpy, pd.Index.to_numpy
    numpy_generic, numpy_array, series, index = np.generic, np.ndarray, pd.Series, pd.Index
    set_types = (set, frozenset)
    # Compared by size, not converted: str() of a huge int is slow, and the grader could not read it back.
    int_bits = int.bit_length
    max_int = 10**MAX_INT_DIGITS

    def plain(value: Any, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise NotPlain("nested too deeply")
        kind = type_(value)
        if value is None or kind is bool:
            return value
        if isinstance_(value, bool):  # never happens (bool cannot be subclassed), kept for clarity
            return bool(value)
        if isinstance_(value, int):
            number = int_value(value)
            if int_bits(number) >= 3322 and (number >= max_int or -number >= max_int):  # 2**3321 < 10**1000
                raise NotPlain(f"an integer with more than {MAX_INT_DIGITS} digits")
            return number
        if isinstance_(value, float):
            return float_value(value)
        if isinstance_(value, str):
            return str_value(value)
        if isinstance_(value, numpy_generic):
            item = generic_item(value)
            if type_(item) in (bool, int, float, str):
                return item
            raise NotPlain(kind.__name__)
        if isinstance_(value, numpy_array):
            return plain(ndarray_tolist(value), depth + 1)
        if isinstance_(value, series):
            return plain(ndarray_tolist(series_values(value)), depth + 1)
        if isinstance_(value, index):
            return plain(ndarray_tolist(index_values(value)), depth + 1)
        if isinstance_(value, list):
            return [plain(item, depth + 1) for item in list_iter(value)]
        if isinstance_(value, tuple):
            return [plain(item, depth + 1) for item in tuple_iter(value)]
        if isinstance_(value, set_types):
            return [plain(item, depth + 1) for item in value]
        if isinstance_(value, dict):
            out = {}
            for key, item in dict_items(value):
                if not isinstance_(key, str):
                    raise NotPlain(f"dict with {type_(key).__name__} keys")
                out[str_value(key)] = plain(item, depth + 1)
            return out
        raise NotPlain(kind.__name__)

    class Record:
        """What the shell formats into the reply: only our MIME type and a short text."""

        def __init__(self, record: dict) -> None:
            self.record = record

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
            return {MIME: self.record, "text/plain": "modlab export record"}

    def export(name: str) -> Record:
        if name not in user_ns:
            return Record({"kind": "missing"})
        value = user_ns[name]
        if value is Ellipsis:
            return Record({"kind": "ellipsis"})
        try:
            text = dumps(plain(value, 0))
        except (NotPlain, RecursionError, ValueError, TypeError) as err:
            return Record({"kind": "not_plain", "type": type_(value).__name__, "why": str(err)[:200]})
        if len_(text) > MAX_JSON_CHARS:
            return Record({"kind": "not_plain", "type": type_(value).__name__, "why": "too large"})
        return Record({"kind": "value", "json": text, "type": type_(value).__name__})

    setattr(builtins, export_name, export)
