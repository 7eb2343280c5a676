"""Intake of LMS downloads: every naming style, every file accounted for, the upload never modified."""

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from modlab.grading import intake
from modlab.grading.intake import IntakeError, collect, read_report

LESSON = "03_amnesty_poll"
NB = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def _tree(root: Path, files: dict[str, str], mtimes: dict[str, float] | None = None) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if mtimes and name in mtimes:
            os.utime(path, (mtimes[name], mtimes[name]))
    return root


def _fingerprint(root: Path) -> dict[str, str]:
    if root.is_file():
        return {root.name: hashlib.sha256(root.read_bytes()).hexdigest()}
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def _summary(subs):
    return {s.student: (s.original, s.flags) for s in subs}


def _report(workdir):
    return {(r.file, r.student, r.outcome) for r in read_report(workdir)}


def test_canvas_flat_files_with_late_and_resubmission(tmp_path):
    upload = _tree(tmp_path / "canvas", {
        "lopezana_12345_67890_03_amnesty_poll.ipynb": NB + " ",
        "lopezana_12345_67999_03_amnesty_poll-1.ipynb": NB + "  ",
        "kimlee_LATE_23456_78901_03_amnesty_poll.ipynb": NB,
        "okaforchi_34567_89012_notes.pdf": "%PDF",
    })
    before = _fingerprint(upload)
    subs = collect(upload, LESSON, tmp_path / "work")
    assert _fingerprint(upload) == before
    assert _summary(subs) == {
        "kimlee": ("kimlee_LATE_23456_78901_03_amnesty_poll.ipynb", []),
        "lopezana": ("lopezana_12345_67999_03_amnesty_poll-1.ipynb", [
            "2 submissions: graded the latest (lopezana_12345_67999_03_amnesty_poll-1.ipynb); "
            "not graded: lopezana_12345_67890_03_amnesty_poll.ipynb"]),
        "okaforchi": ("okaforchi_34567_89012_notes.pdf", ["no notebook found; handed in: okaforchi_34567_89012_notes.pdf"]),
    }
    by_student = {s.student: s for s in subs}
    assert by_student["okaforchi"].notebook is None
    # Late is the LMS's note, kept apart from grading problems, with the LMS user id.
    assert (by_student["kimlee"].lms_notes, by_student["kimlee"].lms_user_id) == ([intake.LATE], "23456")
    assert intake.LATE == "the LMS marked this submission late (a note from the LMS; modlab grade applied no penalty)"
    # The graded copy is the resubmission's bytes, in the work folder, not the original.
    copy = by_student["lopezana"].notebook
    assert copy == tmp_path / "work" / "submissions" / "lopezana.ipynb" and copy.read_text() == NB + "  "
    assert _report(tmp_path / "work") == {
        ("kimlee_LATE_23456_78901_03_amnesty_poll.ipynb", "kimlee", intake.GRADED),
        ("lopezana_12345_67890_03_amnesty_poll.ipynb", "lopezana", intake.EARLIER),
        ("lopezana_12345_67999_03_amnesty_poll-1.ipynb", "lopezana", intake.GRADED),
        ("okaforchi_34567_89012_notes.pdf", "okaforchi", intake.NOT_NOTEBOOK),
    }


def test_canvas_name_with_underscore_is_still_one_student(tmp_path):
    upload = _tree(tmp_path / "up", {"o_brien_mary_444_555_03_amnesty_poll.ipynb": NB})
    assert _summary(collect(upload, LESSON, tmp_path / "w")) == {"o_brien_mary": ("o_brien_mary_444_555_03_amnesty_poll.ipynb", [])}


def test_canvas_namesakes_are_told_apart_by_user_id(tmp_path):
    upload = _tree(tmp_path / "up", {"smithjo_111_1_03_amnesty_poll.ipynb": NB, "smithjo_222_2_03_amnesty_poll.ipynb": NB})
    assert [s.student for s in collect(upload, LESSON, tmp_path / "w")] == ["smithjo_111", "smithjo_222"]


def test_moodle_folders_in_a_zip_with_wrapper_and_mac_junk(tmp_path):
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("course/Ana María López_123456_assignsubmission_file_/03_amnesty_poll.ipynb", NB)
        zf.writestr("course/Lee Kim_234567_assignsubmission_file_/Untitled.ipynb", NB)
        zf.writestr("course/Lee Kim_234567_assignsubmission_onlinetext_/onlinetext.html", "<p>hi</p>")
        zf.writestr("course/__MACOSX/._x", "junk")
        zf.writestr("course/.DS_Store", "junk")
    before = _fingerprint(archive)
    subs = collect(archive, LESSON, tmp_path / "work")
    assert _fingerprint(archive) == before
    assert _summary(subs) == {
        "Ana_María_López": ("course/Ana María López_123456_assignsubmission_file_/03_amnesty_poll.ipynb", []),
        "Lee_Kim": ("course/Lee Kim_234567_assignsubmission_file_/Untitled.ipynb", [
            "notebook renamed to 'Untitled.ipynb'; graded it as 03_amnesty_poll.ipynb",
            "also handed in course/Lee Kim_234567_assignsubmission_onlinetext_/onlinetext.html (not notebooks; not graded)"]),
    }
    assert _report(tmp_path / "work") == {
        ("course/.DS_Store", "", intake.SYSTEM),
        ("course/Ana María López_123456_assignsubmission_file_/03_amnesty_poll.ipynb", "Ana_María_López", intake.GRADED),
        ("course/Lee Kim_234567_assignsubmission_file_/Untitled.ipynb", "Lee_Kim", intake.GRADED),
        ("course/Lee Kim_234567_assignsubmission_onlinetext_/onlinetext.html", "Lee_Kim", intake.NOT_NOTEBOOK),
        ("course/__MACOSX/._x", "", intake.SYSTEM),
    }


