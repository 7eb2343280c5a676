"""Find the submissions in an LMS download (a folder or a .zip) without modifying it.

Naming styles understood (see :func:`collect`):

- Canvas: flat files ``lastfirst_12345_67890_03_amnesty_poll.ipynb`` (also ``lastfirst_LATE_12345_...``;
  a resubmission gets ``-1``, ``-2``... before ``.ipynb``);
- Moodle: a folder per submission, ``Full Name_123456_assignsubmission_file_/03_amnesty_poll.ipynb``;
- a folder per student: ``alice/03_amnesty_poll.ipynb`` (any depth below the student's folder);
- plain files named by student: ``alice.ipynb`` or ``alice_03_amnesty_poll.ipynb``.

One wrapper folder around several students (``submissions/...``) is looked through (a wrapper around a
single student cannot be told from that student's folder: it is taken as the student's folder). Every file in the upload is
accounted for in ``intake.csv`` (file, student, what happened to it): nothing is dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import stat
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from modlab.grading.model import Submission

#: Files operating systems and Jupyter leave behind; listed in the report as ignored.
SYSTEM_PARTS = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store", "Thumbs.db", "desktop.ini"}
#: Zip-bomb guards: total bytes extracted, files in the archive, and compression ratio of one member.
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_MEMBERS = 20_000
MAX_RATIO = 200

REPORT_NAME = "intake.csv"
GRADED = "graded"
EARLIER = "not graded: an earlier submission by the same student (the latest was graded)"
OTHER_NOTEBOOK = "not graded: another notebook in the student's submission"
NOT_NOTEBOOK = "not graded: not a notebook"
SYSTEM = "ignored: file left by the operating system or Jupyter"
UNSAFE = "skipped: path points outside the upload (zip-slip guard)"
TOO_BIG = "skipped: too large to extract safely (zip-bomb guard)"
LINK = "skipped: symbolic link, not followed"
ENCRYPTED = "skipped: encrypted in the zip"
SKIPPED = (UNSAFE, TOO_BIG, LINK, ENCRYPTED)
LATE = "the LMS marked this submission late (a note from the LMS; modlab grade applied no penalty)"

_CANVAS = re.compile(r"^(?P<name>.+?)_(?:(?P<late>late)_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$", re.IGNORECASE)
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<kind>[a-z]+)_?$", re.IGNORECASE)
# Copies and resubmissions: "x-1" (Canvas), "x (1)" (browsers), "x-Copy1" (Jupyter).
_COPY_SUFFIX = re.compile(r"(?:-(?P<resub>\d+)|\s*\((?P<dup>\d+)\)|-copy(?P<copy>\d*))$", re.IGNORECASE)


class IntakeError(ValueError):
    """The upload cannot be read: missing, not a folder or zip, unreadable zip, or holds no files."""


@dataclass
class FileRecord:
    """What happened to one file of the upload (one row of ``intake.csv``)."""

    file: str       # path inside the upload, with / separators
    student: str    # "" when the file belongs to no student
    outcome: str    # GRADED, EARLIER, ... (see the module constants)
    sha256: str = ""          # of the original bytes (of the zip member for a zip); "" when not read
    working_copy: str = ""    # the copy graded, relative to workdir (GRADED rows only)
    working_sha256: str = ""  # of that copy when intake wrote it


@dataclass
class UploadSubmission(Submission):
    """A :class:`Submission` with what intake learned beyond it (the engine only needs the base fields).

    Attributes
    ----------
    lms_user_id : str
        Canvas user id or Moodle participant id, when the file or folder name holds one; else "".
    lms_notes : list of str
        What the LMS said about the submission (e.g. late): not grading problems, never a penalty.
    sha256 : str
        sha256 of the working copy as intake wrote it ("" without a notebook).
    data : bytes
        The bytes read at intake: the grader grades these, whatever happens to files on disk meanwhile.
    """

    lms_user_id: str = ""
    lms_notes: list[str] = field(default_factory=list)
    sha256: str = ""
    data: bytes = field(default=b"", repr=False)

    def plain(self, notebook: Path | None = None) -> Submission:
        """The engine's view: a plain :class:`Submission` (optionally pointing at another copy)."""
        return Submission(self.student, notebook or self.notebook, self.original, list(self.flags))


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class _Found:
    """A file of the upload after the student was worked out from its name."""

    rel: PurePosixPath       # path inside the upload
    path: Path               # readable copy (the original for a folder; extracted copy for a zip)
    student: str
    raw_name: str            # the student's name as the upload spells it (NFKC), before making it an id
    stem: str                # file name without extension and without LMS decoration
    resubmission: int        # Canvas -N suffix (0 if none)
    mtime: float
    plain_file: bool         # named by student (no folder): the file name is not expected to be the lesson's
    late: bool               # Canvas marked it late
    uid: str = ""            # Canvas user id / Moodle participant id ("" if none)


