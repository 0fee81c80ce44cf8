"""Warehouse: DDL from schemas, Arrow -> Parquet -> DuckDB round trip, merge semantics, checks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schemas import TABLES
from schemas.convert import records_to_table, rows_to_table
from transforms.ids import doc_id_for, entity_id_for
from transforms.nlp.documents import DocumentRecord
from transforms.nlp.entities import MentionRecord
from warehouse.ddl import create_table_sql, duckdb_type
from warehouse.errors import DataCheckError, WarehouseNotFoundError
from warehouse.store import Warehouse, write_parquet

T0 = datetime(2024, 11, 18, 9, 0)


def _doc(text: str, *, source_id: str, run_id: str = "r1") -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id_for(text),
        source_id=source_id,
        source_uri=source_id,
        title="t",
        published_at=T0,
        text=text,
        n_words=len(text.split()),
        ingested_at=T0,
        run_id=run_id,
        pipeline_version="p1",
        metadata=None,
    )


def _mention(doc: DocumentRecord, surface: str, key: str) -> MentionRecord:
    start = doc.text.index(surface)
    return MentionRecord(
        mention_id=f"m{doc.doc_id}{start}",
        doc_id=doc.doc_id,
        entity_id=entity_id_for(key),
        text=surface,
        label=key.split("|")[0],
        start_char=start,
        end_char=start + len(surface),
        sentence_index=0,
        mention_kind="name",
        entity_name=surface,
        entity_type=key.split("|")[0],
        entity_key=key,
    )


def _stage(
    wh: Warehouse, run_id: str, docs: list[DocumentRecord], mentions: list[MentionRecord]
) -> None:
    stage = wh.layout.staging(run_id)
    write_parquet(records_to_table("documents", docs), stage / "documents" / "part-0.parquet")
    if mentions:
        write_parquet(
            records_to_table("entity_mentions", mentions),
            stage / "entity_mentions" / "part-0.parquet",
        )


def _run_row(run_id: str) -> dict[str, object]:
    return {
        "run_id": run_id,
        "started_at": T0,
        "finished_at": T0,
        "status": "running",
        "n_seen": 1,
        "n_new": 1,
        "n_unchanged": 0,
        "n_replaced": 0,
        "n_rejected": 0,
        "n_duplicates": 0,
        "pipeline_version": "p1",
        "model": "m",
        "schema_version": 1,
        "sources": ["x"],
        "report": None,
    }


def _load(
    wh: Warehouse,
    run_id: str,
    docs: list[DocumentRecord],
    mentions: list[MentionRecord],
    **kw: object,
) -> None:
    _stage(wh, run_id, docs, mentions)
    wh.load(run_id=run_id, run_row=_run_row(run_id), rejects=[], **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arrow_type", "sql_type"),
    [
        (pa.string(), "VARCHAR"),
        (pa.int32(), "INTEGER"),
        (pa.int64(), "BIGINT"),
        (pa.float32(), "FLOAT"),
        (pa.date32(), "DATE"),
        (pa.timestamp("us"), "TIMESTAMP"),
        (pa.list_(pa.string()), "VARCHAR[]"),
    ],
)
def test_duckdb_type(arrow_type: pa.DataType, sql_type: str) -> None:
    assert duckdb_type(arrow_type) == sql_type


@pytest.mark.parametrize("table", list(TABLES))
def test_ddl_matches_schema(table: str) -> None:
    con = duckdb.connect()
    con.execute(create_table_sql(table))
    cols = con.execute(f"DESCRIBE {table}").fetchall()
    assert [c[0] for c in cols] == TABLES[table].names
    nullable = {c[0]: c[2] == "YES" for c in cols}
    assert nullable == {f.name: f.nullable for f in TABLES[table]}


def test_arrow_parquet_duckdb_round_trip(tmp_path: Path) -> None:
    doc = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    mention = _mention(doc, "Donald Trump", "PERSON|donald trump")
    table = records_to_table("entity_mentions", [mention])
    path = write_parquet(table, tmp_path / "m.parquet")
    assert pq.read_metadata(path).row_group(0).column(0).compression == "ZSTD"
    con = duckdb.connect()
    con.execute(create_table_sql("entity_mentions"))
    con.execute("INSERT INTO entity_mentions BY NAME SELECT * FROM read_parquet(?)", [str(path)])
    back = con.execute("SELECT * FROM entity_mentions").to_arrow_table()
    assert back.to_pylist() == table.to_pylist()


def test_load_is_idempotent_and_builds_entities(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    doc = _doc("Kim Jong Un met Donald Trump. Trump smiled.", source_id="a")
    mentions = [
        _mention(doc, "Kim Jong Un", "PERSON|kim jong un"),
        _mention(doc, "Donald Trump", "PERSON|donald trump"),
    ]
    _load(wh, "r1", [doc], mentions)
    first = wh.table_counts()
    _load(wh, "r2", [doc], mentions)
    assert {k: v for k, v in wh.table_counts().items() if k != "runs"} == {
        k: v for k, v in first.items() if k != "runs"
    }
    with wh.reader() as con:
        rows = con.execute("SELECT name, n_mentions, n_docs FROM entities ORDER BY name").fetchall()
    assert rows == [("Donald Trump", 1, 1), ("Kim Jong Un", 1, 1)]
    # the run's Parquet moved to the lake
    assert list((wh.layout.lake / "documents").glob("run=r2/*.parquet"))
    assert not wh.layout.staging("r2").exists()


def test_changed_document_replaces_its_rows(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    old = _doc("Kim Jong Un met Donald Trump.", source_id="story-1")
    _load(wh, "r1", [old], [_mention(old, "Kim Jong Un", "PERSON|kim jong un")])
    new = _doc("Kim Jong Un met Vladimir Putin.", source_id="story-1", run_id="r2")
    _load(wh, "r2", [new], [_mention(new, "Vladimir Putin", "PERSON|vladimir putin")])
    with wh.reader() as con:
        assert con.execute("SELECT doc_id FROM documents").fetchall() == [(new.doc_id,)]
        assert con.execute("SELECT name FROM entities").fetchall() == [("Vladimir Putin",)]


def test_failed_check_leaves_warehouse_unchanged(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    doc = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    _load(wh, "r1", [doc], [_mention(doc, "Kim Jong Un", "PERSON|kim jong un")])
    before = wh.layout.db.read_bytes()
    doc2 = _doc("Moon Jae-in spoke.", source_id="b", run_id="r2")
    bad = _mention(doc2, "Moon Jae-in", "PERSON|moon jae-in")
    bad = MentionRecord(
        **{**{f: getattr(bad, f) for f in bad.__dataclass_fields__}, "text": "Moon"}
    )
    with pytest.raises(DataCheckError, match=r"entity_mentions\.text\.matches_document_text"):
        _load(wh, "r2", [doc2], [bad])
    assert wh.layout.db.read_bytes() == before
    assert not wh.layout.next_db.exists()


def test_crash_before_commit_leaves_warehouse_unchanged(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    doc = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    _load(wh, "r1", [doc], [])
    counts = wh.table_counts()
    doc2 = _doc("Another story entirely.", source_id="b", run_id="r2")
    with pytest.raises(RuntimeError, match="fault injected"):
        _load(wh, "r2", [doc2], [], fault="before_commit")
    assert wh.table_counts() == counts


def test_reader_cannot_write(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    doc = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    _load(wh, "r1", [doc], [])
    with wh.reader() as con:
        for statement in (
            "DELETE FROM documents",
            "CREATE TABLE x (a INT)",
            f"COPY documents TO '{tmp_path / 'out.csv'}'",
            f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(statement)
    assert not (tmp_path / "out.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()


def test_reader_without_warehouse_says_so(tmp_path: Path) -> None:
    with (
        pytest.raises(WarehouseNotFoundError, match="no warehouse at"),
        Warehouse(tmp_path).reader(),
    ):
        pass


def test_rows_to_table_for_ledger() -> None:
    table = rows_to_table("runs", [_run_row("r1")])
    assert table.num_rows == 1
    assert table.schema.equals(TABLES["runs"], check_metadata=False)
