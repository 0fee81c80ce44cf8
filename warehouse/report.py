"""The data of the analyst report: named SQL queries over the contract tables and views.

Each query is a file in ``warehouse/sql/report/`` and reads only tables and views by bare
name, so it runs on any reader connection of the warehouse. Parameters are named (``$since``,
``$until``, ``$entity_id``, ``$limit``, ...); a query is given only those it uses. Rows come
back as plain dicts: the rendering (:mod:`reporting`) never sees a connection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import duckdb

from warehouse.errors import WarehouseError

Row = dict[str, Any]
#: Called with (step name, step number, number of steps) before each query.
ProgressFn = Callable[[str, int, int], None]

_PARAM = re.compile(r"\$([a-z_]+)")

OVERVIEW_QUERIES: tuple[str, ...] = (
    "summary",
    "docs_per_day",
    "docs_per_outlet",
    "top_stories",
    "runs",
    "rejects_by_reason",
    "top_entities",
    "entity_trend",
    "top_speakers",
    "quotes_by_kind",
    "sample_quotes",
    "event_types_over_time",
    "actor_target_pairs",
    "data_quality",
)
ENTITY_QUERIES: tuple[str, ...] = (
    "summary",
    "entity_aliases",
    "entity_mentions_per_day",
    "sample_quotes",
    "entity_event_types",
    "entity_events",
)
#: Row limits of the queries that take ``$limit``.
LIMITS: dict[str, int] = {
    "top_stories": 12,
    "top_entities": 15,
    "entity_trend": 6,
    "top_speakers": 12,
    "sample_quotes": 15,
    "actor_target_pairs": 15,
    "entity_events": 60,
}


class EntityNotFoundError(WarehouseError):
    """The name given for ``--entity`` is no entity's name or alias."""


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows: query name -> rows, and what it was asked for."""

    tables: dict[str, list[Row]]
    since: datetime | None = None
    until: datetime | None = None
    entity: Row | None = None
    documents: dict[str, Row] = field(default_factory=dict)


@cache
def query_text(name: str) -> str:
    """The SQL of one report query."""
    return (resources.files("warehouse") / "sql" / "report" / f"{name}.sql").read_text("utf-8")


def run_query(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> list[Row]:
    """Run one named query with the parameters it uses; rows as dicts."""
    sql = query_text(name)
    wanted = set(_PARAM.findall(sql))
    values = {k: v for k, v in params.items() if k in wanted}
    if "limit" in wanted:
        values["limit"] = LIMITS[name]
    result = con.execute(sql, values)
    columns = [d[0] for d in result.description or []]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def fetch_report(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    entity: str | None = None,
    progress: ProgressFn | None = None,
) -> ReportData:
    """Run every query of the report (the overview, or one entity's) on ``con``.

    Args:
        con: A reader connection.
        since: First publication time included.
        until: Publication times before this one are included (exclusive).
        entity: Name or alias of one entity: report on it alone.
        progress: Told about each query before it runs.

    Raises:
        EntityNotFoundError: when ``entity`` matches no entity name or alias.
    """
    params: dict[str, Any] = {"since": since, "until": until, "entity_id": None}
    found: Row | None = None
    names: Sequence[str] = OVERVIEW_QUERIES
    if entity is not None:
        rows = run_query(con, "entity", {"name": entity})
        if not rows:
            raise EntityNotFoundError(
                f"no entity named {entity!r} in the warehouse (names and aliases are matched "
                'without case; try `presslake sql "SELECT name FROM entities"`)'
            )
        found = rows[0]
        params["entity_id"] = found["entity_id"]
        names = ENTITY_QUERIES
    tables: dict[str, list[Row]] = {}
    total = len(names) + 1
    for step, name in enumerate(names, start=1):
        if progress is not None:
            progress(name, step, total)
        tables[name] = run_query(con, name, params)
    linked = sorted(
        {
            row["doc_id"]
            for rows in tables.values()
            for row in rows
            if isinstance(row.get("doc_id"), str)
        }
    )
    if progress is not None:
        progress("documents", total, total)
    documents = {row["doc_id"]: row for row in run_query(con, "documents", {"doc_ids": linked})}
    return ReportData(tables, since=since, until=until, entity=found, documents=documents)
