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
  of one was recorded as a hash (26 spellings in 18 groups, 7 of which are also HateCheck slurs).
  119 entries contain at least one of them; 18 entries are a slur on their own. Not recorded: identity
  nouns (e.g. the plural colour terms for Black and white people), generic insults and profanity,
  violent verbs, dehumanising words that are ordinary English nouns (animal names and the like)
  when they stand alone, and dated descriptors that were ordinary words in their time. A racial
  animal-insult phrase of the lexicon (an insult plus an animal name, a well-known anti-Black
  pejorative) is an identity-based pejorative as a phrase: it is group 49, added later. The reclaimed spelling of the n-word that ends in
  ``-a`` is recorded as its own group (its own token), apart from the ``-er`` spelling, because
  telling the two apart is exactly what Davidson et al. discuss. Gendered slurs are recorded as
  HateCheck does (it lists three of them among its slurs).
* Extra terms, in neither file, found by reading the masked tweets (``extra_slurs`` in the table):
  20 identity-based pejoratives, groups 29-48 (anti-Latino, antisemitic, anti-Black words and a
  phrase, a compound of the n-word and its ``-a`` form as two groups as above, anti-Arab words and a
  phrase, anti-South-Asian, anti-Asian words and a mocking phrase, anti-Native, anti-lesbian and
  ableist words), and 2 more spellings of known groups (a clipped form of ``[slur-03]``, a
  one-letter alternative spelling of ``[slur-17]``). Their clear spellings are the words and word
  pairs of the tweets and HateCheck cases whose hash is listed (:func:`corpus_vocabulary`), so they
  too are read from the fetched files at run time. ``[slur-36]`` is a gendered pejorative (in 4,028
  of the tweets and 4 HateCheck cases): it is masked, as its own group, because HateCheck's own
  slur list includes gendered slurs and the kit follows one rule for all of them.
* Token numbers (49 groups) are fixed in the table: they depend neither on file order nor on which
  corpora are present. Groups 1-28 were numbered once in the order of the sha256 digest of each
  group's base spelling, groups 29-48 (added later) likewise after them, then group 49. A new group gets the
  next free number; no group is renumbered.
* Known gaps: anti-white words that are also ordinary words or regional/class labels, compounds
  that glue a term to a word that is not common English (other than in hashtags), and terms no
  reviewer has found yet. Known over-masking: one extra term is also a nickname and another an
  ordinary (rare) word in a few tweets; the ``-ed`` form of ``[slur-08]`` is also an ordinary word.

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
  Zipf frequency below 2.5)
  (a deletion variant that, with one letter doubled, spells a common word is not generated either:
  elongation would match that word);
* a slur glued to a neighbouring word, HateCheck's ``spell_space_del`` (``Too many[SLUR_P]``): only
  when the other part is a common English word of 3+ letters (Zipf >= 3) and the fused word is not
  itself an English word (Zipf < 1), so words that merely contain a term keep their letters;
