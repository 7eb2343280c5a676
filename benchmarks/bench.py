"""modlab benchmarks: notebooks, explorer widgets, import time and grading (``make bench``).

Prints four tables and writes the same numbers to ``benchmarks/results/latest.json``
(git-ignored). See ``benchmarks/README.md`` for what each number means.

Usage::

    .venv/bin/python benchmarks/bench.py [--updates 30] [--repeats 5] [--skip-notebooks]
        [--grading-n 10] [--grading-jobs 1,2] [--skip-grading]

Not a test: nothing here fails on a slow number; read the tables (and compare
with an earlier ``latest.json``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import inspect
import json
import math
import os
import pkgutil
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# Explorers draw with matplotlib; never try a GUI backend.
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
NOTEBOOK_DIRS = ("solutions", "lessons")
CELL_TIMEOUT_S = 120


# --------------------------------------------------------------------------- helpers
def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, linear interpolation between ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table; floats get one or two decimals."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            if math.isnan(value):
                return "-"
            return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
        return str(value)

    text_rows = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text_rows)) if text_rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)), "  ".join("-" * w for w in widths)]
    for row in text_rows:
        lines.append("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))))
    return "\n".join(lines)


# --------------------------------------------------------------------------- notebooks
def bench_notebooks() -> list[dict[str, Any]]:
    """Execute every notebook in solutions/ and lessons/ headless; time and memory each."""
    from modlab.notebook_runner import error_outputs, execute_notebook, warning_outputs

    results = []
    for folder in NOTEBOOK_DIRS:
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb, seconds, peak_mb = execute_notebook(path, timeout=CELL_TIMEOUT_S)
            errors = error_outputs(nb)
            results.append(
                {
                    "notebook": f"{folder}/{path.name}",
                    "seconds": round(seconds, 3),
                    "peak_rss_mb": round(peak_mb, 1) if not math.isnan(peak_mb) else None,
                    "code_cells": sum(1 for c in nb.cells if c.cell_type == "code"),
                    "errors": len(errors),
                    "timeouts": sum(1 for _, ename, _ in errors if ename in ("CellTimeoutError", "IOPubTimeoutError")),
                    "warnings": len(warning_outputs(nb)),
                }
            )
            print(f"  ran {folder}/{path.name} in {seconds:.1f} s", file=sys.stderr, flush=True)
    return results


# --------------------------------------------------------------------------- explorers
def discover_explorers() -> list[tuple[str, Any]]:
    """Every public ``explore_*`` function in the submodules of :mod:`modlab.widgets`."""
    import modlab.widgets as package

    found: dict[str, Any] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("explore_") and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found[f"{info.name}.{name}"] = obj
    return sorted(found.items())


def _is_control(widget: Any) -> bool:
    """A widget with a settable ``value`` that a learner moves (not an output or a label)."""
    import ipywidgets as widgets

    if not isinstance(widget, widgets.ValueWidget) or getattr(widget, "disabled", False):
        return False
    return not isinstance(widget, (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Valid, widgets.Image))


def first_control(explorer: Any) -> tuple[str, Any] | None:
    """The explorer's first control: from its ``controls`` attribute, else its children."""
    controls = getattr(explorer, "controls", None)
    if isinstance(controls, dict):
        for name, widget in controls.items():
            if _is_control(widget):
                return name, widget
    elif isinstance(controls, (list, tuple)):
        for index, widget in enumerate(controls):
            if _is_control(widget):
                return f"controls[{index}]", widget
    stack = list(getattr(explorer, "children", ()))
    while stack:
        widget = stack.pop(0)
        if _is_control(widget):
            return getattr(widget, "description", "") or type(widget).__name__, widget
        stack[:0] = list(getattr(widget, "children", ()))
    return None


