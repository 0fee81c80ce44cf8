"""Grow a warehouse for benchmarks: copy every document's rows with new ids, inside DuckLake.

``bench/scale.py`` loads the Reuters sample through the pipeline once and then makes the
50x and 200x warehouses from it here, in SQL, in one DuckLake transaction: each copy of a
document gets new ids (``<id>~<k>``) for the document and every row that belongs to it, and
refers to the same entities, whose mention and document counts (and the per-name counts
behind them) grow with the copies. Rows
are the pipeline's own, so the warehouse looks like one that loaded that many articles.
"""

from __future__ import annotations

import duckdb

from schemas import DOCUMENT_TABLES, TABLES
from warehouse.store import create_schema


def copy_id_columns(table: str) -> list[str]:
    """Columns of ``table`` that identify a document or a row of it (renamed in a copy).

    Entity ids stay (copies mention the same entities) and so does the run id.
    """
    return [
        f.name
        for f in TABLES[table]
        if f.name.endswith("_id") and "entity" not in f.name and f.name != "run_id"
    ]


def grow(con: duckdb.DuckDBPyConnection, *, factor: int) -> dict[str, int]:
    """Make the warehouse ``factor`` times as large by copying its document rows.

    Args:
        con: A writer connection with the lake in use (``USE lake``); holds the writer lock.
        factor: Size after growing, as a multiple of the size now (1 changes nothing).

    Returns:
        Rows per document table after growing.
    """
    if factor < 1:
        raise ValueError(f"factor must be at least 1, not {factor}")
    counts: dict[str, int] = {}
    create_schema(con)  # the warehouse-internal tables too, counted at the size before
    con.execute("BEGIN TRANSACTION")
    try:
        if factor > 1:
            for table in DOCUMENT_TABLES:
                renamed = ", ".join(
                    f"{column} || '~' || copies.k AS {column}" for column in copy_id_columns(table)
                )
                con.execute(
                    f"INSERT INTO {table} SELECT {table}.* REPLACE ({renamed}) "
                    f"FROM {table}, range(1, ?) AS copies(k)",
                    [factor],
                )
            con.execute(
                "UPDATE entities SET n_mentions = n_mentions * ?, n_docs = n_docs * ?",
                [factor, factor],
            )
            con.execute("UPDATE entity_names SET n = n * ?", [factor])
        for table in DOCUMENT_TABLES:
            row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = int(row[0]) if row else 0
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return counts
