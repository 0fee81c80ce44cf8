"""The ``documents`` table: one row per cleaned, analysed article."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.tokens import Doc

from transforms.types import Article


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """One row of ``documents``."""

    doc_id: str
    source_id: str
    source_uri: str
    title: str | None
    published_at: datetime | None
    text: str
    n_words: int
    ingested_at: datetime
    run_id: str
    pipeline_version: str
    metadata: str | None


def count_words(doc: Doc) -> int:
    """Word tokens: not punctuation, not whitespace (read as one array, not token by token)."""
    if not len(doc):
        return 0
    flags = doc.to_array([IS_PUNCT, IS_SPACE])
    return int((flags.sum(axis=1) == 0).sum())


def document_record(
    article: Article, doc: Doc, *, run_id: str, ingested_at: datetime, pipeline_version: str
) -> DocumentRecord:
    """The ``documents`` row of one analysed article."""
    return DocumentRecord(
        doc_id=article.doc_id,
        source_id=article.source_id,
        source_uri=article.source_uri,
        title=article.title,
        published_at=article.published_at,
        text=article.text,
        n_words=count_words(doc),
        ingested_at=ingested_at,
        run_id=run_id,
        pipeline_version=pipeline_version,
        metadata=json.dumps(article.metadata, sort_keys=True, default=str)
        if article.metadata
        else None,
    )
