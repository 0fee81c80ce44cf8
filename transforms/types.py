"""Plain value types shared by the transforms (no spaCy, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


class Note(NamedTuple):
    """Something dropped from a document that was kept: a row of ``warnings``.

    Attributes:
        stage: Where it happened: ``ingest`` or the extractor (``quotes``, ``events``, ...).
        code: Short machine-readable code (``implausible_date``, ``unreadable_date``,
            ``extractor_failed``).
        detail: One human sentence.
    """

    stage: str
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article, ready for the NLP stage.

    Attributes:
        doc_id: Hash of the cleaned text (see :func:`transforms.ids.doc_id_for`).
        source_id: The source's own identifier (JSONL/CSV ``id``, feed item guid, URL or file
            path). A new text under a known ``source_id`` replaces the old document.
        source_uri: Where the text came from (file path, ``file.jsonl#line=3``, URL).
        title: Headline, if one was found.
        published_at: Publication time (naive, UTC by convention), if known.
        text: Cleaned article text; every offset in the warehouse points into it.
        metadata: Other fields of the source record, JSON-serialisable.
        notes: What ingest dropped from the article (an implausible date, ...).
    """

    doc_id: str
    source_id: str
    source_uri: str
    title: str | None
    published_at: datetime | None
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class Reject:
    """Input that could not become an article.

    Attributes:
        source_uri: The input that failed (file path, ``file.jsonl#line=3``, URL).
        reason: Short machine-readable code: ``undecodable``, ``binary``, ``empty``,
            ``too_large``, ``too_long``, ``malformed``, ``unsupported``, ``unreadable``,
            ``fetch_failed``, ``no_text``, ``duplicate_id``, ``ingest_failed`` (anything
            else that went wrong reading this one input).
        detail: One human sentence naming the problem.
    """

    source_uri: str
    reason: str
    detail: str
