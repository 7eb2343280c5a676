"""Four definitions of "hate speech" side by side, and kit-written examples sorted under each.

Lesson 05 opens by asking what a hate-speech count counts. Four families of definition disagree
because they serve different purposes: a platform rule (what may stay up), criminal law (what may be
punished, and it varies by country), a research label (what coders marked) and "dangerous speech"
(what raises the risk of violence).

The examples are **written for the kit** (not real posts). They target an invented group, the
"Zemlans", and write a slur as the stand-in ``[slur]``, so no real slur and no real group is
attacked. The verdicts are the kit authors' reading of each definition, with the reason; a
``"depends"`` says that the definition turns on facts a short text does not give (context,
speaker, audience, country).

Sources
-------
- Twitter, "Hateful conduct policy", help.twitter.com/en/rules-and-policies/hateful-conduct-policy,
  as archived on 20 Sep 2018 (web.archive.org/web/20180920003701/...). Caste was added later [S].
- *Brandenburg v. Ohio*, 395 U.S. 444 (1969): US test for incitement.
- Germany, Strafgesetzbuch (StGB) s.130, *Volksverhetzung* (incitement of the people).
- India, Indian Penal Code s.153A (promoting enmity between groups); since 1 Jul 2024 the
  Bharatiya Nyaya Sanhita, s.196.
- Davidson, T., Warmsley, D., Macy, M., & Weber, I. (2017). Automated hate speech detection and the
  problem of offensive language. *ICWSM 2017*, 512-515.
- Dangerous Speech Project (S. Benesch), "Dangerous Speech: A Practical Guide" (dangerousspeech.org).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Definition:
    """One definition: a short name, its rule in the kit's words, its purpose, and its source."""

    key: str
    name: str
    rule: str
    purpose: str
    source: str


DEFINITIONS = (
    Definition(
        "platform",
        "Platform policy: Twitter's hateful conduct rule",
        "Users may not promote violence against, directly attack or threaten people on the basis of race, "
        "ethnicity, national origin, sexual orientation, gender, gender identity, religious affiliation, age, "
        "disability or serious disease. Listed examples include violent threats, wishing harm, inciting fear "
        "about a protected group, and repeated or non-consensual slurs. Context matters.",
        "What may stay on the platform; enforced by removal or suspension.",
        "Twitter, Hateful conduct policy, help.twitter.com/en/rules-and-policies/hateful-conduct-policy "
        "(archived 20 Sep 2018, web.archive.org).",
    ),
    Definition(
        "incitement_us",
        "Law: incitement in the US (Brandenburg test)",
        "Advocacy of force or law-breaking may be punished only if it is directed to inciting or producing "
        "imminent lawless action and is likely to produce it. Insults and hateful opinions are otherwise protected.",
        "What the state may punish; a very high bar. Other countries set the bar elsewhere: Germany's "
        "StGB s.130 punishes inciting hatred against a national, racial, religious or ethnic group, or attacking "
        "their human dignity, in a way capable of disturbing the public peace; India's IPC s.153A (now BNS s.196) "
        "punishes promoting enmity between groups. The same text can be legal in one country and a crime in another.",
        "Brandenburg v. Ohio, 395 U.S. 444 (1969); StGB s.130; IPC s.153A / BNS s.196.",
    ),
    Definition(
        "davidson",
        "Research label: Davidson et al. (2017)",
        "Coders chose one of three labels: hate speech (language that expresses hatred towards a targeted group "
        "or is meant to be derogatory, to humiliate or to insult its members), offensive but not hate speech, "
        "or neither. The tweet's label is the majority of at least three coders.",
        "A label for training and testing classifiers; separates hate from merely offensive language.",
        "Davidson, Warmsley, Macy & Weber (2017), ICWSM, pp. 512-515.",
    ),
    Definition(
        "dangerous",
        "Dangerous speech (Dangerous Speech Project)",
        "Any form of expression that can increase the risk that its audience will condone or commit violence "
        "against members of another group. Whether it does depends on the speaker, the audience, the social and "
        "historical context and how it spreads; hallmarks include dehumanising a group and telling the audience "
        "it is under threat from that group.",
        "Preventing violence; judged in context, not from words alone.",
        "Dangerous Speech Project (Susan Benesch), 'Dangerous Speech: A Practical Guide', dangerousspeech.org.",
    ),
)

#: Verdict words used in :data:`EXAMPLES`.
VERDICTS = ("yes", "no", "depends")


@dataclass(frozen=True)
class Example:
    """A kit-written statement (invented group "Zemlans"), with a verdict and reason per definition."""

    key: str
    text: str
    verdicts: dict  # definition key -> (verdict, reason)


