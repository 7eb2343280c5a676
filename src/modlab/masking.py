"""Masking of slurs, user handles and URLs in the real text corpora.

The kit's real text corpora (the tweets and lexicon of Davidson et al. 2017, the test cases of
HateCheck, Röttger et al. 2021) are shown to learners masked: every user handle becomes
``@USER``, every URL becomes ``[URL]``, and every slur becomes a stable token such as
``[slur-07]``. The same slur (with its plurals and spelling variants) gets the same token in every
dataset and on every run, so learners can still count, compare and discuss terms without reading them.

Masking is the default of ``modlab.corpora.load``; ``unmask=True`` is the explicit, documented
opt-in for who needs the text as published.

The repository never holds a slur in clear text. The clear terms are read at run time from the two
fetched (checksum-verified) files; the package holds only ``share/masking/slur_tokens.json``, a table
of sha256 digests of normalised spellings (see :func:`term_hash`) giving each spelling its token number.

Which terms are slurs
---------------------
*Slurs* here are identity-based pejoratives: words or phrases that demean people for a protected
identity (gender, sexual orientation, gender identity, race or ethnicity, religion, disability,
national origin).

* HateCheck: every value of the ``[SLUR_*]`` placeholders in ``template_placeholders.csv``
  (18 slurs in 6 rows: singular, plural, and their leetspeak and spaced-out spellings; 108
  values), taken as published.
* Davidson et al.'s refined n-gram lexicon (``refined_ngram_dict.csv``, 178 entries): the entries
  were read by hand and every word or phrase inside them that is a slur or a spelling/plural variant
  of one was recorded as a hash (25 spellings in 17 groups, 7 of which are also HateCheck slurs).
  118 entries contain at least one of them; 17 entries are a slur on their own. Not recorded: identity
  nouns (e.g. the plural colour terms for Black and white people), generic insults and profanity,
  violent verbs, dehumanising words that are ordinary English nouns (animal names and the like),
  and dated descriptors that are ordinary words. The reclaimed spelling of the n-word that ends in
  ``-a`` is recorded as its own group (its own token), apart from the ``-er`` spelling, because
  telling the two apart is exactly what Davidson et al. discuss. Gendered slurs are recorded as
  HateCheck does (it lists three of them among its slurs).
* Token numbers (28 groups) were given once, in the order of the sha256 digest of each group's
  base spelling, and are fixed in the table: they depend neither on file order nor on which
  corpora are present. A new group gets the next free number.

How variants are matched
------------------------
Case-insensitively, as whole words (not preceded or followed by a letter or digit), for each spelling:

* plurals and possessives: ``-s``, ``-z``, ``'s``, ``-es`` after s/x/z/ch/sh; a final ``y`` may
  become ``ies``;
* leetspeak as HateCheck spells it (``4``/``@`` for a, ``3`` for e, ``1``/``!`` for i, ``0`` for o,
  ``5``/``$`` for s, ``7`` for t) and elongated letters (a letter repeated);
* spaced-out spellings, every letter separated by one space, dot, dash, underscore or asterisk
  (HateCheck's ``*_space_add``); all letters must be separated, so two ordinary words that happen
  to spell a term across one space never match;
* phrases with or without the space or a dash between their words;
* single-character deletions and adjacent swaps for one-word spellings of 6 letters or more, never
  touching the first letter, and only when the variant is not a common English word (``wordfreq``
  Zipf frequency below 2.5);
* a slur glued to a neighbouring word, HateCheck's ``spell_space_del`` (``Too many[SLUR_P]``): only
  when the other part is a common English word of 3+ letters (Zipf >= 3) and the fused word is not
  itself an English word (Zipf < 1), so words that merely contain a term keep their letters.

Handles and URLs
----------------
Davidson's tweets are spelled as Twitter delivered them: retweets start ``RT @name:``, links are
``http://t.co/...`` (sometimes cut short as ``http&#8230;``), and characters are HTML entities
(``&amp;``, ``&#8220;``). Entities are left as published (decode with :func:`html.unescape` if you need
to); a URL ends at whitespace, a quote or the next entity, so a following emoji entity survives.

References
----------
Davidson, T., Warmsley, D., Macy, M., & Weber, I. (2017). Automated hate speech detection and the
problem of offensive language. *Proceedings of ICWSM 2017*, 512-515.
Röttger, P., Vidgen, B., Nguyen, D., Waseem, Z., Margetts, H., & Pierrehumbert, J. (2021). HateCheck:
Functional tests for hate speech detection models. *Proceedings of ACL 2021*, 41-58.

Example
-------
>>> m = Masker({3: ["blorp"]})
>>> m.mask("RT @someone: two bl0rps http://t.co/x")
'RT @USER: two [slur-03] [URL]'
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd
from wordfreq import zipf_frequency

HANDLE = "@USER"
URL = "[URL]"
#: Hash-only table: sha256 of each normalised slur spelling -> token number.
TOKEN_TABLE = Path(__file__).resolve().parent / "share" / "masking" / "slur_tokens.json"

# A handle may follow a word ("...word@name" is common in the tweets) but not be an e-mail domain.
_HANDLE_RE = re.compile(r"(?<!@)@+\w++(?!\.\w)")  # "@@name" too; possessive: no backtracking into a domain
_URL_RE = re.compile(
    r"(?:(?<![\w/])(?:https?(?::/{0,2}|(?=&#8230;|…))|www\.)|(?<![\w/.])t\.co/)(?:(?!&#?\w+;)[^\s\"'<>])*",
    re.IGNORECASE,
)

# Leetspeak substitutions (HateCheck uses 4, 3, 1, 0 and 7).
_LEET = {"a": "a4@", "e": "e3", "i": "i1!", "o": "o0", "s": "s5$", "t": "t7"}
_SEP = r"[ ._*\-]"  # one separator between the letters of a spaced-out spelling
_BEFORE = r"(?<![^\W_])"  # not preceded by a letter or digit
_AFTER = r"(?![^\W_])"  # not followed by a letter or digit
_POSSESSIVE = r"['’]s"
_MIN_EDIT_LEN = 6  # deletion/swap variants only for spellings this long: short ones hit real words
_COMMON = 2.5  # Zipf frequency at which a deletion/swap variant counts as an ordinary English word


def normalise(term: str) -> str:
    """Return the form of a spelling that is hashed: NFKC, casefolded, whitespace runs -> one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", term).casefold()).strip()