def test_folder_per_student_with_copies_checkpoints_and_scratch(tmp_path):
    upload = _tree(tmp_path / "up", {
        "alice/03_amnesty_poll.ipynb": NB,
        "alice/03_amnesty_poll (1).ipynb": NB + " ",
        "alice/scratch.ipynb": NB,
        "alice/.ipynb_checkpoints/03_amnesty_poll-checkpoint.ipynb": NB,
        "bob/lesson/03_amnesty_poll.ipynb": NB,
        "carol/readme.txt": "no notebook",
        "dan/empty/.DS_Store": "x",
    }, mtimes={"alice/03_amnesty_poll.ipynb": 2_000_000_000, "alice/03_amnesty_poll (1).ipynb": 1_000_000_000})
    subs = collect(upload, LESSON, tmp_path / "work")
    assert _summary(subs) == {
        # The copy " (1)" is older here: modification time decides.
        "alice": ("alice/03_amnesty_poll.ipynb", [
            "2 submissions: graded the latest (alice/03_amnesty_poll.ipynb); not graded: alice/03_amnesty_poll (1).ipynb",
            "also handed in alice/scratch.ipynb (not graded)"]),
        "bob": ("bob/lesson/03_amnesty_poll.ipynb", []),
        "carol": ("carol/readme.txt", ["no notebook found; handed in: carol/readme.txt"]),
    }
    assert _report(tmp_path / "work") == {
        ("alice/.ipynb_checkpoints/03_amnesty_poll-checkpoint.ipynb", "", intake.SYSTEM),
        ("alice/03_amnesty_poll (1).ipynb", "alice", intake.EARLIER),
        ("alice/03_amnesty_poll.ipynb", "alice", intake.GRADED),
        ("alice/scratch.ipynb", "alice", intake.OTHER_NOTEBOOK),
        ("bob/lesson/03_amnesty_poll.ipynb", "bob", intake.GRADED),
        ("carol/readme.txt", "carol", intake.NOT_NOTEBOOK),
        ("dan/empty/.DS_Store", "", intake.SYSTEM),
    }


def test_plain_files_named_by_student_inside_a_wrapper(tmp_path):
    upload = _tree(tmp_path / "up", {
        "submissions/alice.ipynb": NB,
        "submissions/bob_03_amnesty_poll.ipynb": NB,
        "submissions/README.txt": "course notes",
    })
    subs = collect(upload, LESSON, tmp_path / "work")
    assert _summary(subs) == {"alice": ("submissions/alice.ipynb", []), "bob": ("submissions/bob_03_amnesty_poll.ipynb", [])}
    assert ("submissions/README.txt", "", intake.NOT_NOTEBOOK) in _report(tmp_path / "work")
    assert len(read_report(tmp_path / "work")) == 3  # every file has its row


