"""Stories at load time: near-duplicate documents grouped incrementally in the warehouse."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from schemas.convert import records_to_table
from transforms.nlp.documents import DocumentRecord
from transforms.stories import THRESHOLD, signature, similarity
from warehouse.store import create_schema
from warehouse.stories import assign_stories

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "articles" / "kim-nuclear-forces.txt"
REUTERS = ROOT / "samples" / "articles" / "reuters21578-sample.jsonl"


def _reuters(n: int) -> list[dict[str, Any]]:
    return [json.loads(line) for line in REUTERS.read_text("utf-8").splitlines()[:n]]


def _doc(doc_id: str, text: str, *, run_id: str, day: int) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id,
        source_id=doc_id,
        source_uri=f"test://{doc_id}",
        title=doc_id,
        published_at=datetime(2024, 11, day),
        text=text,
        n_words=len(text.split()),
        ingested_at=datetime(2024, 11, day, 12),
        run_id=run_id,
        pipeline_version="p1",
        metadata=None,
    )


def _load(con: duckdb.DuckDBPyConnection, docs: list[DocumentRecord], run_id: str) -> None:
    con.register("new_docs", records_to_table("documents", docs))
    con.execute("INSERT INTO documents BY NAME SELECT * FROM new_docs")
    con.unregister("new_docs")
    assign_stories(con, run_id=run_id)


def _stories(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT doc_id, story_id FROM documents").fetchall())


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    create_schema(connection)
    return connection


def _trimmed(text: str) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    return "\n".join(paras[: max(1, int(len(paras) * 0.8))])


def test_copies_join_across_loads_and_stories_never_change(
    con: duckdb.DuckDBPyConnection,
) -> None:
    articles = _reuters(6)
    long_one = max(articles, key=lambda a: len(a["text"]))
    _load(con, [_doc(a["id"], a["text"], run_id="r1", day=2) for a in articles], "r1")
    first = _stories(con)
    assert all(story == doc for doc, story in first.items()), "different articles, own stories"

    # a later run brings a trimmed copy with a dateline, and a copy of that copy
    copy = "WASHINGTON (AP) -- " + _trimmed(long_one["text"])
    _load(con, [_doc("copy-a", copy, run_id="r2", day=3)], "r2")
    _load(con, [_doc("copy-b", copy + "\nMore to come.", run_id="r3", day=1)], "r3")
    after = _stories(con)
    assert after["copy-a"] == after["copy-b"] == long_one["id"]
    assert {k: v for k, v in after.items() if k in first} == first

    # reloading a document (new pipeline version: deleted, inserted again) keeps its story
    con.execute("DELETE FROM documents WHERE doc_id = 'copy-a'")
    _load(con, [_doc("copy-a", copy, run_id="r4", day=3)], "r4")
    assert _stories(con) == after
    # only the candidates' band hashes were stored, one row per band per document
    n_bands = con.execute("SELECT count(*) FROM story_bands").fetchone()[0]
    assert n_bands == 32 * len(after)


def test_story_of_a_replaced_first_document_is_dropped_from_the_index(
    con: duckdb.DuckDBPyConnection,
) -> None:
    text = _reuters(1)[0]["text"]
    _load(con, [_doc("old", text, run_id="r1", day=1)], "r1")
    con.execute("DELETE FROM documents WHERE doc_id = 'old'")
    _load(con, [_doc("new", text + " Corrected.", run_id="r2", day=2)], "r2")
    assert _stories(con) == {"new": "new"}
    assert con.execute("SELECT DISTINCT doc_id FROM document_minhash").fetchall() == [("new",)]


def test_headline_and_dateline_do_not_matter_but_other_articles_stay_apart() -> None:
    seed = SEED.read_text("utf-8")
    same = signature("a", seed)
    datelined = signature("b", "SEOUL, South Korea (AP) — " + seed)
    assert similarity(same.values, datelined.values) >= THRESHOLD
    for article in _reuters(40):
        other = signature(article["id"], article["text"])
        assert similarity(same.values, other.values) < THRESHOLD


def test_the_headline_paragraph_is_left_out_of_the_signature() -> None:
    body = "The harbour council voted on Tuesday to approve a new ferry terminal. " * 3
    one = signature(
        "a", f"Council backs ferry terminal\n\n{body}", title="Council backs ferry terminal"
    )
    two = signature("b", f"Ferry plan wins the vote!\n\n{body}", title="Ferry plan wins the vote!")
    assert one.values == two.values == signature("c", body).values
    # a first paragraph that is not the headline counts
    assert signature("d", f"Ferry plan wins the vote!\n\n{body}").values != one.values


@pytest.fixture(scope="module")
def two_copies(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The reference article and a copy under an edited headline, in two runs."""
    from flows.runner import run_flow
    from flows.settings import Settings

    root = tmp_path_factory.mktemp("stories")
    seed = SEED.read_text("utf-8")
    first = root / "first.jsonl"
    first.write_text(
        json.dumps(
            {
                "id": "wire-1",
                "title": "North Korean leader calls for expanding his nuclear forces",
                "date": "2024-11-18T03:00:00",
                "url": "https://wire.example/kim",
                "text": seed,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    second = root / "second.jsonl"
    second.write_text(
        json.dumps(
            {
                "id": "outlet-7",
                "title": "Kim wants 'limitless' nuclear build-up, blames Washington",
                "date": "2024-11-18T09:30:00",
                "url": "https://outlet.example/world/kim",
                "text": "SEOUL (AP) — " + seed.rsplit("\n\n", 2)[0],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    settings = Settings(warehouse=root / "wh", n_process=1, lock_wait=0, task_batch_size=20)
    from warehouse.store import Warehouse

    wh = Warehouse(settings.warehouse)
    run_flow([str(first)], settings=settings)
    run_flow([str(second)], settings=settings)
    with wh.reader() as con:
        before = con.execute("SELECT doc_id, story_id FROM documents ORDER BY 1").fetchall()
    rerun = run_flow([str(first), str(second)], settings=settings)
    return {"wh": wh, "before": before, "rerun": rerun}


def test_reference_article_twice_is_one_story_of_two_documents(two_copies: dict[str, Any]) -> None:
    with two_copies["wh"].reader() as con:
        rows = con.execute(
            "SELECT copies, outlets, len(titles) FROM stories ORDER BY first_seen"
        ).fetchall()
        docs = con.execute(
            "SELECT doc_id, story_id, source_id FROM documents ORDER BY published_at"
        ).fetchall()
        kim = con.execute(
            "SELECT n_docs, n_stories FROM entity_summary WHERE name = 'Kim Jong Un'"
        ).fetchone()
    assert rows == [(2, 2, 2)]
    assert docs[0][0] != docs[1][0]
    assert docs[0][1] == docs[1][1] == docs[0][0], "the story id is the first document's id"
    assert kim == (2, 1)


def test_rerun_changes_no_story_id(two_copies: dict[str, Any]) -> None:
    assert two_copies["rerun"]["status"] == "completed"
    with two_copies["wh"].reader() as con:
        after = con.execute("SELECT doc_id, story_id FROM documents ORDER BY 1").fetchall()
    assert after == two_copies["before"]
