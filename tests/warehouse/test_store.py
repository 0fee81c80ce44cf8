"""Warehouse: DDL from schemas, Arrow -> Parquet -> DuckDB round trip, merge semantics, checks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schemas import TABLES
from schemas.convert import records_to_table
from schemas.ledger import RunRecord
from transforms.classify import Label, classify
from transforms.ids import doc_id_for, entity_id_for
from transforms.nlp.documents import DocumentRecord
from transforms.nlp.entities import MentionRecord
from transforms.types import Article
from warehouse.ddl import create_table_sql, duckdb_type
from warehouse.errors import DataCheckError, WarehouseError, WarehouseNotFoundError
from warehouse.staging import write_parquet
from warehouse.store import Warehouse

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
) -> list[Label]:
    """Label and stage ``docs`` as the flow does; return the labels."""
    staging = wh.staging(run_id)
    articles = [
        Article(d.doc_id, d.source_id, d.source_uri, d.title, d.published_at, d.text) for d in docs
    ]
    with wh.document_index() as index:
        known = index.lookup(
            doc_ids=[a.doc_id for a in articles], source_ids=[a.source_id for a in articles]
        )
    labelled = [classify(a, known=known, seen=set(), pipeline="p1") for a in articles]
    staging.write_articles(labelled, part=0)
    analysed = {c.article.doc_id for c in labelled if c.label.analysed}
    staging.write_rows("documents", [d for d in docs if d.doc_id in analysed], part="part-0")
    staging.write_rows(
        "entity_mentions", [m for m in mentions if m.doc_id in analysed], part="part-0"
    )
    return [c.label for c in labelled]


def _run_row(run_id: str) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        started_at=T0,
        finished_at=T0,
        status="running",
        n_seen=1,
        n_new=1,
        n_unchanged=0,
        n_replaced=0,
        n_rejected=0,
        n_duplicates=0,
        pipeline_version="p1",
        model="m",
        schema_version=1,
        sources=["x"],
    )


def _load(
    wh: Warehouse,
    run_id: str,
    docs: list[DocumentRecord],
    mentions: list[MentionRecord],
    **kw: object,
) -> list[Label]:
    labels = _stage(wh, run_id, docs, mentions)
    wh.load(run=_run_row(run_id), rejects=[], **kw)  # type: ignore[arg-type]
    return labels


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
    assert _load(wh, "r2", [doc], mentions) == [Label.UNCHANGED]
    assert {k: v for k, v in wh.table_counts().items() if k != "runs"} == {
        k: v for k, v in first.items() if k != "runs"
    }
    with wh.reader() as con:
        rows = con.execute("SELECT name, n_mentions, n_docs FROM entities ORDER BY name").fetchall()
    assert rows == [("Donald Trump", 1, 1), ("Kim Jong Un", 1, 1)]
    # the staged Parquet is gone once loaded; each row lives once, under the data path
    assert not wh.layout.staging("r2").exists()
    files = sorted(Path(wh.layout.lake).rglob("*.parquet"))
    documents = [p for p in files if p.parent.name == "documents"]
    assert sum(pq.read_metadata(p).num_rows for p in documents) == 1


def test_changed_document_replaces_its_rows(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    old = _doc("Kim Jong Un met Donald Trump.", source_id="story-1")
    _load(wh, "r1", [old], [_mention(old, "Kim Jong Un", "PERSON|kim jong un")])
    new = _doc("Kim Jong Un met Vladimir Putin.", source_id="story-1", run_id="r2")
    labels = _load(wh, "r2", [new], [_mention(new, "Vladimir Putin", "PERSON|vladimir putin")])
    assert labels == [Label.REPLACED]
    with wh.reader() as con:
        assert con.execute("SELECT doc_id FROM documents").fetchall() == [(new.doc_id,)]
        assert con.execute("SELECT name FROM entities").fetchall() == [("Vladimir Putin",)]


def test_failed_check_leaves_warehouse_unchanged(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    doc = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    _load(wh, "r1", [doc], [_mention(doc, "Kim Jong Un", "PERSON|kim jong un")])
    before = wh.table_counts()
    snapshot = wh.snapshot_of("r1")
    doc2 = _doc("Moon Jae-in spoke.", source_id="b", run_id="r2")
    bad = _mention(doc2, "Moon Jae-in", "PERSON|moon jae-in")
    bad = MentionRecord(
        **{**{f: getattr(bad, f) for f in bad.__dataclass_fields__}, "text": "Moon"}
    )
    with pytest.raises(DataCheckError, match=r"entity_mentions\.text\.matches_document_text"):
        _load(wh, "r2", [doc2], [bad])
    assert wh.table_counts() == before
    with wh.reader() as con:
        last = con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()
    assert last == (snapshot,), "nothing was committed"


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


def test_ledger_record_round_trips() -> None:
    table = records_to_table("runs", [_run_row("r1")])
    assert table.to_pylist()[0]["run_id"] == "r1"
    assert table.to_pylist()[0]["snapshot_id"] is None


def test_replacement_whose_analysis_failed_keeps_the_old_document(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    old = _doc("Kim Jong Un met Donald Trump.", source_id="story-1")
    _load(wh, "r1", [old], [_mention(old, "Kim Jong Un", "PERSON|kim jong un")])
    new = _doc("Kim Jong Un met Vladimir Putin.", source_id="story-1", run_id="r2")
    other = _doc("Moon Jae-in spoke in Seoul.", source_id="story-2", run_id="r2")
    # stage both as the flow does, then drop the replacement's rows as a failed analysis would
    labels = _stage(wh, "r2", [new, other], [])
    assert labels == [Label.REPLACED, Label.NEW]
    staged = wh.staging("r2")
    for path in staged.table_files("documents"):
        path.unlink()
    staged.write_rows("documents", [other], part="part-0")
    result = wh.load(run=_run_row("r2"), rejects=[])
    assert result.rows["replaced_documents"] == 0
    with wh.reader() as con:
        docs = con.execute("SELECT doc_id FROM documents ORDER BY 1").fetchall()
        names = con.execute("SELECT name FROM entities").fetchall()
    assert docs == sorted([(old.doc_id,), (other.doc_id,)])
    assert names == [("Kim Jong Un",)]


def test_sql_at_run_sees_the_warehouse_as_that_run_left_it(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    first = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    _load(wh, "r1", [first], [])
    second = _doc("Moon Jae-in spoke in Seoul.", source_id="b", run_id="r2")
    _load(wh, "r2", [second], [])
    count = "SELECT count(*) FROM documents"
    assert wh.query(count, at_run="r1")[1] == [(1,)]
    assert wh.query(count, at_run="r2")[1] == [(2,)]
    assert wh.query(count)[1] == [(2,)]
    with pytest.raises(WarehouseError, match="no committed run 'r9'"):
        wh.query(count, at_run="r9")


def test_export_writes_every_table_with_the_contract_schema(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    doc = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    _load(wh, "r1", [doc], [_mention(doc, "Donald Trump", "PERSON|donald trump")])
    counts = wh.export(tmp_path / "out")
    assert counts == wh.table_counts()
    for table, schema in TABLES.items():
        exported = pq.read_table(tmp_path / "out" / f"{table}.parquet")
        assert exported.schema.equals(schema, check_metadata=False), table
        assert exported.num_rows == counts[table]
    assert pq.read_table(tmp_path / "out" / "entities.parquet").column("name").to_pylist() == [
        "Donald Trump"
    ]


def _named(
    doc: DocumentRecord, surface: str, key: str, *, name: str, after: int = 0
) -> MentionRecord:
    m = _mention(doc, surface, key)
    start = doc.text.index(surface, after)
    fields = {f: getattr(m, f) for f in m.__dataclass_fields__}
    return MentionRecord(
        **{
            **fields,
            "mention_id": f"m{doc.doc_id}{start}",
            "start_char": start,
            "end_char": start + len(surface),
            "entity_name": name,
        }
    )


def test_entities_follow_each_load_without_a_rebuild(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    key = "PERSON|kim jong un"
    a = _doc("Kim Jong Un spoke. Kim smiled.", source_id="a")
    _load(
        wh,
        "r1",
        [a],
        [
            _named(a, "Kim Jong Un", key, name="Kim Jong Un"),
            _named(a, "Kim", key, name="Kim", after=5),
        ],
    )
    b = _doc("Kim visited Wonsan on Monday.", source_id="b", run_id="r2")
    c = _doc("Mr Kim met Moon Jae-in.", source_id="c", run_id="r2")
    _load(
        wh,
        "r2",
        [b, c],
        [
            _named(b, "Kim", key, name="Kim"),
            _named(c, "Kim", key, name="Kim"),
            _named(c, "Moon Jae-in", "PERSON|moon jae-in", name="Moon Jae-in"),
        ],
    )
    query = "SELECT name, aliases, n_mentions, n_docs FROM entities ORDER BY name"
    # after two loads: 'Kim' is now the most frequent name of the entity
    assert wh.query(query)[1] == [
        ("Kim", ["Kim", "Kim Jong Un"], 4, 3),
        ("Moon Jae-in", ["Moon Jae-in"], 1, 1),
    ]
    # a new version of story a (same source) drops its two mentions, adds one
    a2 = _doc("Kim Jong Un spoke at length.", source_id="a", run_id="r3")
    _load(wh, "r3", [a2], [_named(a2, "Kim Jong Un", key, name="Kim Jong Un")])
    assert wh.query(query)[1] == [
        ("Kim", ["Kim", "Kim Jong Un"], 3, 3),
        ("Moon Jae-in", ["Moon Jae-in"], 1, 1),
    ]
    # story c replaced by a text without Moon: the entity goes, and Kim loses a mention
    c2 = _doc("Mr Kim met nobody.", source_id="c", run_id="r4")
    _load(wh, "r4", [c2], [])
    # one mention per name left: the tie goes to the name that sorts last
    assert wh.query(query)[1] == [("Kim Jong Un", ["Kim", "Kim Jong Un"], 2, 2)]


def test_a_key_twice_in_a_run_fails_its_check(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    doc = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    mention = _mention(doc, "Kim Jong Un", "PERSON|kim jong un")
    with pytest.raises(DataCheckError, match=r"entity_mentions\.primary_key_unique"):
        _load(wh, "r1", [doc], [mention, mention])
    # nothing was committed: the catalog holds no table yet
    with wh.reader() as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)


def test_record_failure_keeps_status_and_error_and_never_a_completed_row(tmp_path: Path) -> None:
    import dataclasses

    wh = Warehouse(tmp_path / "wh")
    # a first run that fails before any load creates the catalog with its ledger row
    wh.record_failure(dataclasses.replace(_run_row("r0"), error="boom before the load"))
    doc = _doc("Kim Jong Un met Donald Trump.", source_id="a")
    _load(wh, "r1", [doc], [_mention(doc, "Kim Jong Un", "PERSON|kim jong un")])
    wh.record_failure(
        dataclasses.replace(_run_row("r2"), status="interrupted", error="interrupted by SIGTERM")
    )
    # a completed run is never turned into a failure
    wh.record_failure(dataclasses.replace(_run_row("r1"), status="failed", error="late"))
    with wh.reader() as con:
        rows = con.execute("SELECT run_id, status, error FROM runs ORDER BY run_id").fetchall()
    assert rows == [
        ("r0", "failed", "boom before the load"),
        ("r1", "completed", None),
        ("r2", "interrupted", "interrupted by SIGTERM"),
    ]


def test_views_of_an_older_release_are_created_again(tmp_path: Path) -> None:
    """A warehouse keeps the views it was created with; when a view's .sql file changes
    (a new release), the next write creates it again, and only then."""
    from warehouse.lake import connect_writer
    from warehouse.layout import WarehouseLayout
    from warehouse.store import create_schema

    layout = WarehouseLayout(tmp_path / "wh")
    layout.root.mkdir()

    def write(statement: str | None = None) -> bool:
        con = connect_writer(layout)
        try:
            con.execute("BEGIN TRANSACTION")
            if statement is not None:
                con.execute(statement)
            changed = create_schema(con)
            con.execute("COMMIT")
            return changed
        finally:
            con.close()

    assert write() is True  # a new warehouse
    assert write() is False  # nothing to do: no new snapshot of schema changes
    # the view as an older release wrote it, without presslake's tag
    con = connect_writer(layout)
    con.execute("CREATE OR REPLACE VIEW stories AS SELECT doc_id AS story_id FROM documents")
    con.close()
    assert write() is True
    with Warehouse(layout.root).reader() as reader:
        columns = [d[0] for d in reader.execute("SELECT * FROM stories").description or []]
    assert "copies" in columns and "outlet_names" in columns
    assert write() is False
