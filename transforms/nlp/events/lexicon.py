"""The event lexicon: PLOVER types by lemma and pattern, the event word classes, generic
agents and sports/entertainment discards.

``presslake.event_lexicon.v2`` (the default) reads the lexicon generated from the field's own
dictionaries by ``scripts/build_plover_lexicon.py`` (``events/plover_cameo.tsv``: PETRARCH2's
CAMEO verb patterns through the CAMEO -> PLOVER table, with its word sets
``plover_cameo_sets.tsv``), presslake's codebook-justified additions
(``plover_additions.tsv``, which win for the same word, POS and pattern), the Phoenix generic
agents (``agents.tsv``) and discards (``discards.tsv``). ``presslake.event_lexicon.v1`` reads
the former hand-written ``plover.tsv``. Paths are settings of
``[components.presslake_events.lexicon]`` in ``config.cfg``.

A pattern is empty (the word alone) or constraints joined by ``&``, each ``kind=values``:
``prt`` (particle), ``prep`` (a preposition on the trigger), ``obj`` (head of the direct
object or passive subject; for nouns, of a prepositional object), ``pp=PREP:W|W`` or
``pp=PREP:*``, ``xcomp`` (infinitival complement), ``mod`` (a noun's compound or adjective).
Rows with more constraints win; among equals, additions, then the row written for the word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from transforms.nlp.lexicons import (
    LexiconSource,
    Row,
    Table,
    WordClasses,
    file_stamp,
    lexicon_path,
    read_table,
    read_word_classes,
    register_lexicon,
)

PLOVER_TYPES = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
     "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
     "FIGHT", "DEMAND", "DISAPPROVE", "INVESTIGATE", "OTHER"}
)  # fmt: skip
#: Word classes of the event words file.
WORD_CLASSES = (
    "speech",
    "grammatical",
    "light",
    "negative",
    "request",
    "commit",
    "object_control",
    "eventive_noun",
    "participant_noun",
    "transfer",
    "unaccusative",
    "civilian_sector",
    "collective_noun",
    "support_verb",
    "note_verb",
    "protest_verb",
    "appeal_verb",
    "truce_noun",
    "explosive_noun",
    "leave_verb",
    "armed_sector",
    "accept_verb",
    "want_verb",
    "defenseless",
)
#: The registered function that reads the event lexicon (``@misc`` in the pipeline config).
LEXICON_FUNCTION = "presslake.event_lexicon.v1"
LEXICON_FUNCTION_V1 = "presslake.event_lexicon.v1"
LEXICON_FUNCTION = "presslake.event_lexicon.v2"
_PLOVER_FILE = "events/plover.tsv"
_CAMEO_FILE = "events/plover_cameo.tsv"
_SETS_FILE = "events/plover_cameo_sets.tsv"
_ADDITIONS_FILE = "events/plover_additions.tsv"
_AGENTS_FILE = "events/agents.tsv"
_DISCARDS_FILE = "events/discards.tsv"
_WORDS_FILE = "events/words.tsv"
_PLOVER_COLUMNS = ("lemma", "pos", "pattern", "type")
_CAMEO_COLUMNS = ("words", "pos", "pattern", "type", "cameo", "written_for")
_ADDITIONS_COLUMNS = ("lemma", "pos", "pattern", "type", "justification")
_PATTERN_KINDS = frozenset({"prt", "prep", "obj", "pp", "xcomp", "mod"})

#: One constraint of a pattern: ``(kind, values)``; for ``pp`` the values are
#: ``PREP:WORD`` strings (``PREP:*`` for any object).
Constraint = tuple[str, frozenset[str]]


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One lexicon row: ``lemma`` (``pos``) under the ``constraints`` means ``event_type``.

    Attributes:
        rank: Sort key among the rows of a lemma: more specific constraints first (a
            constraint on a word counts twice, ``pp=PREP:*`` once), then additions, then rows
            written for this lemma.
    """

    lemma: str
    pos: str
    constraints: tuple[Constraint, ...]
    event_type: str
    rank: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True, slots=True)
class Agent:
    """A generic agent ("police", "protesters", "the ministry") and its CAMEO sector."""

    code: str
    sector: str