* a slur at the start or end of a hashtag (``#blorplivesmatter``, ``#stopblorp``), whatever the
  rest, unless the hashtag is an English word (Zipf >= 1) or a common word (Zipf >= 2.5) longer than
  the term sits at that end (``#sunnyday`` for a term ``sunn``).

Derived forms and letter substitutions are found, not guessed: :func:`clear_terms` adds to a group
each form of its one-word spellings that occurs in the tweets or HateCheck cases and is not an
ordinary English word. The forms are ``-ed`` (``-d`` after ``e``), ``-ing``, ``-in``, ``-y``, ``-ish``
(a final ``e`` dropped; also after a doubled final consonant, e.g. ``-tty``), an added ``-h`` after a
final vowel (with its plural ``-hs``), and ``q`` written for ``g`` (every ``g`` or one), with the
derived forms of that spelling. A form is an ordinary word when its Zipf frequency is at least 2.5
and more than 0.5 above the term's own: a word far more common than the slur merely starts with it.
Once added, a form is matched like any spelling (plurals, leetspeak, elongation...).

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
from functools import cached_property, lru_cache
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
    # Letters may be elongated, so a variant is also ordinary if doubling one of its letters gives a
    # common word (a deletion variant of a 6-letter term, doubled, can spell an everyday noun).
    return {
        v
        for v in out - {spelling}
        if all(_zipf(w) < _COMMON for w in {v} | {v[:i] + v[i] + v[i:] for i in range(1, len(v))})
    }


def _bucketed(alternatives: Iterable[str], order: list[str] | None = None) -> str:
    """One alternation, bucketed by first character class behind a lookahead.

    At each word start the engine then tries a handful of buckets, not hundreds of alternatives:
    this is what keeps 25k tweets well under a second. Longer alternatives come first. With
    ``order``, every alternative becomes a capturing group and ``order`` receives them in group order.
    """
    by_first: dict[str, set[str]] = {}
    for alt in alternatives:
        first = alt[: alt.index("]") + 1] if alt[0] == "[" else alt[0]
        by_first.setdefault(first, set()).add(alt)
    buckets = []
    for first, alts in sorted(by_first.items()):
        ranked = sorted(alts, key=lambda a: (-len(a), a))
        if order is not None:
            order.extend(ranked)
            ranked = [f"({a})" for a in ranked]
        buckets.append(f"(?={first})(?:" + "|".join(ranked) + ")")
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
    regular expression for whole words and one for glued words and hashtags: two passes per text.
    """

    def __init__(self, groups: Mapping[int, Iterable[str]]):
        self._groups = {n: sorted({normalise(s) for s in spellings}) for n, spellings in groups.items()}
        number_of_alt: dict[str, int] = {}
        glue_alts: set[str] = set()
        for number, spellings in sorted(self._groups.items()):
            for raw in spellings:
                s = _collapse_spaced(raw)
                plain = _plain_pattern(s)
                for alt in {plain, _spaced_pattern(s)} | {_plain_pattern(v) for v in _edit_variants(s)}:
                    number_of_alt.setdefault(alt, number)
                glue_alts.add(plain)
        self._number_of_alt = number_of_alt
        self._re = re.compile(_BEFORE + _bucketed(number_of_alt) + _AFTER, re.I) if number_of_alt else None
        # Glued words: a term at the start or end of a longer word (HateCheck's space deletion), or
        # at the start of a hashtag (several words glued). The rest of the word is checked in
        # _replace_glued, which tells the two apart.
        glue = _bucketed(glue_alts)
        self._glue_re = (
            re.compile(
                _BEFORE + rf"(?:(?P<pre>[^\W\d_]{{3,}}?)(?P<t1>{glue})|(?P<t2>{glue})(?P<post>[^\W_]+))" + _AFTER, re.I
            )
            if glue_alts
            else None
        )
        self._numbers_seen: dict[str, int] = {}

    @property
    def numbers(self) -> list[int]:
        """Token numbers this masker uses, ascending."""
        return sorted(self._groups)

    @cached_property
    def _which_re(self) -> re.Pattern[str]:
        # Every alternative a capturing group: the index of the group that matched gives the token
        # number. Only for telling which term a match is (capturing groups make searching 4x slower).
        order: list[str] = []
        body = _bucketed(self._number_of_alt, order)
        self._number_of_index = [0] + [self._number_of_alt[a] for a in order]
        return re.compile(body, re.I)

    def _number_of(self, matched: str) -> int:
        key = matched.lower()
        if key not in self._numbers_seen:
            m = self._which_re.fullmatch(matched)
            if m is None:  # pragma: no cover - callers pass text the patterns matched
                raise AssertionError("a match belongs to no group")
            self._numbers_seen[key] = self._number_of_index[m.lastindex]
        return self._numbers_seen[key]

    def _replace(self, m: re.Match[str]) -> str:
        return token(self._number_of(m.group(0)))

    def _replace_glued(self, m: re.Match[str]) -> str:
        word = m.group(0)
        if _zipf(word.lower()) >= 1.0:
            return word  # an English word that merely contains a term
        if m.start() > 0 and m.string[m.start() - 1] == "#":
            return self._replace_hashtag(m["t1"] or m["t2"], m["pre"] or m["post"], at_start=m["t1"] is None)
        if m["t1"] is None and not (m["post"].isalpha() and len(m["post"]) >= 3):
            return word
        term, rest = (m["t1"], m["pre"]) if m["t1"] is not None else (m["t2"], m["post"])
        if self._re.fullmatch(rest):  # two slurs glued together
            rest = token(self._number_of(rest))
        elif _zipf(rest.lower()) < 3.0:
            return word  # the rest is not a common word: no evidence of a deleted space
        masked = token(self._number_of(term))
        return rest + masked if m["t1"] is not None else masked + rest

    def _replace_hashtag(self, term: str, rest: str, at_start: bool) -> str:
        """A hashtag glues several words: mask a term at its start or end unless an ordinary word holds it."""
        if self._re.fullmatch(rest):  # "#" + two terms
            rest = token(self._number_of(rest))
        else:
            body = (term + rest if at_start else rest + term).lower()
            # A common word longer than the term at that end ("#" + an ordinary word that begins or
            # ends with a short term) means the term is only some letters of that word.
            if at_start:
                longer = (body[:end] for end in range(len(term) + 1, len(body) + 1))
            else:
                longer = (body[start:] for start in range(len(rest)))
            if any(_zipf(w) >= _COMMON for w in longer):
                return term + rest if at_start else rest + term
        masked = token(self._number_of(term))
        return masked + rest if at_start else rest + masked

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
            E.g. the ``tweet`` column of Davidson et al. (2017): 24,783 rows take about 2 s
            (17,435 of them get at least one token).

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


def _token_table() -> tuple[dict[str, int], set[str], set[str]]:
    """Return (spelling hash -> token number, Davidson lexicon hashes, extra hashes found in corpus text)."""
    table = json.loads(TOKEN_TABLE.read_text(encoding="utf-8"))
    numbers = {h: g["token"] for g in table["groups"] for h in g["spellings"]}
    return numbers, set(table["davidson_slurs"]), set(table["extra_slurs"])


_WORD_RE = re.compile(r"[^\W\d_]+")


def corpus_vocabulary(texts: Iterable[str]) -> set[str]:
    """Return the distinct lower-cased words and word pairs of ``texts``, plus each word without a plural ending.

    Words are runs of letters of the :func:`normalise`-d text (handles and URLs are not removed: a
    term found there is still a term). The vocabulary is where :func:`clear_terms` looks for the
    ``extra_slurs`` spellings and for attested derived forms.

    Parameters
    ----------
    texts : iterable of str
        E.g. Davidson et al. (2017)'s tweets and HateCheck's test cases.

    Returns
    -------
    set of str
        Words (``"blorp"``), pairs of neighbouring words (``"grump toad"``), and ``"blorp"`` for
        ``"blorps"``/``"blorpz"``/``"blorpes"``.
    """
    vocab: set[str] = set()
    # One NFKC/casefold of all texts at once (per text it is the slowest step); NUL separates them.
    for text in unicodedata.normalize("NFKC", "\0".join(texts)).casefold().split("\0"):
        words = _WORD_RE.findall(text)
        vocab.update(words)
        vocab.update(map(" ".join, zip(words, words[1:])))
    vocab |= {w[:-1] for w in vocab if w.endswith(("s", "z")) and " " not in w}
    vocab |= {w[:-2] for w in vocab if w.endswith("es") and " " not in w}
    return vocab


#: Derivational endings matched when attested: "-ed", "-ing", "-in", "-y", "-ish" (also after a
#: doubled final consonant: "-tty"), and "-h" after a final vowel ("-hs" is its plural).
_SUFFIXES = ("ed", "ing", "in", "y", "ish")
_SUBSTITUTIONS = {"g": "q"}  # a letter written for one that looks alike ("q" for "g")
_DERIVED_MARGIN = 0.5  # a derived form this much more frequent (Zipf) than its base is an ordinary word


def _derived_candidates(spelling: str) -> set[str]:
    """Letter-substitution spellings of ``spelling`` and the derived forms of both (unchecked)."""
    if " " in spelling or not spelling.isalpha():
        return set()
    subs = set()
    for old, new in _SUBSTITUTIONS.items():
        if old in spelling:
            subs.add(spelling.replace(old, new))
            subs |= {spelling[:i] + new + spelling[i + 1 :] for i, c in enumerate(spelling) if c == old}
    out = set(subs)
    for base in {spelling} | subs:
        stem = base[:-1] if base.endswith("e") else base
        out |= {stem + suffix for suffix in _SUFFIXES}
        if base.endswith("e"):
            out.add(base + "d")
        if base[-1] not in "aeiouy":
            out |= {base + base[-1] + suffix for suffix in _SUFFIXES}
        else:
            out.add(base + "h")
    return out - {spelling}


def _attested_variants(spelling: str, vocabulary: set[str]) -> set[str]:
    """Derived/substituted spellings of ``spelling`` that occur in ``vocabulary`` and are not ordinary words.

    A variant counts as an ordinary English word when its Zipf frequency (wordfreq) is at least
    2.5 and more than 0.5 above that of the spelling itself: a word far more common than the slur
    merely starts with it.
    """
    ceiling = max(_COMMON, _zipf(spelling) + _DERIVED_MARGIN)
    return {v for v in _derived_candidates(spelling) & vocabulary if _zipf(v) < ceiling}


class ClearTerms(dict):
    """A ``dict`` of token number -> clear spellings whose repr hides the spellings.

    So that a traceback, a pytest failure report or a notebook cell echo never shows a term.
    """

    def __repr__(self) -> str:
        return f"<ClearTerms: {len(self)} groups, {sum(map(len, self.values()))} spellings (hidden)>"

    __str__ = __repr__


def clear_terms(
    hatecheck_placeholders: Path,
    davidson_lexicon: Path,
    davidson_tweets: Path,
    hatecheck_cases: Path,
) -> ClearTerms:
    """Return the clear slur spellings per token number, read from the fetched files.

    FOR TESTS AND CHECKS ONLY (e.g. scanning masked output or the repository for leaks). Never print,
    log or save what this returns: report token numbers instead.

    Parameters
    ----------
    hatecheck_placeholders : Path
        HateCheck's ``template_placeholders.csv`` (Röttger et al. 2021).
    davidson_lexicon : Path
        Davidson et al. (2017)'s ``refined_ngram_dict.csv``.
    davidson_tweets : Path
        Davidson et al. (2017)'s ``labeled_data.csv`` (column ``tweet``).
    hatecheck_cases : Path
        HateCheck's ``test_suite_cases.csv`` (column ``test_case``).

    Returns
    -------
    ClearTerms
        A dict, token number -> sorted normalised spellings: HateCheck's ``[SLUR_*]`` values, the
        lexicon's slur words/phrases, the ``extra_slurs`` words and pairs found in the tweets and
        test cases, and the derived forms of all of these attested there (see the module docstring).

    Raises
    ------
    ValueError
        If a HateCheck slur value is missing from :data:`TOKEN_TABLE` (the file is not the pinned one).
    """
    numbers, davidson, extra = _token_table()
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
    texts = pd.concat(
        [
            pd.read_csv(davidson_tweets, usecols=["tweet"])["tweet"],
            pd.read_csv(hatecheck_cases, usecols=["test_case"])["test_case"],
        ]
    ).dropna()
    vocabulary = corpus_vocabulary(texts)
    for word in vocabulary:  # already normalised: hash directly (term_hash per word doubles build time)
        digest = hashlib.sha256(word.encode("utf-8")).hexdigest()
        if digest in extra:
            groups.setdefault(numbers[digest], set()).add(word)
    for number, spellings in groups.items():
        spellings |= {v for s in list(spellings) for v in _attested_variants(_collapse_spaced(s), vocabulary)}
    return ClearTerms({n: sorted(s) for n, s in sorted(groups.items())})


def build_masker(
    hatecheck_placeholders: Path,
    davidson_lexicon: Path,
    davidson_tweets: Path,
    hatecheck_cases: Path,
) -> Masker:
    """Build the :class:`Masker` for the kit's corpora from the four fetched files.

    Parameters
    ----------
    hatecheck_placeholders : Path
        HateCheck's ``template_placeholders.csv`` (Röttger et al. 2021, ACL).
    davidson_lexicon : Path
        Davidson et al. (2017, ICWSM)'s ``refined_ngram_dict.csv`` (CR line endings are fine).
    davidson_tweets : Path
        Davidson et al. (2017)'s ``labeled_data.csv``: its words give the extra slurs and attested variants.
    hatecheck_cases : Path
        HateCheck's ``test_suite_cases.csv``, read for the same reason.

    Returns
    -------
    Masker
        Masks 49 slur groups with tokens ``[slur-01]`` ... ``[slur-49]``, handles and URLs.
        Building takes about a second of CPU time (0.5 s of it reading and tokenising the 28k texts).

    Raises
    ------
    ValueError
        See :func:`clear_terms`.
    """
    return Masker(clear_terms(hatecheck_placeholders, davidson_lexicon, davidson_tweets, hatecheck_cases))
