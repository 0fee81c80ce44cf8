"""One pyarrow schema per warehouse table: the single source of every column.

DuckDB DDL, Parquet files, data checks and the data dictionary are all derived from these
constants. Offsets are Python string indices (code points) into ``documents.text``,
half-open ``[start, end)``.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1


def _f(name: str, type_: pa.DataType, description: str, *, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


def _table(fields: list[pa.Field], *, description: str, primary_key: tuple[str, ...]) -> pa.Schema:
    return pa.schema(
        fields,
        metadata={
            "description": description,
            "primary_key": ",".join(primary_key),
            "schema_version": str(SCHEMA_VERSION),
        },
    )


_ID = pa.string()
_OFFSET = pa.int32()
_TS = pa.timestamp("us")

DOCUMENTS = _table(
    [
        _f(
            "doc_id",
            _ID,
            "Hash of the cleaned text; the same article twice is one document.",
            nullable=False,
        ),
        _f(
            "source_id",
            pa.string(),
            "The source's own id (record id, feed guid, URL or path).",
            nullable=False,
        ),
        _f("source_uri", pa.string(), "Where the text came from.", nullable=False),
        _f("title", pa.string(), "Headline."),
        _f("published_at", _TS, "Publication time (UTC, naive)."),
        _f("text", pa.string(), "Cleaned article text; all offsets point into it.", nullable=False),
        _f("n_words", pa.int32(), "Number of word tokens.", nullable=False),
        _f("ingested_at", _TS, "When the run that loaded it started (UTC).", nullable=False),
        _f("run_id", _ID, "Run that loaded this version of the document.", nullable=False),
        _f(
            "pipeline_version",
            pa.string(),
            "Hash of the NLP pipeline that produced the rows.",
            nullable=False,
        ),
        _f("metadata", pa.string(), "Other fields of the source record, as JSON."),
        _f(
            "story_id",
            _ID,
            "Story (near-duplicate group) of the document: the doc_id of the earliest-seen "
            "document of the group, itself when it has no copy; assigned at load, never changed.",
        ),
    ],
    description="One row per cleaned article.",
    primary_key=("doc_id",),
)

ENTITIES = _table(
    [
        _f(
            "entity_id",
            _ID,
            "Canonical entity id, stable across runs (hash of its key).",
            nullable=False,
        ),
        _f("name", pa.string(), "Canonical name.", nullable=False),
        _f(
            "type",
            pa.string(),
            "OntoNotes type of the entity (PERSON, ORG, GPE, ...).",
            nullable=False,
        ),
        _f("aliases", pa.list_(pa.string()), "Every surface form seen for it, sorted."),
        _f("n_mentions", pa.int64(), "Mentions across the warehouse.", nullable=False),
        _f("n_docs", pa.int64(), "Documents that mention it.", nullable=False),
        _f("entity_key", pa.string(), "Canonical key the id is hashed from."),
    ],
    description="One row per canonical entity across the whole warehouse.",
    primary_key=("entity_id",),
)

ENTITY_MENTIONS = _table(
    [
        _f("mention_id", _ID, "Mention id (hash of doc and offsets).", nullable=False),
        _f("doc_id", _ID, "Document.", nullable=False),
        _f("entity_id", _ID, "Canonical entity this mention refers to.", nullable=False),
        _f("text", pa.string(), "documents.text[start_char:end_char].", nullable=False),
        _f("label", pa.string(), "OntoNotes label of the mention.", nullable=False),
        _f("start_char", _OFFSET, "Start offset (inclusive).", nullable=False),
        _f("end_char", _OFFSET, "End offset (exclusive).", nullable=False),
        _f(
            "sentence_index", pa.int32(), "0-based sentence number in the document.", nullable=False
        ),
        _f("mention_kind", pa.string(), "name, pronoun or description.", nullable=False),
        _f("entity_name", pa.string(), "Canonical name of the entity, as this doc saw it."),
        _f("entity_type", pa.string(), "Type of the entity."),
        _f("entity_key", pa.string(), "Canonical key of the entity."),
    ],
    description="One row per mention of a named entity (names, pronouns, descriptions).",
    primary_key=("mention_id",),
)

QUOTES = _table(
    [
        _f("quote_id", _ID, "Quote id.", nullable=False),
        _f("doc_id", _ID, "Document.", nullable=False),
        _f("text", pa.string(), "Content of the quote or reported speech.", nullable=False),
        _f("kind", pa.string(), "direct, indirect or mixed.", nullable=False),
        _f("start_char", _OFFSET, "Content start.", nullable=False),
        _f("end_char", _OFFSET, "Content end.", nullable=False),
        _f("speaker_text", pa.string(), "Speaker as written."),
        _f("speaker_start", _OFFSET, "Speaker start."),
        _f("speaker_end", _OFFSET, "Speaker end."),
        _f("speaker_entity_id", _ID, "Canonical speaker, if resolved."),
        _f("cue_text", pa.string(), "Cue verb or phrase."),
        _f("cue_start", _OFFSET, "Cue start."),
        _f("cue_end", _OFFSET, "Cue end."),
        _f(
            "sentence_index",
            pa.int32(),
            "Sentence of the cue (or of the content start).",
            nullable=False,
        ),
        _f("confidence", pa.float32(), "0..1 confidence of the extractor.", nullable=False),
    ],
    description="One row per quotation or piece of reported speech.",
    primary_key=("quote_id",),
)

EVENTS = _table(
    [
        _f("event_id", _ID, "Event id.", nullable=False),
        _f("doc_id", _ID, "Document.", nullable=False),
        _f("event_type", pa.string(), "PLOVER category or OTHER.", nullable=False),
        _f("trigger_text", pa.string(), "Trigger word(s).", nullable=False),
        _f("trigger_lemma", pa.string(), "Lemma of the trigger.", nullable=False),
        _f("trigger_start", _OFFSET, "Trigger start.", nullable=False),
        _f("trigger_end", _OFFSET, "Trigger end.", nullable=False),
        _f("sentence_index", pa.int32(), "Sentence of the trigger.", nullable=False),
        _f("event_date", pa.date32(), "Date resolved against published_at."),
        _f("date_text", pa.string(), "The words that give the date."),
        _f(
            "modality",
            pa.string(),
            "asserted, negated, future, hypothetical or requested.",
            nullable=False,
        ),
        _f("confidence", pa.float32(), "0..1 confidence of the extractor.", nullable=False),
        _f("date_precision", pa.string(), "day, week, month, year, ... of event_date."),
    ],
    description="One row per event mention.",
    primary_key=("event_id",),
)

EVENT_PARTICIPANTS = _table(
    [
        _f("event_id", _ID, "Event.", nullable=False),
        _f("role", pa.string(), "actor, target, location, time, count, ...", nullable=False),
        _f("entity_id", _ID, "Canonical entity, if resolved."),
        _f("text", pa.string(), "Argument text.", nullable=False),
        _f("start_char", _OFFSET, "Argument start.", nullable=False),
        _f("end_char", _OFFSET, "Argument end.", nullable=False),
        _f("doc_id", _ID, "Document of the event.", nullable=False),
        _f(
            "sector",
            pa.string(),
            "Sector of a generic agent (police, military, rebels, government, ...), from the "
            "Phoenix agents dictionary; null for names and other arguments.",
        ),
    ],
    description="One row per argument of an event.",
    primary_key=("event_id", "role", "start_char", "end_char"),
)

TIME_EXPRESSIONS = _table(
    [
        _f("timex_id", _ID, "Time expression id.", nullable=False),
        _f("doc_id", _ID, "Document.", nullable=False),
        _f("text", pa.string(), "The expression as written.", nullable=False),
        _f("start_char", _OFFSET, "Start.", nullable=False),
        _f("end_char", _OFFSET, "End.", nullable=False),
        _f("value", pa.string(), "ISO 8601 / TimeML value resolved against published_at."),
        _f("precision", pa.string(), "day, week, month, year, decade, ..."),
    ],
    description="One row per date or time expression.",
    primary_key=("timex_id",),
)

DOCUMENT_MINHASH = _table(
    [
        _f("doc_id", _ID, "Document.", nullable=False),
        _f("story_id", _ID, "Story the document was assigned to at load.", nullable=False),
        _f(
            "signature",
            pa.list_(pa.int64()),
            "MinHash signature of the document's word shingles (one value per permutation).",
            nullable=False,
        ),
        _f("n_shingles", pa.int32(), "Distinct word shingles of the text.", nullable=False),
        _f("run_id", _ID, "Run that assigned the story.", nullable=False),
    ],
    description=(
        "One row per document ever assigned to a story: what a later load compares a new "
        "document with (kept when a document is reloaded, so its story stays the same)."
    ),
    primary_key=("doc_id",),
)

STORY_BANDS = _table(
    [
        _f("band_hash", pa.int64(), "Hash of one LSH band of a signature.", nullable=False),
        _f("band", pa.int32(), "Band number (0-based).", nullable=False),
        _f("doc_id", _ID, "Document whose signature has this band.", nullable=False),
        _f("run_id", _ID, "Run that indexed the document.", nullable=False),
    ],
    description=(
        "LSH index of document_minhash: a new document finds its candidate copies by looking "
        "up its own band hashes here."
    ),
    primary_key=("band_hash", "doc_id"),
)

RUNS = _table(
    [
        _f("run_id", _ID, "Run id.", nullable=False),
        _f("started_at", _TS, "Start (UTC).", nullable=False),
        _f("finished_at", _TS, "End (UTC)."),
        _f(
            "status",
            pa.string(),
            "completed, failed, or interrupted (stopped by SIGINT or SIGTERM).",
            nullable=False,
        ),
        _f("n_seen", pa.int64(), "Articles read.", nullable=False),
        _f("n_new", pa.int64(), "Documents added.", nullable=False),
        _f("n_unchanged", pa.int64(), "Documents already in the warehouse.", nullable=False),
        _f("n_replaced", pa.int64(), "Documents that replaced an older version.", nullable=False),
        _f("n_rejected", pa.int64(), "Inputs rejected.", nullable=False),
        _f(
            "n_duplicates",
            pa.int64(),
            "Articles whose text another input of the run had.",
            nullable=False,
        ),
        _f("pipeline_version", pa.string(), "NLP pipeline version.", nullable=False),
        _f(
            "model",
            pa.string(),
            "spaCy model the run used (package name or pipeline directory; its version is "
            "part of pipeline_version).",
            nullable=False,
        ),
        _f("schema_version", pa.int32(), "Warehouse schema version.", nullable=False),
        _f("sources", pa.list_(pa.string()), "Sources named on the command line."),
        _f("report", pa.string(), "Markdown run report."),
        _f(
            "snapshot_id",
            pa.int64(),
            "DuckLake snapshot that committed the run's rows (query it with --at RUN_ID).",
        ),
        _f("error", pa.string(), "Why a failed or interrupted run stopped (one line)."),
    ],
    description="The run ledger.",
    primary_key=("run_id",),
)

REJECTS = _table(
    [
        _f("run_id", _ID, "Run that saw the input.", nullable=False),
        _f("source_uri", pa.string(), "The input.", nullable=False),
        _f("reason", pa.string(), "Short reason code.", nullable=False),
        _f("detail", pa.string(), "What was wrong."),
    ],
    description="Inputs that could not be processed.",
    primary_key=("run_id", "source_uri"),
)

WARNINGS = _table(
    [
        _f("warning_id", _ID, "Warning id.", nullable=False),
        _f("doc_id", _ID, "Document that was kept without what is noted here.", nullable=False),
        _f(
            "stage",
            pa.string(),
            "Where it happened: ingest, or the extractor (entities, quotes, events, "
            "time_expressions).",
            nullable=False,
        ),
        _f(
            "code",
            pa.string(),
            "implausible_date (publication date dropped), unreadable_date (the source's "
            "date could not be read) or extractor_failed (that extractor's rows for the "
            "document are missing).",
            nullable=False,
        ),
        _f("detail", pa.string(), "What was dropped and why."),
    ],
    description=(
        "What was dropped from a document that was kept: an extractor that failed on it "
        "(only that extractor's rows are missing), or a publication date that was implausible "
        "or could not be read."
    ),
    primary_key=("warning_id",),
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "entities": ENTITIES,
    "entity_mentions": ENTITY_MENTIONS,
    "quotes": QUOTES,
    "events": EVENTS,
    "event_participants": EVENT_PARTICIPANTS,
    "time_expressions": TIME_EXPRESSIONS,
    "document_minhash": DOCUMENT_MINHASH,
    "story_bands": STORY_BANDS,
    "runs": RUNS,
    "rejects": REJECTS,
    "warnings": WARNINGS,
}

#: Tables whose rows belong to one document and are replaced with it.
DOCUMENT_TABLES: tuple[str, ...] = (
    "documents",
    "entity_mentions",
    "quotes",
    "events",
    "event_participants",
    "time_expressions",
    "warnings",
)


def primary_key(table: str) -> tuple[str, ...]:
    """Primary-key columns of ``table`` (from its schema metadata)."""
    meta = TABLES[table].metadata or {}
    return tuple(meta[b"primary_key"].decode().split(","))
