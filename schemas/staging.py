"""Schemas of the intermediate files a run writes between its stages (not warehouse tables),
and the one Article <-> Arrow conversion."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pyarrow as pa

from transforms.classify import Classified, Label
from transforms.types import Article, Note

#: Cleaned articles waiting for the NLP stage, each with its label:
#: ``staging/<run>/_articles/part-N.parquet``.
ARTICLES = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("published_at", pa.timestamp("us")),
        pa.field("text", pa.string(), nullable=False),
        pa.field("metadata", pa.string()),
        pa.field("label", pa.string(), nullable=False),
        pa.field("replaces", pa.string()),
        # JSON list of [stage, code, detail]: what ingest dropped (transforms.types.Note)
        pa.field("notes", pa.string()),
    ]
)


def articles_to_table(items: Sequence[Classified]) -> pa.Table:
    """Arrow table (schema :data:`ARTICLES`) of labelled articles."""
    articles = [c.article for c in items]
    return pa.Table.from_pydict(
        {
            "doc_id": [a.doc_id for a in articles],
            "source_id": [a.source_id for a in articles],
            "source_uri": [a.source_uri for a in articles],
            "title": [a.title for a in articles],
            "published_at": [a.published_at for a in articles],
            "text": [a.text for a in articles],
            "metadata": [
                json.dumps(a.metadata, sort_keys=True, default=str) if a.metadata else None
                for a in articles
            ],
            "notes": [
                json.dumps([list(n) for n in a.notes]) if a.notes else None for a in articles
            ],
            "label": [str(c.label) for c in items],
            "replaces": [c.replaces for c in items],
        },
        schema=ARTICLES,
    )


def articles_from_table(table: pa.Table) -> list[Classified]:
    """The labelled articles of an Arrow table of schema :data:`ARTICLES`."""
    return [
        Classified(
            Article(
                doc_id=row["doc_id"],
                source_id=row["source_id"],
                source_uri=row["source_uri"],
                title=row["title"],
                published_at=row["published_at"],
                text=row["text"],
                metadata=json.loads(row["metadata"]) if row["metadata"] else {},
                notes=tuple(Note(*n) for n in json.loads(row.get("notes") or "[]")),
            ),
            Label(row["label"]),
            row["replaces"],
        )
        for row in table.to_pylist()
    ]