@dataclass(frozen=True, slots=True)
class EventLexicon:
    """The PLOVER lexicon and the event word classes.

    Attributes:
        entries: Rows by lemma, patterned rows first (they win over the bare lemma).
        classes: The word classes; the attributes below are the ones the rules read.
        sources: The files read, for ``pipeline_version``.
    """

    entries: dict[str, tuple[LexiconEntry, ...]]
    classes: WordClasses
    sources: tuple[LexiconSource, ...]
    speech: frozenset[str]
    grammatical: frozenset[str]
    light: frozenset[str]
    negative: frozenset[str]
    request: frozenset[str]
    commit: frozenset[str]
    object_control: frozenset[str]
    eventive_nouns: frozenset[str]
    participant_nouns: frozenset[str]
    transfer: frozenset[str]
    #: Verbs whose subject undergoes the event ("fell", "collapsed").
    unaccusative: frozenset[str]
    #: Lemmas with a NOUN (or any-POS) row: nouns the lexicon types.
    typed_nouns: frozenset[str]
    #: Generic agents by lower-case phrase (one to four words).
    agents: dict[str, Agent] = field(default_factory=dict)
    #: Phrases (lower case) that mark sports and entertainment text.
    discards: frozenset[str] = frozenset()
    #: The discards as one pattern on whole words (``None`` without discards).
    discard_pattern: re.Pattern[str] | None = None

    def words(self, name: str) -> frozenset[str]:
        """Words of the class ``name`` (``speech``, ``light``, ``eventive_noun``, ...).

        Raises:
            LexiconError: for a class name the lexicon does not know.
        """
        return self.classes.words(name)


#: The former name of :class:`EventLexicon`.
Lexicon = EventLexicon


def parse_pattern(pattern: str, sets: dict[str, frozenset[str]] | None = None) -> tuple[
        Constraint, ...]:  # fmt: skip
    """The constraints of a pattern cell (``obj=talk|talks&pp=with:*``).

    Raises:
        ValueError: for an unknown kind or an undefined ``@SET``.
    """
    out: list[Constraint] = []
    for part in filter(None, pattern.split("&") if "=" in pattern else []):
        kind, _, raw = part.partition("=")
        if kind not in _PATTERN_KINDS:
            raise ValueError(f"unknown pattern kind {kind!r} in {pattern!r}")
        values: set[str] = set()
        prefix = ""
        if kind == "pp":
            prefix, _, raw = raw.partition(":")
            prefix += ":"
        for value in raw.split("|"):
            if value.startswith("@"):
                name = value
                if sets is None or name not in sets:
                    raise ValueError(f"undefined word set {value!r} in {pattern!r}")
                values.update(prefix + w for w in sets[name])
            else:
                values.add(prefix + value)
        out.append((kind, frozenset(values)))
    return tuple(out)


def load_lexicon(
    plover: str | Path | None = None, *, words: str | Path | None = None
) -> EventLexicon:
    """The default (v2) event lexicon, or the v1 lexicon when ``plover`` names a v1 file.

    Raises:
        LexiconError: naming the file and line of a malformed row.
    """
    if plover is not None:
        return load_lexicon_v1(plover, words=words)
    return load_lexicon_v2(words=words)


def load_lexicon_v1(
    plover: str | Path | None = None, *, words: str | Path | None = None
) -> EventLexicon:
    """Read the hand-written v1 PLOVER lexicon and the event word classes, once per pair of
    paths.

    Raises:
        LexiconError: naming the file and line of a row with the wrong number of columns,
            an unknown PLOVER type or an unknown word class.
    """
    plover_path, words_path = lexicon_path(plover, _PLOVER_FILE), lexicon_path(words, _WORDS_FILE)
    stamp = (file_stamp(plover_path), file_stamp(words_path))
    return _load_v1(str(plover_path), str(words_path), stamp)


def load_lexicon_v2(
    *,
    cameo: str | Path | None = None,
    sets: str | Path | None = None,
    additions: str | Path | None = None,
    words: str | Path | None = None,
    agents: str | Path | None = None,
    discards: str | Path | None = None,
) -> EventLexicon:
    """Read the lexicon built from the field's dictionaries (the packaged files by default).

    Raises:
        LexiconError: naming the file and line of a malformed row, an unknown type or an
            undefined word set.
    """
    paths = [
        lexicon_path(cameo, _CAMEO_FILE),
        lexicon_path(sets, _SETS_FILE),
        lexicon_path(additions, _ADDITIONS_FILE),
        lexicon_path(words, _WORDS_FILE),
        lexicon_path(agents, _AGENTS_FILE),
        lexicon_path(discards, _DISCARDS_FILE),
    ]
    stamp = tuple(file_stamp(path) for path in paths)
    return _load_v2(*(str(path) for path in paths), stamp)


def _entry(
    table: Table,
    row: Row,
    cells: tuple[str, str, str, str],
    sets: dict[str, frozenset[str]] | None,
    *,
    rank: tuple[int, int],
) -> LexiconEntry:
    lemma, pos, pattern, event_type = cells
    if event_type not in PLOVER_TYPES:
        raise table.error(row, f"unknown type {event_type!r}")
    try:
        constraints = parse_pattern(pattern, sets)
    except ValueError as error:
        raise table.error(row, str(error)) from None
    # a constraint on a word counts twice, a bare "pp=to:*" once
    weight = sum(1 if kind == "pp" and all(v.endswith(":*") for v in values) else 2
                 for kind, values in constraints)  # fmt: skip
    return LexiconEntry(lemma, pos, constraints, event_type, (-weight, *rank))


