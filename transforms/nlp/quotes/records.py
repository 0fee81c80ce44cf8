"""Quote records: what the component stores on ``doc._.pl_quotes`` and the ``quotes`` rows."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("direct", "indirect", "mixed")


@dataclass(frozen=True, slots=True)
class Quote:
    """An attribution found in one Doc (character offsets into ``doc.text``).

    Attributes:
        start_char: Content start.
        end_char: Content end (exclusive).
        kind: ``direct``, ``indirect`` or ``mixed``.
        speaker_start: Speaker start, or None when no speaker was found.
        speaker_end: Speaker end, or None.
        cue_start: Cue start, or None when no cue was found.
        cue_end: Cue end, or None.
        sentence_index: Sentence of the cue (or of the content start).
        confidence: 0..1 confidence of the extractor.
    """

    start_char: int
    end_char: int
    kind: str
    speaker_start: int | None
    speaker_end: int | None
    cue_start: int | None
    cue_end: int | None
    sentence_index: int
    confidence: float


@dataclass(frozen=True, slots=True)
class QuoteRecord:
    """One row of ``quotes`` (fields are the columns of ``schemas.tables.QUOTES``)."""

    quote_id: str
    doc_id: str
    text: str
    kind: str
    start_char: int
    end_char: int
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_entity_id: str | None
    cue_text: str | None
    cue_start: int | None
    cue_end: int | None
    sentence_index: int
    confidence: float


@dataclass(slots=True)
class Draft:
    start: int
    end: int
    kind: str
    speaker: tuple[int, int] | None
    cue: tuple[int, int] | None
    cue_token: int | None
    confidence: float
