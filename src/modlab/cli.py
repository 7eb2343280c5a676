"""The ``modlab`` command (also ``python -m modlab``).

Each subcommand is a ``_cmd_<name>(args) -> int`` function registered in :func:`build_parser`;
add new ones (``data``, ``grade``) the same way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modlab import __version__


def _cmd_release(args: argparse.Namespace) -> int:
    from modlab.release import ReleaseError, release

    # Folders given on the command line are relative to the working directory; defaults to the repo.
    folders = {
        "solutions_dir": Path(args.solutions).resolve() if args.solutions else "solutions",
        "lessons_dir": Path(args.lessons).resolve() if args.lessons else "lessons",
    }
    try:
        if not args.check:
            written = release(**folders)
            print(f"modlab release: wrote {len(written)} lesson(s)" + "".join(f"\n  {path}" for path in written))
        problems = release(**folders, check=True)
    except ReleaseError as error:
        print(f"modlab release: error: {error}", file=sys.stderr)
        return 2
    if not problems:
        if args.check:
            print("modlab release --check: OK, lessons/ is in step with solutions/")
        return 0
    print("modlab release: lessons out of step with solutions:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if any("orphaned" not in problem for problem in problems):
        print("Fix: run `make release` (or `modlab release`) and commit solutions/ and lessons/ together.", file=sys.stderr)
    if any("orphaned" in problem for problem in problems):
        print("Orphaned lessons: `git rm` them, or restore the solution they came from.", file=sys.stderr)
    return 1


def _cmd_present(args: argparse.Namespace) -> int:
    from modlab.present import PresentError, present

    try:
        return present(args.lesson, port=args.port, open_browser=not args.no_browser)
    except PresentError as error:
        print(f"modlab present: error: {error}", file=sys.stderr)
        return 2


def _cmd_data(args: argparse.Namespace) -> int:
    from modlab import corpora

    if args.data_command == "list":
        print(f"Cache folder: {corpora.data_dir()}  (set {corpora.DATA_DIR_ENV} to use another)")
        rows = []
        for table in corpora.tables():
            spec = corpora.registry()["tables"][table]
            source = corpora.registry()["sources"][spec["source"]]
            rows.append((table, spec["source"], source["license"], corpora.status(table)))
        widths = [max(len(row[i]) for row in rows + [("table", "source", "license", "status")]) for i in range(4)]
        for row in [("table", "source", "license", "status")] + rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if any(row[3] != "present" for row in rows):
            print("Fetch what is missing with: modlab data fetch --all")
        return 0
    names = corpora.sources() if args.all else args.names
    if not names:
        print("modlab data fetch: name a corpus (see `modlab data list`) or give --all", file=sys.stderr)
        return 2
    failed, last_reason = [], None
    for name in names:  # one failure does not stop the others: say what worked and what did not
        try:
            fetched = corpora.fetch(name, source_dir=args.source_dir, progressbar=not args.source_dir)
        except KeyError as error:
            print(f"modlab data fetch: error: {error.args[0]}", file=sys.stderr)
            failed.append(name)
        except corpora.CorpusError as error:
            # Offline, every source fails the same way: give the advice once, then one line each.
            reason = str(error).splitlines()[0].partition(": ")[2]
            if failed and reason == last_reason:
                print(f"modlab data fetch: {name}: not fetched either (same reason)", file=sys.stderr)
            else:
                print(f"modlab data fetch: error: {error}", file=sys.stderr)
            last_reason = reason
            failed.append(name)
        else:
            print(f"{name}: {len(fetched)} file(s) verified in {fetched[0].parent}")
    if failed:
        print(f"modlab data fetch: not fetched: {', '.join(failed)}", file=sys.stderr)
        return 2
    return 0


def _grade_error(message: str) -> int:
    print(f"modlab grade: error: {message}", file=sys.stderr)
    return 2


GRADE_TOOLS = ("nbgrader", "nbclient", "jinja2")  # the [grade] extra


def _cmd_grade(args: argparse.Namespace) -> int:
    import importlib.util

    missing = [name for name in GRADE_TOOLS if importlib.util.find_spec(name) is None]
    if missing:
        return _grade_error(f"{', '.join(missing)} not installed: install the grading tools with "
                            "pip install -e '.[grade]' (or `make install` in the repository)")
    try:
        from modlab.grading import batch, intake, manual
        from modlab.grading.lesson_spec import LessonSpecError, load_spec
    except ImportError as error:  # nbgrader, nbclient and jinja2 come with the [grade] extra
        return _grade_error(f"{error}; install the grading tools with: pip install -e '.[grade]'")
    if args.import_manual:
        if not args.out:
            return _grade_error("--import-manual needs --out DIR: the folder an earlier `modlab grade` wrote")
        try:
            summary = batch.import_manual(args.import_manual, Path(args.out))
        except (FileNotFoundError, manual.ManualSheetError) as error:
            return _grade_error(str(error))
        print(f"modlab grade: {summary.notes[0]}; rewrote {Path(args.out) / batch.GRADES}, feedback/ and the sheet")
        return 0
    if not args.submissions or not args.lesson:
        return _grade_error("give the submissions (a folder or .zip) and --lesson, e.g. modlab grade upload.zip --lesson 03")
    if args.jobs < 1 or args.cell_timeout <= 0 or args.notebook_timeout <= 0:
        return _grade_error("--jobs, --cell-timeout and --notebook-timeout must be positive")
    source = Path(args.submissions).resolve()
    if not source.exists():
        return _grade_error(f"{args.submissions} does not exist")
    try:
        spec = load_spec(args.lesson, Path(args.solutions).resolve() if args.solutions else None)
    except LessonSpecError as error:
        return _grade_error(str(error))
    out = Path(args.out or f"graded-{spec.lesson}").resolve()
    if source.is_dir() and (out == source or source in out.parents):
        return _grade_error(f"--out {out} is inside the submissions folder; choose a folder outside it (originals are never modified)")
    try:
        submissions = intake.collect(source, spec.lesson, out / "work")
        summary = batch.grade_batch(submissions, spec, out, jobs=args.jobs, cell_timeout=args.cell_timeout,
                                    notebook_timeout=args.notebook_timeout, progress=not args.quiet,
                                    regrade=args.regrade, source=source)
    except intake.IntakeError as error:
        return _grade_error(str(error))
    except RuntimeError as error:  # nbgrader: the gradebook holds another version of this lesson
        return _grade_error(f"{error} (grade into a new --out folder)")
    per_minute = summary.graded / summary.seconds * 60 if summary.seconds else float("nan")
    print(f"modlab grade: graded {summary.graded} notebook(s) of {spec.lesson} in {summary.seconds:.1f} s "
          f"({per_minute:.1f}/min, {args.jobs} job(s)); {len(summary.results)} student(s) in grades.csv, "
          f"{summary.flagged} flagged (see the flags column)")
    for note in summary.notes:
        print(f"  note: {note}")
    print(f"  grades:          {out / batch.GRADES}\n"
          f"  feedback:        {out / 'feedback'}/<student>.html (one page per student)\n"
          f"  manual grading:  {out / batch.SHEET} (fill score and comment, then: "
          f"modlab grade --import-manual {out / batch.SHEET} --out {out})\n"
          f"  gradebook:       {out / 'gradebook.db'} (nbgrader)\n"
          f"  uploaded files:  {out / 'work' / intake.REPORT_NAME} (what happened to each)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one subparser per subcommand."""
    parser = argparse.ArgumentParser(prog="modlab", description="modlab teaching kit tools")
    parser.add_argument("--version", action="version", version=f"modlab {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    release = commands.add_parser(
        "release", help="write lessons/ from solutions/", description="Write the learner notebooks in lessons/ from solutions/."
    )
    release.add_argument("--check", action="store_true", help="write nothing; exit 1 if lessons/ is out of step")
    release.add_argument("--solutions", metavar="DIR", help="solution notebooks (default: the repository's solutions/)")
    release.add_argument("--lessons", metavar="DIR", help="learner notebooks (default: the repository's lessons/)")
    release.set_defaults(handler=_cmd_release)

    present = commands.add_parser(
        "present",
        help="show a lesson's text, figures and explorers without code (for a projector)",
        description="Serve a lesson with Voila, code hidden, in large type: the view for a projector. "
        "Exercise prompts stay (as discussion questions); answers and self-checks are left out.",
    )
    present.add_argument("lesson", help='lesson number or name, e.g. "03" or "03_amnesty_poll"')
    present.add_argument("--port", type=int, help="port on 127.0.0.1 (default 8866)")
    present.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    present.set_defaults(handler=_cmd_present)

    data = commands.add_parser(
        "data",
        help="list or fetch the real corpora the lessons use",
        description="Real corpora are downloaded from their original repositories at pinned commits, verified by "
        "sha256 and kept in a cache folder ($MODLAB_DATA_DIR, or your user cache).",
    )
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    data_commands.add_parser("list", help="each corpus table, its source, license and whether it is in the cache")
    fetch = data_commands.add_parser("fetch", help="download corpora into the cache (verified by sha256)")
    fetch.add_argument("names", nargs="*", metavar="NAME", help="source or table names (see `modlab data list`)")
    fetch.add_argument("--all", action="store_true", help="every registered corpus")
    fetch.add_argument(
        "--from", dest="source_dir", metavar="DIR",
        help="copy from a local folder laid out like the cache (<source>/<file>) instead of downloading",
    )
    data.set_defaults(handler=_cmd_data)

    grade = commands.add_parser(
        "grade",
        help="grade a folder or .zip of submissions: grades.csv, feedback pages, a manual-grading sheet",
        description="Grade learners' notebooks for one lesson. Student code runs on this machine: for untrusted "
        "classes, grade in a container, a VM or a separate account.",
    )
    grade.add_argument("submissions", nargs="?", metavar="SUBMISSIONS", help="folder or .zip as your LMS exported it")
    grade.add_argument("--lesson", help='lesson number or name, e.g. "03" or "03_amnesty_poll"')
    grade.add_argument("--out", metavar="DIR", help="output folder (default: graded-<lesson> here); re-running into it "
                       "resumes: unchanged notebooks are kept, other students merged")
    grade.add_argument("--regrade", action="store_true", help="grade every notebook again, even unchanged ones")
    grade.add_argument("--jobs", type=int, default=1, metavar="N", help="notebooks graded in parallel (default 1)")
    grade.add_argument("--cell-timeout", type=float, default=60, metavar="S", help="seconds per cell (default 60)")
    grade.add_argument("--notebook-timeout", type=float, default=600, metavar="S", help="seconds per notebook (default 600)")
    grade.add_argument("--solutions", metavar="DIR", help="solution notebooks (default: the repository's solutions/)")
    grade.add_argument("--import-manual", metavar="SHEET", help="merge a filled-in manual_grading.csv into --out")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.set_defaults(handler=_cmd_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``modlab`` command.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 success, 1 check failed, 2 usage or input error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except BrokenPipeError:  # `modlab data list | head`: the reader left; nothing to report
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
