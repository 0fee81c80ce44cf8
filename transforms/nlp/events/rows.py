"""The ``events`` and ``event_participants`` rows of a Doc's event mentions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from spacy.tokens import Doc

from transforms.ids import row_id
from transforms.nlp.context import doc_text, mention_at
from transforms.nlp.events.component import event_mentions
from transforms.nlp.events.records import EventMention, EventRecord, ParticipantRecord
from transforms.nlp.time_values import resolve_time


def _event_id(doc_id: str, mention: EventMention) -> str:
    return row_id("v", doc_id, mention.trigger_start, mention.trigger_end)


def event_date(
    doc: Doc, mention: EventMention, anchor: date | None, *, text: str | None = None
) -> tuple[date | None, str | None, str | None]:
    """``(event_date, date_text, date_precision)`` of ``mention`` resolved against ``anchor``.

    The first attached expression that names a date (not a duration or a vague "recently")
    gives the date; coordinated ones ("in 2018 and 2019") share one ``date_text``, and a
    preposition that changes the meaning ("since May") stays in it.
    """
    probe = anchor or date(2000, 6, 15)
    dated = [
        t
        for t in mention.times
        if (value := resolve_time(t.text, probe, future=t.future)) is not None
        and value.date is not None
    ]
    if not dated:
        return None, None, None
    text = doc_text(doc) if text is None else text
    first = dated[0]
    start, end = first.start_char, first.end_char
    for other in dated[1:]:
        gap = text[end : other.start_char]
        if other.start_char >= end and gap.strip(" ,").lower() in {"and", "or", "to", "-", ""}:
            end = other.end_char
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None and span.start > 0:
        before = doc[span.start - 1]
        if before.lower_ in {"since", "until", "till", "before", "after", "by", "from"}:
            start = before.idx
    resolved = resolve_time(first.text, anchor, future=first.future) if anchor else None
    date_text = text[start:end]
    if resolved is None or resolved.date is None:
        return None, date_text, None
    return resolved.date, date_text, resolved.precision


def extract_events(
    doc: Doc, *, doc_id: str, published_at: datetime | date | None
) -> Iterator[EventRecord]:
    """Yield one ``events`` row per event mention of ``doc``.

    Args:
        doc: A Doc processed by the presslake pipeline.
        doc_id: Id of the document.
        published_at: Publication time; relative dates resolve against it. Without it,
            relative dates stay ``None`` and ``date_text`` keeps the words.
    """
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    text = doc_text(doc)
    for mention in event_mentions(doc):
        yield _event_record(doc, mention, _event_id(doc_id, mention), doc_id, anchor, text)


def extract_event_participants(doc: Doc, *, doc_id: str) -> Iterator[ParticipantRecord]:
    """Yield one ``event_participants`` row per argument of each event of ``doc``.

    Actors, targets and locations resolve to canonical entities through
    :meth:`transforms.nlp.context.DocContext.mention_at`; themes, counts and times keep only
    their text.
    """
    for mention in event_mentions(doc):
        yield from _participant_records(doc, mention, _event_id(doc_id, mention), doc_id)


def extract_event_rows(
    doc: Doc, *, doc_id: str, published_at: datetime | date | None
) -> tuple[list[EventRecord], list[ParticipantRecord]]:
    """The rows of :func:`extract_events` and :func:`extract_event_participants` in one pass
    over the events (each event id is hashed once)."""
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    text = doc_text(doc)
    events: list[EventRecord] = []
    participants: list[ParticipantRecord] = []
    for mention in event_mentions(doc):
        event_id = _event_id(doc_id, mention)
        events.append(_event_record(doc, mention, event_id, doc_id, anchor, text))
        participants.extend(_participant_records(doc, mention, event_id, doc_id))
    return events, participants


def _event_record(
    doc: Doc, mention: EventMention, event_id: str, doc_id: str, anchor: date | None, text: str
) -> EventRecord:
    when, date_text, precision = event_date(doc, mention, anchor, text=text)
    return EventRecord(
        event_id=event_id,
        doc_id=doc_id,
        event_type=mention.event_type,
        trigger_text=mention.trigger_text,
        trigger_lemma=mention.trigger_lemma,
        trigger_start=mention.trigger_start,
        trigger_end=mention.trigger_end,
        sentence_index=mention.sentence_index,
        event_date=when,
        date_text=date_text,
        modality=mention.modality,
        confidence=mention.confidence,
        date_precision=precision,
    )


def _participant_records(
    doc: Doc, mention: EventMention, event_id: str, doc_id: str
) -> Iterator[ParticipantRecord]:
    for arg in mention.arguments:
        entity_id = None
        if arg.role in {"actor", "target", "location"}:
            found = mention_at(doc, arg.start_char, arg.end_char)
            entity_id = found.entity_id if found is not None else None
        yield ParticipantRecord(
            event_id=event_id,
            role=arg.role,
            entity_id=entity_id,
            text=arg.text,
            start_char=arg.start_char,
            end_char=arg.end_char,
            doc_id=doc_id,
        )
