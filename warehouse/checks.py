"""Data checks run inside the load transaction, before commit.

Each check is a SQL query that returns offending rows; any row fails the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from schemas import TABLES, primary_key
from warehouse.errors import DataCheckError


@dataclass(frozen=True, slots=True)
class Check:
    """A named query whose rows are violations."""

    name: str
    sql: str


#: (child table, column, parent table, parent column) pairs that must resolve.
FOREIGN_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("entity_mentions", "doc_id", "documents", "doc_id"),
    ("entity_mentions", "entity_id", "entities", "entity_id"),
    ("quotes", "doc_id", "documents", "doc_id"),
    ("quotes", "speaker_entity_id", "entities", "entity_id"),
    ("events", "doc_id", "documents", "doc_id"),
    ("event_participants", "event_id", "events", "event_id"),
    ("event_participants", "doc_id", "documents", "doc_id"),
    ("event_participants", "entity_id", "entities", "entity_id"),
    ("time_expressions", "doc_id", "documents", "doc_id"),
    ("warnings", "doc_id", "documents", "doc_id"),
)

#: (table, text column, start column, end column) spans that must equal documents.text.
SPANS: tuple[tuple[str, str, str, str], ...] = (
    ("entity_mentions", "text", "start_char", "end_char"),
    ("quotes", "text", "start_char", "end_char"),
    ("quotes", "speaker_text", "speaker_start", "speaker_end"),
    ("quotes", "cue_text", "cue_start", "cue_end"),
    ("events", "trigger_text", "trigger_start", "trigger_end"),
    ("event_participants", "text", "start_char", "end_char"),
    ("time_expressions", "text", "start_char", "end_char"),
)


def build_checks(*, doc_scope: str | None = None) -> list[Check]:
    """All checks. ``doc_scope`` (a SQL relation with a ``doc_id`` column) limits the
    per-row span checks to the documents of this run."""
    checks: list[Check] = []
    for table, schema in TABLES.items():
        key = ", ".join(primary_key(table))
        checks.append(
            Check(
                f"{table}.primary_key_unique",
                f"SELECT {key}, count(*) AS n FROM {table} GROUP BY ALL HAVING count(*) > 1",
            )
        )
        for field in schema:
            if not field.nullable:
                checks.append(
                    Check(
                        f"{table}.{field.name}.not_null",
                        f"SELECT {key} FROM {table} WHERE {field.name} IS NULL",
                    )
                )
    for child, col, parent, pcol in FOREIGN_KEYS:
        checks.append(
            Check(
                f"{child}.{col}.references_{parent}",
                f"SELECT c.{col} FROM {child} AS c ANTI JOIN {parent} AS p "
                f"ON c.{col} = p.{pcol} WHERE c.{col} IS NOT NULL",
            )
        )
    scope = f"AND s.doc_id IN (SELECT doc_id FROM {doc_scope})" if doc_scope else ""
    for table, text, start, end in SPANS:
        doc_col = "doc_id"
        checks.append(
            Check(
                f"{table}.{start}.inside_document",
                f"SELECT s.{doc_col}, s.{start}, s.{end} FROM {table} AS s "
                f"JOIN documents AS d ON d.doc_id = s.{doc_col} "
                f"WHERE s.{start} IS NOT NULL AND NOT (0 <= s.{start} AND s.{start} <= s.{end} "
                f"AND s.{end} <= length(d.text)) {scope}",
            )
        )
        checks.append(
            Check(
                f"{table}.{text}.matches_document_text",
                f"SELECT s.{doc_col}, s.{start}, s.{end}, s.{text} FROM {table} AS s "
                f"JOIN documents AS d ON d.doc_id = s.{doc_col} "
                f"WHERE s.{start} IS NOT NULL AND "
                f"substring(d.text, s.{start} + 1, s.{end} - s.{start}) IS DISTINCT FROM s.{text} "
                f"{scope}",
            )
        )
    return checks


def contract_check(con: duckdb.DuckDBPyConnection) -> None:
    """Every contract table and column exists.

    Raises:
        DataCheckError: naming the missing columns.
    """
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
    ).fetchall()
    present = {(t, c) for t, c in rows}
    missing = [
        (table, name)
        for table, schema in TABLES.items()
        for name in schema.names
        if (table, name) not in present
    ]
    if missing:
        raise DataCheckError("contract_columns_present", [tuple(m) for m in missing])


def run_checks(con: duckdb.DuckDBPyConnection, *, doc_scope: str | None = None) -> list[str]:
    """Run every check; return the names of those that passed.

    Raises:
        DataCheckError: on the first check with violations.
    """
    contract_check(con)
    return ["contract_columns_present", *run_named_checks(con, build_checks(doc_scope=doc_scope))]


def run_named_checks(con: duckdb.DuckDBPyConnection, checks: list[Check]) -> list[str]:
    """Run ``checks``; return their names.

    Raises:
        DataCheckError: on the first check with violations.
    """
    passed = []
    for check in checks:
        rows = con.execute(check.sql + " LIMIT 20").fetchall()
        if rows:
            raise DataCheckError(check.name, rows)
        passed.append(check.name)
    return passed
