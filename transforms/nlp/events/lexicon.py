"""The event lexicon: PLOVER types by lemma and pattern, and the event word classes.

Both are data files (``transforms/data/events/plover.tsv`` and ``words.tsv`` by default),
read by :func:`load_lexicon` or by the registered ``presslake.event_lexicon.v1`` whose paths
are settings of ``[components.presslake_events.lexicon]`` in ``config.cfg``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from transforms.nlp.lexicons import (
    LexiconSource,
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
)
#: The registered function that reads the event lexicon (``@misc`` in the pipeline config).
LEXICON_FUNCTION = "presslake.event_lexicon.v1"
_PLOVER_FILE = "events/plover.tsv"
_WORDS_FILE = "events/words.tsv"
_PLOVER_COLUMNS = ("lemma", "pos", "pattern", "type")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One lexicon row: ``lemma`` (``pos``) with an optional ``pattern`` means ``type``."""

    lemma: str
    pos: str
    kind: str
    values: frozenset[str]
    event_type: str


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
    #: Lemmas with a NOUN (or any-POS) row: nouns the lexicon types.
    typed_nouns: frozenset[str]

    def words(self, name: str) -> frozenset[str]:
        """Words of the class ``name`` (``speech``, ``light``, ``eventive_noun``, ...).

        Raises:
            LexiconError: for a class name the lexicon does not know.
        """
        return self.classes.words(name)


#: The former name of :class:`EventLexicon`.
Lexicon = EventLexicon


def load_lexicon(
    plover: str | Path | None = None, *, words: str | Path | None = None
) -> EventLexicon:
    """Read the PLOVER lexicon and the event word classes (the packaged files by default),
    once per pair of paths.

    Raises:
        LexiconError: naming the file and line of a row with the wrong number of columns,
            an unknown PLOVER type or an unknown word class.
    """
    plover_path, words_path = lexicon_path(plover, _PLOVER_FILE), lexicon_path(words, _WORDS_FILE)
    stamp = (file_stamp(plover_path), file_stamp(words_path))
    return _load(str(plover_path), str(words_path), stamp)


@cache
def _load(plover: str, words: str, stamp: object) -> EventLexicon:
    table = read_table(plover, columns=_PLOVER_COLUMNS, required=2)
    entries: dict[str, list[LexiconEntry]] = {}
    for row in table.rows:
        lemma, pos, pattern, event_type = row.cells
        if event_type not in PLOVER_TYPES:
            raise table.error(row, f"unknown type {event_type!r}")
        kind, _, values = pattern.partition("=")
        entry = LexiconEntry(
            lemma, pos, kind, frozenset(values.split("|")) if values else frozenset(), event_type
        )
        entries.setdefault(lemma, []).append(entry)
    # Patterned rows first, so they win over the bare lemma.
    ordered = {
        lemma: tuple(sorted(rows, key=lambda e: (e.kind == "", e.pos == "*")))
        for lemma, rows in entries.items()
    }
    classes = read_word_classes(words, known=WORD_CLASSES)
    return EventLexicon(
        entries=ordered,
        classes=classes,
        sources=(table.source, classes.source),
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
        typed_nouns=frozenset(
            lemma for lemma, rows in ordered.items() if any(r.pos in {"NOUN", "*"} for r in rows)
        ),
    )


@register_lexicon(LEXICON_FUNCTION)
def event_lexicon_v1(plover: str = "", words: str = "") -> EventLexicon:
    """The event lexicon: PLOVER file ``plover`` and word classes ``words`` (empty: the
    packaged files under ``transforms/data/events/``)."""
    return load_lexicon(plover or None, words=words or None)
