"""Articles in, warehouse rows out: the NLP stage and every extractor, as one pure step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from transforms.documents import document_record
from transforms.entities import extract_entity_mentions
from transforms.events import extract_event_participants, extract_events
from transforms.quotes import extract_quotes
from transforms.timex import extract_time_expressions
from transforms.types import Article


@dataclass(slots=True)
class AnalyzedRows:
    """Rows of every document table for a batch of articles, keyed by table name."""

    rows: dict[str, list[Any]]

    @classmethod
    def empty(cls) -> AnalyzedRows:
        """No rows yet."""
        return cls(
            {
                t: []
                for t in (
                    "documents",
                    "entity_mentions",
                    "quotes",
                    "events",
                    "event_participants",
                    "time_expressions",
                )
            }
        )


def extract_rows(
    doc: Doc,
    article: Article,
    *,
    run_id: str,
    ingested_at: datetime,
    pipeline_version: str,
    into: AnalyzedRows,
) -> None:
    """Append every table's rows for one analysed article to ``into``."""
    doc_id = article.doc_id
    rows = into.rows
    rows["documents"].append(
        document_record(
            article, doc, run_id=run_id, ingested_at=ingested_at, pipeline_version=pipeline_version
        )
    )
    rows["entity_mentions"].extend(extract_entity_mentions(doc, doc_id=doc_id))
    rows["quotes"].extend(extract_quotes(doc, doc_id=doc_id))
    rows["events"].extend(extract_events(doc, doc_id=doc_id, published_at=article.published_at))
    rows["event_participants"].extend(extract_event_participants(doc, doc_id=doc_id))
    rows["time_expressions"].extend(
        extract_time_expressions(doc, doc_id=doc_id, published_at=article.published_at)
    )


def analyze(
    nlp: Language,
    articles: Sequence[Article],
    *,
    run_id: str,
    ingested_at: datetime,
    pipeline_version: str,
    batch_size: int = 64,
) -> AnalyzedRows:
    """Run the pipeline over ``articles`` and extract the rows of every document table."""
    out = AnalyzedRows.empty()
    docs: Iterable[Doc] = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    for doc, article in zip(docs, articles, strict=True):
        extract_rows(
            doc,
            article,
            run_id=run_id,
            ingested_at=ingested_at,
            pipeline_version=pipeline_version,
            into=out,
        )
    return out
