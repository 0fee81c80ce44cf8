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


@dataclass(frozen=True, slots=True)
class Scope:
    """What one load touched, for checks that read only those rows instead of every table.

    Attributes:
        run_id: The run (its ``runs`` and ``rejects`` rows).
        staged: SQL relation name of the staged rows of each document table, by table.
        entities: SQL relation with the ``entity_id`` of every entity row the load rewrote.
        lost_entities: SQL relation with the ``entity_id`` of entities that lost mentions
            (replaced documents), whose row may be gone while other rows refer to it;
            ``None`` when the load replaced nothing.

    The run's rows of a document table are exactly the staged rows (a document's rows come
    and go together, and ``documents`` is checked over the whole table), and every row id
    hashes its document's id, so a key of another document cannot collide with a staged
    key: keys are checked among the staged rows, references into ``documents`` and
    ``events`` against the staged parents, and no check reads a whole large table.
    """

    run_id: str
    staged: dict[str, str]
    entities: str
    lost_entities: str | None = None


def _pk_check(table: str, scope: Scope | None) -> Check:
    key_cols = primary_key(table)
    key = ", ".join(f"t.{c}" for c in key_cols)
    where = ""
    if scope is not None:
        if table == "documents":
            on = " AND ".join(f"t.{c} = s.{c}" for c in key_cols)
            where = f" SEMI JOIN {scope.staged[table]} AS s ON {on}"
        elif table in scope.staged:
            return Check(
                f"{table}.primary_key_unique",
                f"SELECT {key}, count(*) AS n FROM {scope.staged[table]} AS t "
                "GROUP BY ALL HAVING count(*) > 1",
            )
        elif table == "entities":
            where = f" WHERE t.entity_id IN (SELECT entity_id FROM {scope.entities})"
        else:
            where = f" WHERE t.run_id = {_literal(scope.run_id)}"
    return Check(
        f"{table}.primary_key_unique",
        f"SELECT {key}, count(*) AS n FROM {table} AS t{where} GROUP BY ALL HAVING count(*) > 1",
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rows(table: str, scope: Scope | None) -> str:
    """The rows of ``table`` the checks read: all, or those the load wrote."""
    if scope is None:
        return table
    if table in scope.staged:
        return scope.staged[table]
    if table == "entities":
        return (
            f"(SELECT * FROM entities WHERE entity_id IN (SELECT entity_id FROM {scope.entities}))"
        )
    return f"(SELECT * FROM {table} WHERE run_id = {_literal(scope.run_id)})"


def build_checks(*, scope: Scope | None = None) -> list[Check]:
    """All checks, over whole tables, or (with ``scope``) over the rows one load wrote or
    could have broken: the staged rows, the rewritten entities, the run's ledger rows, and
    the references into the rewritten entities."""
    checks: list[Check] = []
    for table, schema in TABLES.items():
        key = ", ".join(primary_key(table))
        checks.append(_pk_check(table, scope))
        rows = _rows(table, scope)
        for field in schema:
            if not field.nullable:
                checks.append(
                    Check(
                        f"{table}.{field.name}.not_null",
                        f"SELECT {key} FROM {rows} AS t WHERE {field.name} IS NULL",
                    )
                )
    for child, col, parent, pcol in FOREIGN_KEYS:
        rows, parents = child, parent
        if scope is not None:
            rows = f"(SELECT {col} FROM {scope.staged[child]}"
            if parent == "entities" and scope.lost_entities:
                rows += (
                    f" UNION ALL SELECT {col} FROM {child} "
                    f"WHERE {col} IN (SELECT entity_id FROM {scope.lost_entities})"
                )
            rows += ")"
            parents = scope.staged.get(parent, parent)
        checks.append(
            Check(
                f"{child}.{col}.references_{parent}",
                f"SELECT c.{col} FROM {rows} AS c ANTI JOIN {parents} AS p "
                f"ON c.{col} = p.{pcol} WHERE c.{col} IS NOT NULL",
            )
        )
    for table, text, start, end in SPANS:
        spans, docs = table, "documents"
        if scope is not None:
            spans, docs = scope.staged[table], scope.staged["documents"]
        checks.append(
            Check(
                f"{table}.{start}.inside_document",
                f"SELECT s.doc_id, s.{start}, s.{end} FROM {spans} AS s "
                f"JOIN {docs} AS d ON d.doc_id = s.doc_id "
                f"WHERE s.{start} IS NOT NULL AND NOT (0 <= s.{start} AND s.{start} <= s.{end} "
                f"AND s.{end} <= length(d.text))",
            )
        )
        checks.append(
            Check(
                f"{table}.{text}.matches_document_text",
                f"SELECT s.doc_id, s.{start}, s.{end}, s.{text} FROM {spans} AS s "
                f"JOIN {docs} AS d ON d.doc_id = s.doc_id "
                f"WHERE s.{start} IS NOT NULL AND "
                f"substring(d.text, s.{start} + 1, s.{end} - s.{start}) IS DISTINCT FROM s.{text}",
            )
        )
    return checks


def contract_check(con: duckdb.DuckDBPyConnection) -> None:
    """Every contract table and column exists.

    Raises:
        DataCheckError: naming the missing columns.
    """
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'main'"
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


def run_checks(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> list[str]:
    """Run every check (over ``scope`` only, if given); return the names of those that passed.

    Raises:
        DataCheckError: on the first check with violations.
    """
    contract_check(con)
    return ["contract_columns_present", *run_named_checks(con, build_checks(scope=scope))]


def run_named_checks(con: duckdb.DuckDBPyConnection, checks: list[Check]) -> list[str]:
    """Run ``checks`` (in one query); return their names.

    Raises:
        DataCheckError: on the first check with violations (with up to 20 of its rows).
    """
    if not checks:
        return []
    probes = " UNION ALL ".join(
        f"SELECT {i} AS i FROM (SELECT 1 FROM ({check.sql}) LIMIT 1)"
        for i, check in enumerate(checks)
    )
    failing = con.execute(f"SELECT min(i) FROM ({probes})").fetchone()
    if failing is not None and failing[0] is not None:
        check = checks[int(failing[0])]
        raise DataCheckError(check.name, con.execute(check.sql + " LIMIT 20").fetchall())
    return [check.name for check in checks]
