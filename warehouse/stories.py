"""Assign stories (near-duplicate groups) to newly loaded documents, inside the load.

Works on an open connection inside the load transaction and names tables only, so it runs the
same on any layout that exposes the contract tables. What makes it incremental lives in two
tables: ``document_minhash`` (signature and story of every assigned document) and
``story_bands`` (the LSH index). A new document looks up its own band hashes there; the rest of
the warehouse is never read. The grouping itself is :mod:`transforms.stories`.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pyarrow as pa

from schemas import TABLES
from transforms.stories import KnownDocument, Signature, signature
from transforms.stories import assign_stories as group_signatures


def assign_stories(con: duckdb.DuckDBPyConnection, *, run_id: str) -> dict[str, int]:
    """Give every document without a story its story (call after the run's documents are in).

    Documents reloaded under the same ``doc_id`` get back the story they had; the others are
    signed, their candidates fetched by band hash, and grouped earliest first (load time,
    then publication time, then id). Index rows of documents that left the warehouse (replaced
    by a new version) are dropped first. Documents of a warehouse made before stories existed
    have no story either and are assigned here too.

    Args:
        con: Connection inside the load transaction.
        run_id: The run being loaded (its documents are the ones without a story).

    Returns:
        Counts: ``assigned`` documents, ``kept`` (reloaded with their old story) and
        ``joined`` (new documents that joined an existing or another new document's story)
        and ``from_earlier_runs`` (documents of other runs that had none, e.g. after an
        upgrade).
    """
    gone = [
        r[0]
        for r in con.execute(
            "SELECT doc_id FROM document_minhash ANTI JOIN documents USING (doc_id)"
        ).fetchall()
    ]
    if gone:  # the band index is only rewritten when a document left
        con.execute("DELETE FROM story_bands WHERE list_contains(?, doc_id)", [gone])
        con.execute("DELETE FROM document_minhash WHERE list_contains(?, doc_id)", [gone])
    kept = con.execute(
        """
        UPDATE documents SET story_id = m.story_id
        FROM document_minhash AS m
        WHERE documents.doc_id = m.doc_id AND documents.story_id IS NULL
        """
    ).fetchone()
    rows = con.execute(
        """
        SELECT doc_id, text, title FROM documents WHERE story_id IS NULL
        ORDER BY ingested_at, published_at NULLS LAST, doc_id
        """
    ).fetchall()
    n_kept = int(kept[0]) if kept else 0
    in_run = {
        r[0]
        for r in con.execute("SELECT doc_id FROM documents WHERE run_id = ?", [run_id]).fetchall()
    }
    if not rows:
        return {"assigned": 0, "kept": n_kept, "joined": 0, "from_earlier_runs": 0}
    sigs = [signature(doc_id, text, title=title) for doc_id, text, title in rows]
    new_bands = pa.table(
        {
            "band_hash": pa.array([b for s in sigs for b in s.bands], pa.int64()),
            "doc_id": pa.array([s.doc_id for s in sigs for _ in s.bands], pa.string()),
        }
    )
    con.register("new_story_bands", new_bands)
    found = con.execute(
        """
        SELECT b.band_hash, m.doc_id, m.story_id, m.signature
        FROM (SELECT DISTINCT band_hash FROM new_story_bands) AS n
        JOIN story_bands AS b ON b.band_hash = n.band_hash
        JOIN document_minhash AS m ON m.doc_id = b.doc_id
        """
    ).fetchall()
    con.unregister("new_story_bands")
    candidates: dict[int, list[KnownDocument]] = defaultdict(list)
    for band_hash, doc_id, story_id, values in found:
        candidates[band_hash].append(KnownDocument(doc_id, story_id, tuple(values)))
    assigned = group_signatures(sigs, candidates)
    _store(con, sigs, assigned, run_id=run_id)
    joined = sum(1 for doc_id, story in assigned.items() if story != doc_id)
    earlier = sum(1 for doc_id in assigned if doc_id not in in_run)
    return {
        "assigned": len(assigned),
        "kept": n_kept,
        "joined": joined,
        "from_earlier_runs": earlier,
    }


def _store(
    con: duckdb.DuckDBPyConnection,
    sigs: list[Signature],
    assigned: dict[str, str],
    *,
    run_id: str,
) -> None:
    minhash = pa.Table.from_pylist(
        [
            {
                "doc_id": s.doc_id,
                "story_id": assigned[s.doc_id],
                # signature values are < 2**32: they fit the signed 64-bit column
                "signature": list(s.values),
                "n_shingles": s.n_shingles,
                "run_id": run_id,
            }
            for s in sigs
        ],
        schema=TABLES["document_minhash"],
    )
    bands = pa.Table.from_pylist(
        [
            {"band_hash": b, "band": i, "doc_id": s.doc_id, "run_id": run_id}
            for s in sigs
            for i, b in enumerate(s.bands)
        ],
        schema=TABLES["story_bands"],
    )
    con.register("new_document_minhash", minhash)
    con.register("new_story_band_rows", bands)
    con.execute("INSERT INTO document_minhash BY NAME SELECT * FROM new_document_minhash")
    con.execute("INSERT INTO story_bands BY NAME SELECT * FROM new_story_band_rows")
    con.execute(
        """
        UPDATE documents SET story_id = n.story_id
        FROM new_document_minhash AS n
        WHERE documents.doc_id = n.doc_id
        """
    )
    con.unregister("new_document_minhash")
    con.unregister("new_story_band_rows")
