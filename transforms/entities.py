"""Entity mentions and within-document entity resolution.

The ``presslake_entities_v1`` component turns the NER spans of a Doc into mentions that
carry a canonical entity key; ``extract_entity_mentions`` yields the warehouse rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.ids import entity_id_for, row_id

#: NER labels that name entities (numbers, dates and quantities are not entities).
ENTITY_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
     "LANGUAGE"}
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of an entity inside one Doc (offsets are characters into ``doc.text``)."""

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
        return entity_id_for(self.entity_key)


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


if not Doc.has_extension("pl_mentions"):
    Doc.set_extension("pl_mentions", default=None)
if not Doc.has_extension("pl_sent_starts"):
    Doc.set_extension("pl_sent_starts", default=None)


def sentence_starts(doc: Doc) -> list[int]:
    """Character offsets where each sentence starts (cached on the Doc)."""
    starts = doc._.pl_sent_starts
    if starts is None:
        starts = [sent.start_char for sent in doc.sents] if doc.has_annotation("SENT_START") else [0]
        doc._.pl_sent_starts = starts
    return list(starts)


def sentence_index_at(doc: Doc, char: int) -> int:
    """0-based index of the sentence containing character ``char``."""
    starts = sentence_starts(doc)
    lo, hi = 0, len(starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= char:
            lo = mid
        else:
            hi = mid
    return lo


def _trim(span: Span) -> Span:
    """Drop a leading determiner and a trailing possessive from an entity span."""
    start, end = span.start, span.end
    while start < end and span.doc[start].lower_ in {"the", "a", "an"}:
        start += 1
    while end > start and span.doc[end - 1].tag_ == "POS":
        end -= 1
    if end <= start or (start, end) == (span.start, span.end):
        return span
    return Span(span.doc, start, end, label=span.label_)


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _resolve(doc: Doc) -> list[Mention]:
    spans = [_trim(ent) for ent in doc.ents if ent.label_ in ENTITY_LABELS]
    persons = sorted(
        {_norm(span.text): span.text for span in spans if span.label_ == "PERSON"}.items(),
        key=lambda item: -len(item[0]),
    )
    mentions: list[Mention] = []
    for span in spans:
        name = span.text
        if span.label_ == "PERSON":
            words = _norm(name).split()
            for full_norm, full_text in persons:
                full_words = full_norm.split()
                if len(full_words) > len(words) and (
                    full_words[: len(words)] == words or full_words[-len(words) :] == words
                ):
                    name = full_text
                    break
        key = f"{span.label_}|{_norm(name)}"
        mentions.append(
            Mention(
                start_char=span.start_char,
                end_char=span.end_char,
                text=span.text,
                label=span.label_,
                kind="name",
                entity_key=key,
                entity_name=name,
                entity_type=span.label_,
                sentence_index=sentence_index_at(doc, span.start_char),
            )
        )
    return mentions


class EntityResolver:
    """Pipeline component: attach resolved mentions to ``doc._.pl_mentions``."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.pl_mentions = _resolve(doc)
        return doc


@Language.factory(
    "presslake_entities_v1",
    requires=["doc.ents", "token.dep"],
    assigns=["doc._.pl_mentions"],
)
def make_entity_resolver(nlp: Language, name: str) -> EntityResolver:
    """Create the ``presslake_entities_v1`` component."""
    return EntityResolver()


def mention_at(doc: Doc, start_char: int, end_char: int) -> Mention | None:
    """The entity mention that best stands for the text span ``[start_char, end_char)``.

    Prefers a mention that covers the span's syntactic head, then the first mention inside
    the span, then a mention that contains the span. Used to resolve speakers, actors and
    targets to canonical entities.
    """
    mentions: list[Mention] = doc._.pl_mentions or []
    inside = [m for m in mentions if m.start_char >= start_char and m.end_char <= end_char]
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is not None and inside:
        head = span.root
        for m in inside:
            if m.start_char <= head.idx < m.end_char:
                return m
    if inside:
        return inside[0]
    for m in mentions:
        if m.start_char <= start_char and m.end_char >= end_char:
            return m
    return None


def extract_entity_mentions(doc: Doc, *, doc_id: str) -> Iterator[MentionRecord]:
    """Yield one ``entity_mentions`` row per resolved mention of ``doc``."""
    for m in doc._.pl_mentions or []:
        yield MentionRecord(
            mention_id=row_id("m", doc_id, m.start_char, m.end_char),
            doc_id=doc_id,
            entity_id=m.entity_id,
            text=m.text,
            label=m.label,
            start_char=m.start_char,
            end_char=m.end_char,
            sentence_index=m.sentence_index,
            mention_kind=m.kind,
            entity_name=m.entity_name,
            entity_type=m.entity_type,
            entity_key=m.entity_key,
        )