def term_hash(term: str) -> str:
    """Return the hex sha256 of :func:`normalise` (``term``), the key used in :data:`TOKEN_TABLE`.

    Parameters
    ----------
    term : str
        A spelling, e.g. ``"Blorp"`` (same hash as ``" blorp "``).

    Returns
    -------
    str
        64 hexadecimal characters.
    """
    return hashlib.sha256(normalise(term).encode("utf-8")).hexdigest()


def token(number: int) -> str:
    """Return the mask token for group ``number``, e.g. ``token(7) == "[slur-07]"``."""
    return f"[slur-{number:02d}]"


def mask_handles_and_urls(text: str) -> str:
    """Replace user handles by ``@USER`` and URLs by ``[URL]``.

    Parameters
    ----------
    text : str
        A tweet or other text, e.g. ``"RT @name: look http://t.co/abc&#8221;"``.

    Returns
    -------
    str
        The text with ``@name`` -> ``@USER`` (also right after a word, but not in an e-mail
        address) and any ``http(s)://``, ``www.`` or ``t.co/`` link, including links cut short
        as ``http&#8230;``, -> ``[URL]``.
        HTML entities are kept as published (Davidson et al. 2017's tweets carry them).
    """
    return _URL_RE.sub(URL, _HANDLE_RE.sub(HANDLE, text))


def _cls(char: str, elongate: bool) -> str:
    chars = _LEET.get(char, char)
    body = f"[{re.escape(chars)}]" if len(chars) > 1 else re.escape(chars)
    return body + ("+" if elongate else "")


def _plain_pattern(spelling: str) -> str:
    """Letters in order (leet, elongation); words joined by nothing, spaces or dashes; plural."""
    stem, tail = (spelling[:-1], "(?:y+|ie)") if spelling.endswith("y") else (spelling, "")
    core = "".join(r"[\s_\-]*" if c == " " else _cls(c, elongate=True) for c in stem)
    return core + tail + _plural(spelling)


def _plural(spelling: str) -> str:
    # "-es" only where English puts it (after s, x, z, ch, sh): a bare "-es" would turn ordinary
    # words that start with a short term into matches.
    es = "e[s5]|" if spelling.endswith(("s", "x", "z", "ch", "sh", "y")) else ""
    return f"(?:{es}[s5z]|{_POSSESSIVE})?"


def _spaced_pattern(spelling: str) -> str:
    """Every letter separated by one separator (HateCheck's *_space_add), plural spaced too."""
    letters = spelling.replace(" ", "")
    stem, tail = (letters[:-1], f"(?:y|i{_SEP}e)") if letters.endswith("y") else (letters, "")
    core = _SEP.join(_cls(c, elongate=False) for c in stem)
    if tail:
        core += _SEP + tail
    es = f"(?:{_SEP}e)?" if spelling.endswith(("s", "x", "z", "ch", "sh", "y")) else ""
    return core + f"(?:{es}{_SEP}[s5z])?"