def two_values(widget: Any) -> tuple[Any, Any]:
    """Two valid values for ``widget``: its current value and a neighbouring one."""
    value = widget.value
    options = getattr(widget, "options", None)
    if options is not None and not isinstance(value, tuple):
        labels_values = list(getattr(widget, "_options_values", None) or [])
        if not labels_values:  # options given as labels or (label, value) pairs
            labels_values = [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in options]
        if labels_values:
            index = labels_values.index(value)
            other = labels_values[index + 1] if index + 1 < len(labels_values) else labels_values[index - 1]
            return value, other
    if isinstance(value, tuple) and options is not None:  # multiple selection: drop or add one option
        values = list(getattr(widget, "_options_values", None) or [])
        if len(value) > 1:
            return value, value[:-1]
        extra = next((v for v in values if v not in value), None)
        if extra is not None:
            return value, (*value, extra)
    if isinstance(value, bool):
        return value, not value
    if isinstance(value, (int, float)):
        step = getattr(widget, "step", None) or 1
        high = getattr(widget, "max", None)
        other = value + step if high is None or value + step <= high else value - step
        return value, type(value)(other)
    raise TypeError(f"do not know two values for {type(widget).__name__} (value {value!r})")


def _time_explorer(name: str, factory: Any, updates: int) -> dict[str, Any]:
    """Build one explorer with its defaults and time ``updates`` changes of its first control."""
    start = time.perf_counter()
    explorer = factory()
    build_ms = (time.perf_counter() - start) * 1000
    row: dict[str, Any] = {"explorer": name, "build_ms": round(build_ms, 1)}
    found = first_control(explorer)
    if found is None:
        row["note"] = "no control found"
        return row
    control_name, control = found
    a, b = two_values(control)
    control.value = b  # warm-up: the first redraw pays one-off costs (font cache, imports)
    times = []
    for i in range(updates):
        target = a if i % 2 == 0 else b
        start = time.perf_counter()
        control.value = target  # observers run synchronously here
        times.append((time.perf_counter() - start) * 1000)
    row.update(
        control=control_name,
        values=[a, b],
        updates=updates,
        median_ms=round(statistics.median(times), 1),
        p95_ms=round(percentile(times, 95), 1),
        max_ms=round(max(times), 1),
    )
    return row


def bench_explorers(updates: int) -> list[dict[str, Any]]:
    """Build every explorer and time ``updates`` changes of its first control."""
    results = []
    for name, factory in discover_explorers():
        try:
            row = _time_explorer(name, factory, updates)
        except Exception as err:  # one broken explorer must not hide the others' numbers
            row = {"explorer": name, "build_ms": math.nan, "note": f"failed: {type(err).__name__}: {err}"}
        results.append(row)
        print(f"  timed {name}", file=sys.stderr, flush=True)
    return results


