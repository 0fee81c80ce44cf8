"""Event records: the mentions the component stores on ``doc._.pl_events`` and the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from transforms.nlp.time_values import TimexSpan

MODALITIES = ("asserted", "negated", "future", "hypothetical", "requested")


@dataclass(frozen=True, slots=True)
class EventArgument:
    """An argument of an event mention (character offsets into ``doc.text``)."""

    role: str
    start_char: int
    end_char: int
    text: str


@dataclass(frozen=True, slots=True)
class EventMention:
    """An event found in a Doc, before its date is resolved against ``published_at``."""

    trigger_start: int
    trigger_end: int
    trigger_text: str
    trigger_lemma: str
    event_type: str
    modality: str
    sentence_index: int
    confidence: float
    depth: int
    arguments: tuple[EventArgument, ...] = ()
    times: tuple[TimexSpan, ...] = ()
    future: bool = False


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One row of ``events``."""

    event_id: str
    doc_id: str
    event_type: str
    trigger_text: str
    trigger_lemma: str
    trigger_start: int
    trigger_end: int
    sentence_index: int
    event_date: date | None
    date_text: str | None
    modality: str
    confidence: float
    date_precision: str | None


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    """One row of ``event_participants``."""

    event_id: str
    role: str
    entity_id: str | None
    text: str
    start_char: int
    end_char: int
    doc_id: str