EXAMPLES = (
    Example("E1", "Zemlans are vermin. They ruin every street they move into.", {
        "platform": ("yes", "a direct attack on people for their national origin or ethnicity; dehumanising."),
        "incitement_us": ("no", "hateful, but it calls for no imminent lawless action."),
        "davidson": ("yes", "expresses hatred towards a targeted group: a coder would mark it hate speech."),
        "dangerous": ("depends", "dehumanisation is a hallmark, but the risk depends on who says it, to whom, and when."),
    }),
    Example("E2", "This [slur] track is so good, my whole crew was dancing all night.", {
        "platform": ("no", "in-group, friendly use of a reclaimed word; the policy says context matters."),
        "incitement_us": ("no", "no call to any action."),
        "davidson": ("depends", "not hatred, but coders often marked such words 'offensive'; some would say 'neither'."),
        "dangerous": ("no", "it raises no one's risk of violence."),
    }),
    Example("E3", "Tonight at nine we meet outside the Zemlan centre on Elm Street. Bring petrol. None of them leave.", {
        "platform": ("yes", "promotes violence against a group on the basis of ethnicity."),
        "incitement_us": ("yes", "directed to imminent lawless action (tonight, a place, a means) and likely to produce it if credible."),
        "davidson": ("yes", "expresses hatred towards a targeted group."),
        "dangerous": ("yes", "a call to violence against a group, to an audience that could act on it."),
    }),
    Example("E4", "At the party my neighbour said \"Zemlans are vermin\" and I told him that is disgusting.", {
        "platform": ("no", "counter-speech: it quotes an attack in order to condemn it."),
        "incitement_us": ("no", "no call to any action."),
        "davidson": ("no", "it reports hatred without expressing it: 'neither' (some coders might say offensive)."),
        "dangerous": ("no", "it pushes against the risk, not towards it."),
    }),
    Example("E5", "The Zemlans are coming for our jobs and our daughters. When the time comes, we defend ourselves.", {
        "platform": ("yes", "incites fear about a group defined by national origin, one of the listed examples."),
        "incitement_us": ("no", "no imminent lawless action is called for: 'when the time comes' is not now."),
        "davidson": ("depends", "no slur or insult; whether coders see hatred depends on how they read the threat."),
        "dangerous": ("yes", "tells the audience it is threatened by the group and frames violence as self-defence, two hallmarks."),
    }),
    Example("E6", "You are a complete idiot. Go to hell.", {
        "platform": ("no", "abusive, but not on the basis of a protected category (other rules, such as abuse, may apply)."),
        "incitement_us": ("no", "no call to any action."),
        "davidson": ("no", "offensive language, not hate speech: no targeted group."),
        "dangerous": ("no", "no group, no violence."),
    }),
)


def definitions_table() -> pd.DataFrame:
    """The four definitions side by side (one row each: name, rule, purpose, source).

    Returns
    -------
    pandas.DataFrame
        Index: definition key (``platform, incitement_us, davidson, dangerous``).
    """
    return pd.DataFrame([d.__dict__ for d in DEFINITIONS]).set_index("key")


def examples_table() -> pd.DataFrame:
    """The kit-written examples (index ``E1``...``E6``, column ``text``), without verdicts."""
    return pd.DataFrame({"text": {e.key: e.text for e in EXAMPLES}}).rename_axis("example")


def verdict_table(with_reasons: bool = False) -> pd.DataFrame:
    """The kit's verdicts: examples (rows) x definitions (columns).

    Parameters
    ----------
    with_reasons : bool
        If True, each cell reads ``"yes: reason"``; otherwise only the verdict.

    Returns
    -------
    pandas.DataFrame of str
        Values in :data:`VERDICTS` (or with reasons).
    """
    keys = [d.key for d in DEFINITIONS]
    cells = {
        e.key: {k: (f"{e.verdicts[k][0]}: {e.verdicts[k][1]}" if with_reasons else e.verdicts[k][0]) for k in keys}
        for e in EXAMPLES
    }
    return pd.DataFrame.from_dict(cells, orient="index")[keys].rename_axis("example")


#: What a learner's starter dictionary holds before they sort an example (skipped by :func:`compare`).
PLACEHOLDERS = ("?", "")


def compare(my_verdicts: dict) -> pd.DataFrame:
    """Set a learner's sorting beside the kit's verdicts.

    Parameters
    ----------
    my_verdicts : dict
        ``{example key: {definition key: "yes" | "no" | "depends"}}``; missing cells are fine, and
        cells still holding a placeholder (``"?"``, ``""`` or ``None``) are skipped, so the kit's
        verdict and reason are shown only for what the learner has sorted.

    Returns
    -------
    pandas.DataFrame
        One row per (example, definition) the learner sorted: ``mine``, ``kit``, ``agree`` (bool)
        and the kit's ``reason``.

    Raises
    ------
    ValueError
        For an unknown example or definition key, or a verdict not in :data:`VERDICTS`.
    """
    examples = {e.key: e for e in EXAMPLES}
    keys = {d.key for d in DEFINITIONS}
    rows = []
    for example, verdicts in my_verdicts.items():
        if example not in examples:
            raise ValueError(f"unknown example {example!r}; use one of {sorted(examples)}")
        for key, mine in verdicts.items():
            if key not in keys:
                raise ValueError(f"unknown definition {key!r}; use one of {sorted(keys)}")
            if mine is None or str(mine).strip() in PLACEHOLDERS:
                continue  # not sorted yet: do not show the kit's answer for it
            if str(mine).strip().lower() not in VERDICTS:
                raise ValueError(f"verdict {mine!r} for {example}/{key}: use one of {VERDICTS}")
            kit, reason = examples[example].verdicts[key]
            rows.append({"example": example, "definition": key, "mine": mine, "kit": kit,
                         "agree": str(mine).strip().lower() == kit, "reason": reason})
    return pd.DataFrame(rows, columns=["example", "definition", "mine", "kit", "agree", "reason"])


def covered_count() -> pd.Series:
    """How many of the examples each definition covers (verdict ``"yes"``), a count per definition key."""
    return (verdict_table() == "yes").sum().rename("examples_covered")