# --------------------------------------------------------------------------- import time
def _median_run(code: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_imports(repeats: int) -> dict[str, Any]:
    """Median wall time of ``import X`` in a fresh interpreter, minus a bare interpreter start."""
    import modlab

    bare = _median_run("pass", repeats)
    modules = ["modlab"] + [
        f"modlab.{info.name}"
        for info in pkgutil.iter_modules(modlab.__path__)
        if not info.name.startswith("_")
    ]
    rows = []
    for module in modules:
        total = _median_run(f"import {module}", repeats)
        rows.append({"module": module, "ms": round((total - bare) * 1000, 1)})
    return {"bare_interpreter_ms": round(bare * 1000, 1), "repeats": repeats, "imports": rows}


# --------------------------------------------------------------------------- grading
def _honest_submissions(folder: Path, n: int) -> list[Path]:
    """``n`` honest lesson-03 submissions (right and wrong answers, no tricks) from the tests' generator."""
    sys.path.insert(0, str(ROOT / "tests"))
    import nbformat
    from grading_submissions import REFLECTION, ROUNDED, WRONG, answered

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        nb = answered(ROUNDED if i % 2 == 0 else WRONG, {"r1": REFLECTION})
        path = folder / f"student{i:03d}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def bench_grading(n: int, jobs_list: list[int]) -> list[dict[str, Any]]:
    """Wall time of bare nbclient runs and of ``modlab grade`` on the same notebooks, same parallelism.

    Bare: :func:`modlab.grading.engine.execute_bare` on each notebook in a pool of ``jobs`` processes (what
    Run All costs, nothing else). Grade: :func:`modlab.grading.batch.grade_batch` in all (intake, sandboxed
    runs, hidden tests, gradebook, grades.csv, feedback pages). Target: ratio <= 1.2.
    """
    import tempfile
    from concurrent.futures import ProcessPoolExecutor

    from modlab.grading import batch, intake
    from modlab.grading.engine import execute_bare
    from modlab.grading.lesson_spec import load_spec

    spec = load_spec("03")
    rows = []
    with tempfile.TemporaryDirectory(prefix="modlab-bench-grading-") as tmp:
        upload = Path(tmp) / "upload"
        paths = _honest_submissions(upload, n)
        for jobs in jobs_list:
            start = time.perf_counter()
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                list(pool.map(execute_bare, paths))
            bare = time.perf_counter() - start
            out = Path(tmp) / f"graded-{jobs}"
            start = time.perf_counter()
            submissions = intake.collect(upload, spec.lesson, out / "work")
            summary = batch.grade_batch(submissions, spec, out, jobs=jobs, progress=False)
            graded = time.perf_counter() - start
            rows.append({"submissions": n, "jobs": jobs, "bare_s": round(bare, 2), "grade_s": round(graded, 2),
                         "ratio": round(graded / bare, 3), "per_minute": round(n / graded * 60, 1),
                         "flagged": summary.flagged})
            print(f"  graded {n} notebooks with {jobs} job(s) in {graded:.1f} s (bare {bare:.1f} s)", file=sys.stderr, flush=True)
    return rows


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=30, help="timed control changes per explorer (default 30)")
    parser.add_argument("--repeats", type=int, default=5, help="fresh interpreters per import timing (default 5)")
    parser.add_argument("--skip-notebooks", action="store_true", help="do not execute notebooks")
    parser.add_argument("--grading-n", type=int, default=10, help="lesson-03 submissions graded (default 10)")
    parser.add_argument("--grading-jobs", default="1,2", help="comma-separated --jobs values (default 1,2)")
    parser.add_argument("--skip-grading", action="store_true", help="do not time modlab grade")
    parser.add_argument("--only-grading", action="store_true", help="time modlab grade only")
    args = parser.parse_args(argv)

    report: dict[str, Any] = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }

    if args.only_grading:
        args.skip_notebooks = True
    print("== Notebooks (headless nbclient; wall s incl. kernel start; kernel peak RSS MiB) ==")
    if args.skip_notebooks:
        report["notebooks"] = None
        print("skipped")
    else:
        report["notebooks"] = bench_notebooks()
        if report["notebooks"]:
            print(table(
                ["notebook", "seconds", "peak MiB", "code cells", "errors", "timeouts", "warnings"],
                [[r["notebook"], r["seconds"], r["peak_rss_mb"] if r["peak_rss_mb"] is not None else math.nan,
                  r["code_cells"], r["errors"], r["timeouts"], r["warnings"]] for r in report["notebooks"]],
            ))
        else:
            print("no notebooks yet")

    print(f"\n== Explorer widgets (first control, {args.updates} updates after one warm-up; ms) ==")
    report["explorers"] = [] if args.only_grading else bench_explorers(args.updates)
    if args.only_grading:
        print("skipped")
    elif report["explorers"]:
        print(table(
            ["explorer", "control", "build ms", "median ms", "p95 ms", "max ms"],
            [[r["explorer"], r.get("control", r.get("note", "")), r["build_ms"], r.get("median_ms", math.nan),
              r.get("p95_ms", math.nan), r.get("max_ms", math.nan)] for r in report["explorers"]],
        ))
    else:
        print("no explorers yet")

    print(f"\n== Import time (fresh interpreter, median of {args.repeats}, minus bare start) ==")
    if args.only_grading:
        report["import"] = None
        print("skipped")
    else:
        report["import"] = bench_imports(args.repeats)
        print(f"bare interpreter start: {report['import']['bare_interpreter_ms']:.1f} ms")
        print(table(["import", "ms"], [[r["module"], r["ms"]] for r in report["import"]["imports"]]))

    print("\n== Grading (lesson 03 submissions; wall s: bare nbclient runs vs modlab grade, same jobs; target ratio <= 1.2) ==")
    if args.skip_grading:
        report["grading"] = None
        print("skipped")
    else:
        try:
            report["grading"] = bench_grading(args.grading_n, [int(j) for j in args.grading_jobs.split(",")])
        except ImportError as error:  # the engine or nbgrader is missing
            report["grading"] = None
            print(f"skipped: {error}")
        else:
            print(table(
                ["submissions", "jobs", "bare s", "grade s", "ratio", "per minute", "flagged"],
                [[r["submissions"], r["jobs"], r["bare_s"], r["grade_s"], r["ratio"], r["per_minute"], r["flagged"]]
                 for r in report["grading"]],
            ))

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