def _edit_variants(spelling: str) -> set[str]:
    """Single deletions and adjacent swaps after the first letter, minus ordinary English words."""
    if " " in spelling or len(spelling) < _MIN_EDIT_LEN or not spelling.isalpha():
        return set()
    out = {spelling[:i] + spelling[i + 1 :] for i in range(1, len(spelling))}
    out |= {
        spelling[:i] + spelling[i + 1] + spelling[i] + spelling[i + 2 :]
        for i in range(1, len(spelling) - 1)
        if spelling[i] != spelling[i + 1]
    }
    return {v for v in out - {spelling} if zipf_frequency(v, "en") < _COMMON}


def _bucketed(alternatives: Iterable[str]) -> str:
    """One alternation, bucketed by first character class behind a lookahead.

    At each word start the engine then tries a handful of buckets, not hundreds of alternatives:
    this is what keeps 25k tweets well under a second. Longer alternatives come first.
    """
    by_first: dict[str, set[str]] = {}
    for alt in alternatives:
        first = alt[: alt.index("]") + 1] if alt[0] == "[" else alt[0]
        by_first.setdefault(first, set()).add(alt)
    buckets = (
        f"(?={first})(?:" + "|".join(sorted(alts, key=lambda a: (-len(a), a))) + ")"
        for first, alts in sorted(by_first.items())
    )
    return "(?:" + "|".join(buckets) + ")"


def _collapse_spaced(spelling: str) -> str:
    """``"b l o r p"`` -> ``"blorp"``: HateCheck's spaced-out values are matched by the spaced pattern."""
    parts = spelling.split(" ")
    return "".join(parts) if len(parts) >= 3 and all(len(p) == 1 for p in parts) else spelling


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


class Masker:
    """Replace slurs by stable tokens, and handles and URLs by placeholders.

    Parameters
    ----------
    groups : Mapping[int, Iterable[str]]
        Token number -> clear spellings of one slur (base, plurals, spelling variants), known at run
        time only (see :func:`build_masker`). E.g. ``{3: ["blorp", "blorps"], 12: ["zindle"]}``.

    Notes
    -----
    Matching rules: see the module docstring. All spellings and variants are compiled into one
    regular expression for whole words and one for glued words: two passes per text.
    """

    def __init__(self, groups: Mapping[int, Iterable[str]]):
        self._groups = {n: sorted({normalise(s) for s in spellings}) for n, spellings in groups.items()}
        self._group_res: list[tuple[int, re.Pattern[str]]] = []
        all_alts: set[str] = set()
        glue_alts: set[str] = set()
        for number, spellings in sorted(self._groups.items()):
            alts: set[str] = set()
            for raw in spellings:
                s = _collapse_spaced(raw)
                plain = _plain_pattern(s)
                alts |= {plain, _spaced_pattern(s)}
                alts |= {_plain_pattern(v) for v in _edit_variants(s)}
                glue_alts.add(plain)
            self._group_res.append(
                (number, re.compile("(?:" + "|".join(sorted(alts, key=len, reverse=True)) + ")", re.I))
            )
            all_alts |= alts
        self._re = re.compile(_BEFORE + _bucketed(all_alts) + _AFTER, re.I) if all_alts else None
        # Glued words (HateCheck's space deletion): a term at the start or end of a longer word.
        glue, rest = _bucketed(glue_alts), r"[^\W\d_]{3,}"
        self._glue_re = (
            re.compile(_BEFORE + rf"(?:(?P<pre>{rest}?)(?P<t1>{glue})|(?P<t2>{glue})(?P<post>{rest}))" + _AFTER, re.I)
            if glue_alts
            else None
        )

    @property
    def numbers(self) -> list[int]:
        """Token numbers this masker uses, ascending."""
        return sorted(self._groups)

    def _number_of(self, matched: str) -> int:
        for number, rx in self._group_res:
            if rx.fullmatch(matched):
                return number
        raise AssertionError("a match belongs to no group")  # pragma: no cover - patterns come from groups

    def _replace(self, m: re.Match[str]) -> str:
        return token(self._number_of(m.group(0)))

    def _replace_glued(self, m: re.Match[str]) -> str:
        word = m.group(0)
        term, rest = (m["t1"], m["pre"]) if m["t1"] is not None else (m["t2"], m["post"])
        if _zipf(word.lower()) >= 1.0:
            return word  # an English word that merely contains a term
        if self._re.fullmatch(rest):  # two slurs glued together
            rest = token(self._number_of(rest))
        elif _zipf(rest.lower()) < 3.0:
            return word  # the rest is not a common word: no evidence of a deleted space
        masked = token(self._number_of(term))
        return rest + masked if m["t1"] is not None else masked + rest

    def mask_slurs(self, text: str) -> str:
        """Replace every slur (and variant) in ``text`` by its token; handles and URLs untouched."""
        if self._re is None:
            return text
        text = self._re.sub(self._replace, text)
        return self._glue_re.sub(self._replace_glued, text)

    def mask(self, text: str) -> str:
        """Mask handles and URLs (:func:`mask_handles_and_urls`), then slurs.

        Parameters
        ----------
        text : str
            Any text.

        Returns
        -------
        str
            The masked text; a slur inside a handle disappears with the handle.
        """
        return self.mask_slurs(mask_handles_and_urls(text))

    def mask_series(self, texts: pd.Series) -> pd.Series:
        """Apply :meth:`mask` to every string of a Series (missing values stay missing).

        Parameters
        ----------
        texts : pandas.Series of str
            E.g. the ``tweet`` column of Davidson et al. (2017): 24,783 rows take about 1.3 s.

        Returns
        -------
        pandas.Series of str
            Same index and name.
        """
        return texts.map(self.mask, na_action="ignore")

    def tokens_found(self, text: str) -> list[str]:
        """Return the tokens that :meth:`mask` puts into ``text``, in order of appearance."""
        return re.findall(r"\[slur-\d{2,}\]", self.mask(text))


