"""The data dictionary: every table and view, its columns, types, descriptions and joins.

Tables come from the contract (``schemas/``: types, nullability, descriptions, primary keys);
joins from the foreign keys the data checks enforce. Views come from their ``.sql`` files:
the first comment line describes the view, ``-- column: description`` lines its columns, and
their column types are read from DuckDB after creating the whole schema in memory, so the
dictionary needs no warehouse and cannot drift from the DDL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from schemas import TABLES, primary_key
from warehouse.checks import FOREIGN_KEYS
from warehouse.store import create_schema, view_sql

#: Joins of the story tables (kept by warehouse.stories itself, not by the data checks; a
#: story's first document may have been replaced).
EXTRA_JOINS: tuple[tuple[str, str, str, str], ...] = (
    ("documents", "story_id", "documents", "doc_id"),
    ("document_minhash", "doc_id", "documents", "doc_id"),
    ("document_minhash", "story_id", "documents", "doc_id"),
    ("story_bands", "doc_id", "document_minhash", "doc_id"),
)
#: How a view column joins, by its name.
VIEW_KEYS: dict[str, tuple[str, str]] = {
    "doc_id": ("documents", "doc_id"),
    "entity_id": ("entities", "entity_id"),
    "speaker_entity_id": ("entities", "entity_id"),
    "actor_entity_id": ("entities", "entity_id"),
    "target_entity_id": ("entities", "entity_id"),
    "event_id": ("events", "event_id"),
    "quote_id": ("quotes", "quote_id"),
    "story_id": ("stories", "story_id"),
}

_COLUMN_DOC = re.compile(r"^--\s*([a-z_][a-z0-9_]*):\s*(.+)$")


class UnknownRelationError(KeyError):
    """No table or view has the name asked for."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table or view."""

    name: str
    type: str
    nullable: bool
    description: str


@dataclass(frozen=True, slots=True)
class Relation:
    """One table or view."""

    name: str
    kind: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    joins: tuple[str, ...]


def _meta(value: dict[bytes, bytes] | None, key: str) -> str:
    return (value or {}).get(key.encode(), b"").decode()


def _table_joins(table: str) -> tuple[str, ...]:
    out = []
    for child, col, parent, pcol in (*FOREIGN_KEYS, *EXTRA_JOINS):
        if table in (child, parent):
            out.append(f"{child}.{col} = {parent}.{pcol}")
    return tuple(out)


def _view_docs(sql: str) -> tuple[str, dict[str, str]]:
    lines = [line.strip() for line in sql.splitlines() if line.strip().startswith("--")]
    description = lines[0].lstrip("-").strip() if lines else ""
    columns = {}
    for line in lines[1:]:
        match = _COLUMN_DOC.match(line)
        if match:
            columns[match.group(1)] = match.group(2).strip()
    return description, columns


def data_dictionary(*, only: str | None = None) -> list[Relation]:
    """Every table of the contract, then every view (or only the one named ``only``).

    Raises:
        UnknownRelationError: when ``only`` names no table or view.
    """
    con = duckdb.connect()
    try:
        create_schema(con)
        relations: list[Relation] = []
        for table, schema in TABLES.items():
            types = dict(
                con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ?",
                    [table],
                ).fetchall()
            )
            relations.append(
                Relation(
                    table,
                    "table",
                    _meta(schema.metadata, "description"),
                    tuple(
                        Column(f.name, types[f.name], f.nullable, _meta(f.metadata, "description"))
                        for f in schema
                    ),
                    primary_key(table),
                    _table_joins(table),
                )
            )
        for view, sql in view_sql():
            description, docs = _view_docs(sql)
            described = con.execute(f"DESCRIBE {view}").fetchall()
            columns = tuple(Column(r[0], r[1], True, docs.get(r[0], "")) for r in described)
            joins = tuple(
                f"{view}.{c.name} = {VIEW_KEYS[c.name][0]}.{VIEW_KEYS[c.name][1]}"
                for c in columns
                if c.name in VIEW_KEYS and VIEW_KEYS[c.name][0] != view
            )
            key = ("story_id",) if view == "stories" else ()
            relations.append(Relation(view, "view", description, columns, key, joins))
    finally:
        con.close()
    if only is None:
        return relations
    chosen = [r for r in relations if r.name == only]
    if not chosen:
        names = ", ".join(r.name for r in relations)
        raise UnknownRelationError(f"no table or view named {only!r}; there are: {names}")
    return chosen


def render_markdown(relations: list[Relation]) -> str:
    """The dictionary as markdown (one section per table or view)."""
    out: list[str] = []
    for rel in relations:
        out += [f"### `{rel.name}` ({rel.kind})", "", rel.description, ""]
        if rel.primary_key:
            out += [f"Primary key: `{', '.join(rel.primary_key)}`", ""]
        out += ["| column | type | null | description |", "|---|---|---|---|"]
        for col in rel.columns:
            desc = col.description.replace("|", "\\|")
            null = "yes" if col.nullable else "no"
            out.append(f"| `{col.name}` | {col.type} | {null} | {desc} |")
        out.append("")
        if rel.joins:
            out += ["Joins: " + "; ".join(f"`{j}`" for j in rel.joins), ""]
    return "\n".join(out)