def _build(
    entries: dict[str, list[LexiconEntry]],
    classes: WordClasses,
    sources: tuple[LexiconSource, ...],
    *,
    agents: dict[str, Agent] | None = None,
    discards: frozenset[str] = frozenset(),
) -> EventLexicon:
    ordered = {
        lemma: tuple(sorted(rows, key=lambda e: (e.rank, e.pos == "*")))
        for lemma, rows in entries.items()
    }
    return EventLexicon(
        entries=ordered,
        classes=classes,
        sources=sources,
        speech=classes.words("speech"),
        grammatical=classes.words("grammatical"),
        light=classes.words("light"),
        negative=classes.words("negative"),
        request=classes.words("request"),
        commit=classes.words("commit"),
        object_control=classes.words("object_control"),
        eventive_nouns=classes.words("eventive_noun"),
        participant_nouns=classes.words("participant_noun"),
        transfer=classes.words("transfer"),
        unaccusative=classes.words("unaccusative"),
        typed_nouns=frozenset(
            lemma for lemma, rows in ordered.items() if any(r.pos in {"NOUN", "*"} for r in rows)
        ),
        agents=agents or {},
        discards=discards,
        discard_pattern=re.compile(
            r"\b(?:"
            + "|".join(re.escape(d) for d in sorted(discards, key=len, reverse=True))
            + r")\b"
        )
        if discards
        else None,
    )


@cache
def _load_v1(plover: str, words: str, stamp: object) -> EventLexicon:
    table = read_table(plover, columns=_PLOVER_COLUMNS, required=2)
    entries: dict[str, list[LexiconEntry]] = {}
    for row in table.rows:
        lemma, pos, pattern, event_type = row.cells
        entry = _entry(table, row, (lemma, pos, pattern, event_type), None, rank=(0, 0))
        entries.setdefault(lemma, []).append(entry)
    classes = read_word_classes(words, known=WORD_CLASSES)
    return _build(entries, classes, (table.source, classes.source))


@cache
def _load_v2(
    cameo: str,
    sets_path: str,
    additions: str,
    words: str,
    agents_path: str,
    discards_path: str,
    stamp: object,
) -> EventLexicon:
    sets_table = read_table(sets_path, columns=("set", "words"))
    sets = {row.cells[0]: frozenset(row.cells[1].split("|")) for row in sets_table.rows}
    entries: dict[str, list[LexiconEntry]] = {}
    extra = read_table(additions, columns=_ADDITIONS_COLUMNS, required=2)
    for row in extra.rows:
        lemma, pos, pattern, event_type, _ = row.cells
        entry = _entry(extra, row, (lemma, pos, pattern, event_type), sets, rank=(0, 0))
        entries.setdefault(lemma, []).append(entry)
    overridden = {(e.lemma, e.pos, e.constraints) for rows in entries.values() for e in rows}
    table = read_table(cameo, columns=_CAMEO_COLUMNS, required=2)
    for row in table.rows:
        words_cell, pos, pattern, event_type, _, written_for = row.cells
        for word in words_cell.split("|"):
            lemma, _, particle = word.partition("_")
            full = "&".join(filter(None, [f"prt={particle}" if particle else "", pattern]))
            own = written_for.replace("ise", "ize") in {lemma.replace("ise", "ize"), word}
            rank = (1, 0 if own else 1)
            entry = _entry(table, row, (lemma, pos, full, event_type), sets, rank=rank)
            if (lemma, pos, entry.constraints) not in overridden:
                entries.setdefault(lemma, []).append(entry)
    agent_table = read_table(agents_path, columns=("phrase", "code", "sector"))
    agents = {r.cells[0]: Agent(r.cells[1], r.cells[2]) for r in agent_table.rows}
    discard_table = read_table(discards_path, columns=("phrase", "scope"))
    classes = read_word_classes(words, known=WORD_CLASSES)
    return _build(
        entries,
        classes,
        (
            table.source,
            sets_table.source,
            extra.source,
            classes.source,
            agent_table.source,
            discard_table.source,
        ),
        agents=agents,
        discards=frozenset(r.cells[0] for r in discard_table.rows),
    )


@register_lexicon(LEXICON_FUNCTION_V1)
def event_lexicon_v1(plover: str = "", words: str = "") -> EventLexicon:
    """The v1 event lexicon: PLOVER file ``plover`` and word classes ``words`` (empty: the
    packaged files under ``transforms/data/events/``)."""
    return load_lexicon_v1(plover or None, words=words or None)


@register_lexicon(LEXICON_FUNCTION)
def event_lexicon_v2(
    cameo: str = "",
    sets: str = "",
    additions: str = "",
    words: str = "",
    agents: str = "",
    discards: str = "",
) -> EventLexicon:
    """The v2 event lexicon from the field's dictionaries (empty paths: the packaged files
    under ``transforms/data/events/``)."""
    return load_lexicon_v2(
        cameo=cameo or None,
        sets=sets or None,
        additions=additions or None,
        words=words or None,
        agents=agents or None,
        discards=discards or None,
    )
