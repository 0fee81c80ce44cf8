"""Entity mention records and canonical entity keys."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from transforms.ids import entity_id_for

#: NER labels that name entities (numbers, dates and quantities are not entities).
ENTITY_LABELS = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of an entity inside one Doc (offsets are characters into ``doc.text``).

    Attributes:
        kind: ``name``, ``pronoun`` or ``description``.
        entity_key: Canonical key ``TYPE|normalised name``; the entity id is its hash.
        entity_name: Canonical name of the entity.
        entity_type: OntoNotes type of the entity (a demonym mention has label NORP and the
            type of its country, GPE).
    """

    start_char: int
    end_char: int
    text: str
    label: str
    kind: str
    entity_key: str
    entity_name: str
    entity_type: str
    sentence_index: int

    @property
    def entity_id(self) -> str:
        """Canonical entity id."""
        return _entity_id(self.entity_key)


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """One row of ``entity_mentions``."""

    mention_id: str
    doc_id: str
    entity_id: str
    text: str
    label: str
    start_char: int
    end_char: int
    sentence_index: int
    mention_kind: str
    entity_name: str
    entity_type: str
    entity_key: str


@lru_cache(maxsize=16384)
def _entity_id(entity_key: str) -> str:
    """:func:`entity_id_for`, memoised: every row of a mention and of the events and quotes
    it takes part in asks for its id again."""
    return entity_id_for(entity_key)


@lru_cache(maxsize=16384)
def norm(text: str) -> str:
    """Normalised surface form: one space, straight apostrophes, lower case, no "the"/"'s".

    Memoised: the same names recur within and across articles.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.replace("’", "'").split()).lower()
    if text.startswith("the "):
        text = text[4:]
    if text.endswith("'s"):
        text = text[:-2].rstrip()
    elif text.endswith("'"):
        text = text[:-1]
    return text


def make_key(entity_type: str, name: str) -> str:
    """Canonical entity key ``TYPE|normalised name``."""
    return f"{entity_type}|{norm(name)}"
