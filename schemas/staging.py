"""Schemas of the intermediate files a run writes between its stages (not warehouse tables)."""

from __future__ import annotations

import pyarrow as pa

#: Cleaned articles waiting for the NLP stage: ``staging/<run>/_articles/part-N.parquet``.
ARTICLES = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("published_at", pa.timestamp("us")),
        pa.field("text", pa.string(), nullable=False),
        pa.field("metadata", pa.string()),
        # JSON list of [stage, code, detail]: what ingest dropped (transforms.types.Note)
        pa.field("notes", pa.string()),
    ]
)
