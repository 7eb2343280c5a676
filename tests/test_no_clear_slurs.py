"""No git-tracked text file in the repository holds a slur in clear text.

The terms are read at run time from the fetched corpora (modlab.masking.clear_terms) and matched as
whole words, case-insensitively. A failure names the file, the line and the term's token, never the term.
"""

from __future__ import annotations

import re
import subprocess

from corpus_files import corpus_file
from modlab import masking


def tracked_text_files(root) -> list:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    files = []
    for name in out.decode("utf-8").split("\0"):
        path = root / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:  # binary (images, archives)
            continue
        try:
            files.append((name, data.decode("utf-8")))
        except UnicodeDecodeError:
            continue
    return files


def runtime_terms() -> masking.ClearTerms:
    return masking.clear_terms(
        corpus_file("hatecheck", "template_placeholders.csv"),
        corpus_file("davidson2017", "refined_ngram_dict.csv"),
        corpus_file("davidson2017", "labeled_data.csv"),
        corpus_file("hatecheck", "test_suite_cases.csv"),
    )


def scan(root, terms) -> tuple[int, list[str]]:
    """Return (number of tracked text files, ``file:line: [slur-NN]`` for every clear term found)."""
    number = {s: n for n, group in terms.items() for s in group}
    alts = "|".join(re.escape(s) for s in sorted(number, key=len, reverse=True))
    rx = re.compile(rf"(?<![^\W_])(?:{alts})(?![^\W_])", re.IGNORECASE)
    files = tracked_text_files(root)
    found = [
        f"{name}:{line_no}: {masking.token(number[hit.lower()])}"
        for name, text in files
        for line_no, line in enumerate(text.splitlines(), start=1)
        for hit in rx.findall(line)
    ]
    return len(files), found


def test_no_clear_term_in_tracked_files(repo_root):
    n_files, found = scan(repo_root, runtime_terms())
    assert n_files > 50  # the scan sees the repository, not an empty list
    assert not found, "clear slurs in tracked files (token shown instead of the term):\n" + "\n".join(found)


def test_scan_finds_a_planted_term(tmp_path):
    # A throwaway repository outside the project, with one term planted on line 2 in upper case.
    terms = runtime_terms()
    number, spelling = 5, terms[5][0]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "notes.md").write_text(f"line one\nsome {spelling.upper()}, here\n", encoding="utf-8")
    (tmp_path / "clean.md").write_text("nothing to see\n", encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    n_files, found = scan(tmp_path, terms)
    assert (n_files, found) == (2, [f"notes.md:2: {masking.token(number)}"])