def test_zip_slip_symlink_and_bomb_are_refused_and_reported(tmp_path, monkeypatch):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("alice.ipynb", NB)
        zf.writestr("../escaped.ipynb", NB)
        zf.writestr("/abs/escaped2.ipynb", NB)
        link = zipfile.ZipInfo("bob.ipynb")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("carol.ipynb", "0" * 5_000_000)  # compresses about 1000:1
    subs = collect(archive, LESSON, tmp_path / "work")
    # bob handed in only a link, carol only a bomb: they still get a row, with nothing graded and the reason.
    assert _summary(subs) == {"alice": ("alice.ipynb", []), "bob": (
        "bob.ipynb", ["nothing could be graded: every file was skipped: bob.ipynb (skipped: symbolic link, not followed)"]),
        "carol": ("carol.ipynb", ["nothing could be graded: every file was skipped: carol.ipynb "
                                  "(skipped: too large to extract safely (zip-bomb guard))"])}
    assert [s.notebook is None for s in subs] == [False, True, True]
    assert not (tmp_path / "escaped.ipynb").exists() and not (tmp_path / "work" / "escaped.ipynb").exists()
    assert _report(tmp_path / "work") == {
        ("../escaped.ipynb", "", intake.UNSAFE),
        ("/abs/escaped2.ipynb", "", intake.UNSAFE),
        ("alice.ipynb", "alice", intake.GRADED),
        ("bob.ipynb", "bob", intake.LINK),
        ("carol.ipynb", "carol", intake.TOO_BIG),
    }
    # A header that lies about the size is caught while extracting: the budget counts real bytes.
    monkeypatch.setattr(intake, "MAX_TOTAL_BYTES", 100)
    with zipfile.ZipFile(tmp_path / "big.zip", "w") as zf:
        zf.writestr("dora.ipynb", "x" * 150)
    with pytest.raises(IntakeError, match=r"holds no files to grade \(1 skipped as unsafe"):
        collect(tmp_path / "big.zip", LESSON, tmp_path / "w2")
    assert _report(tmp_path / "w2") == {("dora.ipynb", "", intake.TOO_BIG)}


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing", "does not exist"),
    (lambda p: (p / "x.txt").write_text("x") and p / "x.txt", "neither a folder nor a .zip"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "holds no files to grade"),
    (lambda p: _tree(p / "junk", {".DS_Store": "x"}), "holds no files to grade (only system files)"),
])
def test_unusable_uploads_raise_one_clear_error(tmp_path, make, message):
    with pytest.raises(IntakeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        collect(make(tmp_path), LESSON, tmp_path / "work")


def test_rerun_replaces_previous_copies(tmp_path):
    upload = _tree(tmp_path / "up", {"alice.ipynb": NB})
    collect(upload, LESSON, tmp_path / "work")
    (upload / "alice.ipynb").unlink()
    _tree(upload, {"bob.ipynb": NB})
    subs = collect(upload, LESSON, tmp_path / "work")
    assert [s.student for s in subs] == ["bob"]
    assert sorted(p.name for p in (tmp_path / "work" / "submissions").iterdir()) == ["bob.ipynb"]


def test_student_id_is_safe_for_file_names():
    assert intake.student_id(" Ana María López ") == "Ana_María_López"
    assert intake.student_id("../../etc") == "etc"
    assert intake.student_id("...") == "student"


def test_names_that_become_one_id_are_told_apart_and_both_flagged(tmp_path):
    upload = _tree(tmp_path / "up", {"O'Brien Sean/03_amnesty_poll.ipynb": NB, "O Brien Sean/03_amnesty_poll.ipynb": NB + " "})
    subs = collect(upload, LESSON, tmp_path / "work")
    digest = {raw: hashlib.sha256(raw.encode()).hexdigest()[:6] for raw in ("O'Brien Sean", "O Brien Sean")}
    assert _summary(subs) == {
        f"O_Brien_Sean_{digest['O Brien Sean']}": ("O Brien Sean/03_amnesty_poll.ipynb", [
            f"this name ('O Brien Sean') and \"O'Brien Sean\" both become 'O_Brien_Sean' as a file name: graded as "
            f"'O_Brien_Sean_{digest['O Brien Sean']}'; check that this is the right student"]),
        f"O_Brien_Sean_{digest[chr(79) + chr(39) + 'Brien Sean']}": ("O'Brien Sean/03_amnesty_poll.ipynb", [
            f"this name (\"O'Brien Sean\") and 'O Brien Sean' both become 'O_Brien_Sean' as a file name: graded as "
            f"'O_Brien_Sean_{digest[chr(79) + chr(39) + 'Brien Sean']}'; check that this is the right student"]),
    }
    # Each keeps their own notebook: nobody gets the other's grade.
    assert sorted(s.notebook.read_text() for s in subs) == sorted([NB, NB + " "])


def test_nfkc_makes_lookalike_names_one_student_with_both_folders_named(tmp_path):
    upload = _tree(tmp_path / "up", {"\uff21lice/03_amnesty_poll.ipynb": NB, "Alice/03_amnesty_poll.ipynb": NB},
                   mtimes={"Alice/03_amnesty_poll.ipynb": 1_000_000_000, "\uff21lice/03_amnesty_poll.ipynb": 2_000_000_000})
    assert _summary(collect(upload, LESSON, tmp_path / "work")) == {"Alice": ("\uff21lice/03_amnesty_poll.ipynb", [
        "2 submissions: graded the latest (\uff21lice/03_amnesty_poll.ipynb); not graded: Alice/03_amnesty_poll.ipynb"])}
    assert intake.student_id("Jose\u0301 Ruiz") == intake.student_id("Jos\u00e9 Ruiz") == "Jos\u00e9_Ruiz"


def test_intake_records_sha256_of_originals_and_working_copies(tmp_path):
    upload = _tree(tmp_path / "up", {"alice.ipynb": NB, "alice.txt": "notes"})
    [alice] = collect(upload, LESSON, tmp_path / "work")
    rows = {r.file: r for r in read_report(tmp_path / "work")}
    sha = hashlib.sha256(NB.encode()).hexdigest()
    assert (rows["alice.ipynb"].sha256, rows["alice.ipynb"].working_copy, rows["alice.ipynb"].working_sha256) == (
        sha, "submissions/alice.ipynb", sha)
    assert rows["alice.txt"].sha256 == hashlib.sha256(b"notes").hexdigest()
    assert (alice.sha256, alice.data) == (sha, NB.encode())
    assert intake.verify_upload(upload, list(rows.values())) == []
    (upload / "alice.ipynb").write_text(NB + "tampered")
    assert [r.file for r in intake.verify_upload(upload, list(rows.values()))] == ["alice.ipynb"]
