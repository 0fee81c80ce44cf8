"""Articles in, warehouse rows out: the NLP stage and every extractor, as one pure step.

One document that breaks a component becomes a :class:`Reject` with the error; it never
costs the other documents of its batch. An extractor that fails on a document costs only
its own rows for it: the document is kept with a ``warnings`` row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from schemas import DOCUMENT_TABLES
from transforms.ids import row_id
from transforms.nlp.documents import document_record
from transforms.nlp.entities import extract_entity_mentions
from transforms.nlp.events import extract_event_rows
from transforms.nlp.quotes import extract_quotes
from transforms.nlp.timex import extract_time_expressions
from transforms.types import Article, Note, Reject


@dataclass(slots=True)
class AnalyzedRows:
    """Rows of every document table for a batch of articles, keyed by table name, and the
    articles that could not be analysed."""

    rows: dict[str, list[Any]]
    failures: list[Reject] = field(default_factory=list)

    @classmethod
    def empty(cls) -> AnalyzedRows:
        """No rows yet."""
        return cls({t: [] for t in DOCUMENT_TABLES})

    def extend(self, other: AnalyzedRows) -> None:
        """Add the rows of ``other``."""
        for table, rows in other.rows.items():
            self.rows[table].extend(rows)
        self.failures.extend(other.failures)


class _ComponentErrors:
    """spaCy error handler for presslake's own components: note the failure against the
    article's index (``doc._context`` under ``as_tuples``) and let the batch go on."""

    def __init__(self) -> None:
        self.by_index: dict[int, str] = {}

    def __call__(self, proc_name: str, proc: Any, docs: list[Doc], error: Exception) -> None:
        for doc in docs:
            self.by_index[doc._context] = (
                f"component {proc_name} failed: {type(error).__name__}: {error}"
            )


@dataclass(frozen=True, slots=True)
class WarningRecord:
    """One row of ``warnings``."""

    warning_id: str
    doc_id: str
    stage: str
    code: str
    detail: str


def _warning(doc_id: str, note: Note) -> WarningRecord:
    return WarningRecord(
        warning_id=row_id("w", doc_id, note.stage, note.code),
        doc_id=doc_id,
        stage=note.stage,
        code=note.code,
        detail=note.detail,
    )


def _extractors(
    doc: Doc, article: Article
) -> Iterator[tuple[str, Callable[[], dict[str, list[Any]]]]]:
    """``(name, run)`` of every extractor; ``run`` returns its rows by table."""
    doc_id = article.doc_id
    published_at = article.published_at

    def entities() -> dict[str, list[Any]]:
        return {"entity_mentions": list(extract_entity_mentions(doc, doc_id=doc_id))}

    def quotes() -> dict[str, list[Any]]:
        return {"quotes": list(extract_quotes(doc, doc_id=doc_id))}

    def events() -> dict[str, list[Any]]:
        rows, participants = extract_event_rows(doc, doc_id=doc_id, published_at=published_at)
        return {"events": list(rows), "event_participants": list(participants)}

    def time_expressions() -> dict[str, list[Any]]:
        found = extract_time_expressions(doc, doc_id=doc_id, published_at=published_at)
        return {"time_expressions": list(found)}

    yield "entities", entities
    yield "quotes", quotes
    yield "events", events
    yield "time_expressions", time_expressions


def extract_rows(
    doc: Doc,
    article: Article,
    *,
    run_id: str,
    ingested_at: datetime,
    pipeline_version: str,
    into: AnalyzedRows,
) -> None:
    """Append every table's rows for one analysed article to ``into``.

    An extractor that fails on the document costs only its own rows: the document and the
    other extractors' rows are kept and a ``warnings`` row says what is missing.
    """
    doc_id = article.doc_id
    rows = into.rows
    rows["documents"].append(
        document_record(
            article, doc, run_id=run_id, ingested_at=ingested_at, pipeline_version=pipeline_version
        )
    )
    notes = list(article.notes)
    for name, run in _extractors(doc, article):
        try:
            produced = run()
        except Exception as error:  # one extractor must not cost the document
            text = " ".join(str(error).split())[:300]
            notes.append(
                Note(
                    name,
                    "extractor_failed",
                    f"{article.source_uri}: {name} failed ({type(error).__name__}: {text}); "
                    "the document has no rows from it.",
                )
            )
            continue
        for table, found in produced.items():
            rows[table].extend(found)
    rows["warnings"].extend(_warning(doc_id, note) for note in notes)


def _failure(article: Article, detail: str) -> Reject:
    return Reject(
        source_uri=article.source_uri,
        reason="analysis_failed",
        detail=f"document {article.doc_id}: {detail}",
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
    """Run the pipeline over ``articles`` and extract the rows of every document table.

    A document whose analysis fails is left out of every table and listed in ``failures``.
    """
    # presslake's own components (plain callables) report their errors per Doc; spaCy's
    # trained components keep raising, since an error there is a bug, not a bad document.
    errors = _ComponentErrors()
    previous = nlp.default_error_handler
    nlp.default_error_handler = errors
    out = AnalyzedRows.empty()
    seen: set[int] = set()
    try:
        items = ((a.text, i) for i, a in enumerate(articles))
        for doc, index in nlp.pipe(items, as_tuples=True, batch_size=batch_size):
            article = articles[index]
            seen.add(index)
            one = AnalyzedRows.empty()
            try:
                extract_rows(
                    doc,
                    article,
                    run_id=run_id,
                    ingested_at=ingested_at,
                    pipeline_version=pipeline_version,
                    into=one,
                )
            except Exception as error:  # one bad document must not cost its batch
                out.failures.append(
                    _failure(article, f"extraction failed: {type(error).__name__}: {error}")
                )
                continue
            out.extend(one)
    finally:
        nlp.default_error_handler = previous

    for index, article in enumerate(articles):
        if index not in seen:
            out.failures.append(
                _failure(article, errors.by_index.get(index, "dropped by the pipeline"))
            )
    return out