def student_id(name: str) -> str:
    """Return a name safe to use in file names and the gradebook.

    Parameters
    ----------
    name : str
        A name from the upload, e.g. ``"Ana María López"`` or ``"lopezana"``.

    Returns
    -------
    str
        NFKC-normalised (so a fullwidth ``"Ａ"`` or a decomposed accent becomes the usual letter), then runs
        of characters other than letters, digits, ``.`` and ``-`` become ``_``; e.g. ``"Ana_María_López"``.
        Different names can give one id (``"O'Brien Sean"``, ``"O Brien Sean"``): :func:`collect` tells them apart.
    """
    cleaned = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFKC", name).strip()).strip("._")
    return cleaned or "student"


def _bare_stem(stem: str) -> tuple[str, int]:
    """Strip copy/resubmission suffixes; return the stem and the Canvas resubmission number."""
    match = _COPY_SUFFIX.search(stem)
    if not match:
        return stem, 0
    return stem[: match.start()], int(match["resub"] or 0)


def _is_system(rel: PurePosixPath) -> bool:
    return any(part in SYSTEM_PARTS or part.startswith("._") for part in rel.parts)


def _extract(source: Path, target: Path, records: list[FileRecord]) -> list[tuple[PurePosixPath, Path, float]]:
    """Extract the safe members of a zip into ``target``; report the others."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise IntakeError(f"{source} is not a readable zip file ({error})") from None
    files = []
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise IntakeError(f"{source} holds {len(members)} files (more than {MAX_MEMBERS}): not extracted")
        budget = MAX_TOTAL_BYTES
        for info in members:
            rel = PurePosixPath(info.filename.replace("\\", "/"))
            name = str(rel)
            if rel.is_absolute() or ".." in rel.parts or re.match(r"^[A-Za-z]:", name):
                records.append(FileRecord(name, "", UNSAFE))
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                records.append(FileRecord(name, "", LINK))
                continue
            if info.flag_bits & 0x1:
                records.append(FileRecord(name, "", ENCRYPTED))
                continue
            if info.file_size > budget or info.file_size > MAX_RATIO * max(info.compress_size, 1) + 1024**2:
                records.append(FileRecord(name, "", TOO_BIG))
                continue
            destination = target.joinpath(*rel.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            # Count bytes as they come: the sizes in the zip's header can lie.
            written, too_big = 0, False
            with archive.open(info) as reader, open(destination, "wb") as writer:
                while chunk := reader.read(1 << 20):
                    written += len(chunk)
                    if written > min(budget, info.file_size):
                        too_big = True
                        break
                    writer.write(chunk)
            if too_big:
                destination.unlink()
                records.append(FileRecord(name, "", TOO_BIG))
                continue
            budget -= written
            mtime = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(destination, (mtime, mtime))
            files.append((rel, destination, mtime))
    return files


def _walk(source: Path, records: list[FileRecord]) -> list[tuple[PurePosixPath, Path, float]]:
    """Every regular file below ``source`` (symbolic links reported, never followed)."""
    files = []
    for folder, dirs, names in os.walk(source):
        for name in sorted(dirs):
            if (Path(folder) / name).is_symlink():
                records.append(FileRecord((Path(folder) / name).relative_to(source).as_posix(), "", LINK))
        for name in sorted(names):
            path = Path(folder) / name
            rel = PurePosixPath(path.relative_to(source).as_posix())
            if path.is_symlink():
                records.append(FileRecord(str(rel), "", LINK))
            else:
                files.append((rel, path, path.stat().st_mtime))
    return files


def _strip_wrapper(files: list, lesson: str) -> int:
    """How many leading folders every path shares as a mere wrapper (e.g. ``submissions/``)."""
    depth = 0
    while True:
        tails = [rel.parts[depth:] for rel, _, _ in files]
        if not tails or any(len(t) < 2 for t in tails) or len({t[0] for t in tails}) != 1:
            return depth
        below = [t[1:] for t in tails]
        notebooks = [t[0] for t in below if len(t) == 1 and t[0].lower().endswith(".ipynb")]
        subfolders = {t[0] for t in below if len(t) > 1}
        # A lone student's folder holds the lesson notebook (or one notebook); a wrapper holds students.
        lesson_named = any(_bare_stem(Path(n).stem)[0].lower() == lesson.lower() for n in notebooks)
        is_wrapper = (not notebooks and (len(subfolders) >= 2 or any(_MOODLE.match(f) for f in subfolders))) or (
            len(notebooks) >= 2 and not lesson_named) or any(_CANVAS.match(n) for n in notebooks)
        if not is_wrapper or _MOODLE.match(tails[0][0]):
            return depth
        depth += 1


def _attribute(rel: PurePosixPath, depth: int, lesson: str) -> tuple[str, str, int, bool, str, bool]:
    """Raw student name, bare file stem, resubmission number, plain_file, LMS user id ("" if none), late."""
    parts = rel.parts[depth:]
    file_stem = Path(parts[-1]).stem
    if len(parts) >= 2:  # a folder per student (Moodle or plain)
        moodle = _MOODLE.match(parts[0])
        stem, resub = _bare_stem(file_stem)
        if moodle:
            return moodle["name"], stem, resub, False, moodle["id"], False
        return parts[0], stem, resub, False, "", False
    canvas = _CANVAS.match(parts[0])
    if canvas:
        stem, resub = _bare_stem(Path(canvas["file"]).stem)
        return canvas["name"], stem, resub, False, canvas["uid"], bool(canvas["late"])
    stem, resub = _bare_stem(file_stem)
    suffix = "_" + lesson
    if stem.lower().endswith(suffix.lower()) and len(stem) > len(suffix):  # alice_03_amnesty_poll.ipynb
        return stem[: -len(suffix)], lesson, resub, False, "", False
    return stem, stem, resub, True, "", False


def _skipped_owner(name: str, depth: int, lesson: str) -> str:
    """The raw student name a skipped file (symbolic link, unsafe path...) seems to belong to; "" if none."""
    rel = PurePosixPath(name.replace("\\", "/"))
    parts = rel.parts[depth:] if len(rel.parts) > depth else rel.parts
    if not parts or rel.is_absolute() or parts[0] in ("..", ".") or re.match(r"^[A-Za-z]:", parts[0]):
        return ""  # e.g. "../x.ipynb", "/abs/x.ipynb": no student can be told from it
    if len(parts) == 1 and not parts[0].lower().endswith(".ipynb"):
        return ""
    return _attribute(PurePosixPath(*parts), 0, lesson)[0]


def collect(source: str | os.PathLike, lesson: str, workdir: str | os.PathLike) -> list[Submission]:
    """Find each student's notebook for ``lesson`` in an LMS download; copy it into ``workdir``.

    The upload is never modified: a zip is extracted into ``workdir/upload``, and the notebook to grade for
    each student is copied to ``workdir/submissions/<student>.ipynb``. ``workdir/intake.csv`` lists every
    file of the upload with its student and what happened to it.

    Parameters
    ----------
    source : str or path-like
        A folder or a ``.zip`` file as the LMS exported it (see the module docstring for the names understood).
    lesson : str
        The lesson's notebook name without ``.ipynb``, e.g. ``"03_amnesty_poll"``.
    workdir : str or path-like
        A folder for the copies; created if missing. Its ``upload/`` and ``submissions/`` are replaced.

    Returns
    -------
    list of Submission
        One per student, sorted by student. ``notebook`` is None when the student handed in no notebook.
        ``flags`` explain anything unusual: a renamed notebook, several submissions (the latest is graded;
        by Canvas resubmission number, then modification time), other files handed in, a late submission.

    Raises
    ------
    IntakeError
        If ``source`` does not exist, is neither a folder nor a zip, or holds no files at all.
    """
    source, workdir = Path(source), Path(workdir)
    if not source.exists():
        raise IntakeError(f"{source} does not exist")
    if source.is_file() and not zipfile.is_zipfile(source):
        raise IntakeError(f"{source} is neither a folder nor a .zip file")
    workdir.mkdir(parents=True, exist_ok=True)
    for old in ("upload", "submissions"):  # a re-run starts from clean copies
        shutil.rmtree(workdir / old, ignore_errors=True)
    records: list[FileRecord] = []
    files = _extract(source, workdir / "upload", records) if source.is_file() else _walk(source, records)

    kept = []
    for rel, path, mtime in files:
        if _is_system(rel):
            records.append(FileRecord(str(rel), "", SYSTEM))
        else:
            kept.append((rel, path, mtime))
    if not kept:
        _write_report(workdir, records)
        skipped = sum(r.outcome != SYSTEM for r in records)
        why = f" ({skipped} skipped as unsafe, see {workdir / REPORT_NAME})" if skipped else " (only system files)" if files else ""
        raise IntakeError(f"{source} holds no files to grade{why}")

    hashes = {str(rel): sha256(path.read_bytes()) for rel, path, _ in kept}
    depth = _strip_wrapper(kept, lesson)
    found = []
    for rel, path, mtime in kept:
        raw, stem, resub, plain, uid, late = _attribute(rel, depth, lesson)
        if len(rel.parts) - depth == 1 and not uid and not rel.name.lower().endswith(".ipynb"):
            records.append(FileRecord(str(rel), "", NOT_NOTEBOOK))  # a loose file with no student in its name
            continue
        raw = unicodedata.normalize("NFKC", raw).strip()
        found.append(_Found(rel, path, student_id(raw), raw, stem, resub, mtime, plain, late, uid))
    # Students seen only in files that were skipped (a symbolic link, an unsafe path) still get a row.
    skipped_only = {}
    for record in records:
        if record.outcome in SKIPPED and (raw := _skipped_owner(record.file, depth, lesson)):
            raw = unicodedata.normalize("NFKC", raw).strip()
            skipped_only.setdefault((student_id(raw), raw), []).append(record)
    names_of: dict[str, set[str]] = {}
    for item in found:
        names_of.setdefault(item.student, set()).add(item.raw_name)
    for sid, raw in skipped_only:
        names_of.setdefault(sid, set()).add(raw)
    uids_of: dict[str, set[str]] = {}
    for item in found:
        if item.uid:
            uids_of.setdefault(item.student, set()).add(item.uid)
    collisions: dict[str, str] = {}  # student -> flag

    def unique(sid: str, raw: str, uid: str) -> str:
        """Tell apart different people whose names give one id (by LMS user id, else a short name hash)."""
        if len(uids_of.get(sid, ())) > 1 and uid:
            new = f"{sid}_{uid}"
        elif len(names_of[sid]) > 1:
            new = f"{sid}_{sha256(raw.encode())[:6]}"
        else:
            return sid
        others = ", ".join(repr(n) for n in sorted(names_of[sid]) if n != raw) or "another submission"
        collisions[new] = (f"this name ({raw!r}) and {others} both become {sid!r} as a file name: graded as "
                           f"{new!r}; check that this is the right student")
        return new

    for item in found:
        item.student = unique(item.student, item.raw_name, item.uid)
    by_student: dict[str, list[_Found]] = {}
    for item in found:
        by_student.setdefault(item.student, []).append(item)
    submissions = [_choose(student, group, lesson, workdir, records) for student, group in sorted(by_student.items())]
    for (sid, raw), skipped in skipped_only.items():
        student = unique(sid, raw, "")
        for record in skipped:
            record.student = student
        if student in by_student:
            continue
        why = "; ".join(f"{r.file} ({r.outcome})" for r in skipped)
        submissions.append(UploadSubmission(student, None, skipped[0].file,
                                            [f"nothing could be graded: every file was skipped: {why}"]))
    for submission in submissions:
        if submission.student in collisions:
            submission.flags.insert(0, collisions[submission.student])
    for record in records:
        record.sha256 = record.sha256 or hashes.get(record.file, "")
    submissions.sort(key=lambda s: s.student)
    _write_report(workdir, records)
    return submissions


def verify_upload(source: str | os.PathLike, records: list[FileRecord]) -> list[FileRecord]:
    """The files of the upload whose bytes differ from what intake read (changed or gone).

    Parameters
    ----------
    source : str or path-like
        The folder or .zip given to :func:`collect`.
    records : list of FileRecord
        From :func:`collect` (:func:`read_report`); rows without a ``sha256`` are not checked.

    Returns
    -------
    list of FileRecord
        The records whose file now has other bytes, or cannot be read.
    """
    source = Path(source)
    now: dict[str, str] = {}
    try:
        if source.is_file():
            with zipfile.ZipFile(source) as archive:
                for info in archive.infolist():
                    name = info.filename.replace("\\", "/")
                    if any(r.file == name and r.sha256 for r in records):
                        now[name] = sha256(archive.read(info))
        else:
            for record in records:
                path = source.joinpath(*PurePosixPath(record.file).parts)
                if record.sha256 and path.is_file() and not path.is_symlink():
                    now[record.file] = sha256(path.read_bytes())
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        pass  # unreadable now: every checked file counts as changed
    return [r for r in records if r.sha256 and now.get(r.file) != r.sha256]


def _write_report(workdir: Path, records: list[FileRecord]) -> None:
    records.sort(key=lambda r: r.file)
    with open(workdir / REPORT_NAME, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "student", "outcome", "sha256", "working_copy", "working_sha256"])
        writer.writerows([r.file, r.student, r.outcome, r.sha256, r.working_copy, r.working_sha256] for r in records)


def _choose(student: str, group: list[_Found], lesson: str, workdir: Path, records: list[FileRecord]) -> UploadSubmission:
    """Pick the notebook to grade among one student's files; record and flag the rest."""
    notebooks = [f for f in group if f.rel.suffix.lower() == ".ipynb"]
    others = [f for f in group if f not in notebooks]
    for item in others:
        records.append(FileRecord(str(item.rel), student, NOT_NOTEBOOK))
    flags = []
    notes = [LATE] if any(f.late for f in group) else []
    uid = next((f.uid for f in group if f.uid), "")
    lesson_named = [f for f in notebooks if f.stem.lower() == lesson.lower() or f.plain_file]
    candidates = lesson_named or notebooks
    if not candidates:
        handed_in = ", ".join(str(f.rel) for f in others)
        return UploadSubmission(student, None, str(others[0].rel) if others else "",
                                [f"no notebook found; handed in: {handed_in}"], lms_user_id=uid, lms_notes=notes)
    ordered = sorted(candidates, key=lambda f: (f.resubmission, f.mtime, str(f.rel)))
    chosen = ordered[-1]
    if not lesson_named:
        flags.append(f"notebook renamed to {chosen.rel.name!r}; graded it as {lesson}.ipynb")
    if len(ordered) > 1:  # full paths in the upload: two folders can hold files of the same name
        earlier = ", ".join(str(f.rel) for f in ordered[:-1])
        flags.append(f"{len(ordered)} submissions: graded the latest ({chosen.rel}); not graded: {earlier}")
    for item in ordered[:-1]:
        records.append(FileRecord(str(item.rel), student, EARLIER))
    for item in notebooks:
        if item not in candidates:
            records.append(FileRecord(str(item.rel), student, OTHER_NOTEBOOK))
            flags.append(f"also handed in {item.rel} (not graded)")
    if others:
        flags.append("also handed in " + ", ".join(str(f.rel) for f in others) + " (not notebooks; not graded)")
    copy = workdir / "submissions" / f"{student}.ipynb"
    copy.parent.mkdir(parents=True, exist_ok=True)
    data = chosen.path.read_bytes()  # the bytes graded: kept in memory, the file on disk may be tampered with
    copy.write_bytes(data)
    digest = sha256(data)
    records.append(FileRecord(str(chosen.rel), student, GRADED, working_copy=copy.relative_to(workdir).as_posix(),
                              working_sha256=digest))
    return UploadSubmission(student, copy, str(chosen.rel), flags, lms_user_id=uid, lms_notes=notes,
                            sha256=digest, data=data)


def read_report(workdir: str | os.PathLike) -> list[FileRecord]:
    """Read ``intake.csv`` written by :func:`collect`.

    Parameters
    ----------
    workdir : str or path-like
        The ``workdir`` given to :func:`collect`.

    Returns
    -------
    list of FileRecord
        One per file of the upload, sorted by path.
    """
    with open(Path(workdir) / REPORT_NAME, newline="", encoding="utf-8") as handle:
        return [FileRecord(**row) for row in csv.DictReader(handle)]