def _hatecheck_slur_values(placeholders: Path) -> list[str]:
    frame = pd.read_csv(placeholders)
    rows = frame[frame["Placeholder"].str.startswith("[SLUR")]
    if rows.empty:
        raise ValueError(f"{placeholders} has no [SLUR_*] placeholder rows")
    return [v.strip() for values in rows["Values"] for v in values.split(",") if v.strip()]


def _lexicon_ngrams(lexicon: Path) -> list[str]:
    # The published file ends its lines with CR only; pandas' parser reads those as line ends.
    return pd.read_csv(lexicon)["ngram"].tolist()


def _sub_ngrams(entry: str) -> Iterable[str]:
    words = entry.split()
    return (" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1))


def _token_table() -> tuple[dict[str, int], set[str]]:
    table = json.loads(TOKEN_TABLE.read_text(encoding="utf-8"))
    numbers = {h: g["token"] for g in table["groups"] for h in g["spellings"]}
    return numbers, set(table["davidson_slurs"])


class ClearTerms(dict):
    """A ``dict`` of token number -> clear spellings whose repr hides the spellings.

    So that a traceback, a pytest failure report or a notebook cell echo never shows a term.
    """

    def __repr__(self) -> str:
        return f"<ClearTerms: {len(self)} groups, {sum(map(len, self.values()))} spellings (hidden)>"

    __str__ = __repr__


def clear_terms(hatecheck_placeholders: Path, davidson_lexicon: Path) -> ClearTerms:
    """Return the clear slur spellings per token number, read from the fetched files.

    FOR TESTS AND CHECKS ONLY (e.g. scanning masked output or the repository for leaks). Never print,
    log or save what this returns: report token numbers instead.

    Parameters
    ----------
    hatecheck_placeholders : Path
        HateCheck's ``template_placeholders.csv`` (Röttger et al. 2021).
    davidson_lexicon : Path
        Davidson et al. (2017)'s ``refined_ngram_dict.csv``.

    Returns
    -------
    ClearTerms
        A dict, token number -> sorted normalised spellings (HateCheck's ``[SLUR_*]`` values and the lexicon's
        slur words/phrases, see the module docstring).

    Raises
    ------
    ValueError
        If a HateCheck slur value is missing from :data:`TOKEN_TABLE` (the file is not the pinned one).
    """
    numbers, davidson = _token_table()
    groups: dict[int, set[str]] = {}
    for value in _hatecheck_slur_values(Path(hatecheck_placeholders)):
        digest = term_hash(value)
        if digest not in numbers:
            raise ValueError(
                f"HateCheck slur value with sha256 {digest[:12]}... is not in {TOKEN_TABLE.name}; "
                "is template_placeholders.csv the pinned version?"
            )
        groups.setdefault(numbers[digest], set()).add(normalise(value))
    for entry in _lexicon_ngrams(Path(davidson_lexicon)):
        for gram in _sub_ngrams(entry):
            digest = term_hash(gram)
            if digest in davidson:
                groups.setdefault(numbers[digest], set()).add(normalise(gram))
    return ClearTerms({n: sorted(s) for n, s in sorted(groups.items())})


def build_masker(hatecheck_placeholders: Path, davidson_lexicon: Path) -> Masker:
    """Build the :class:`Masker` for the kit's corpora from the two fetched files.

    Parameters
    ----------
    hatecheck_placeholders : Path
        HateCheck's ``template_placeholders.csv`` (Röttger et al. 2021, ACL).
    davidson_lexicon : Path
        Davidson et al. (2017, ICWSM)'s ``refined_ngram_dict.csv`` (CR line endings are fine).

    Returns
    -------
    Masker
        Masks 28 slur groups with tokens ``[slur-01]`` ... ``[slur-28]``, handles and URLs.

    Raises
    ------
    ValueError
        See :func:`clear_terms`.
    """
    return Masker(clear_terms(hatecheck_placeholders, davidson_lexicon))
