"""Records -> Arrow: columnar, without a Python dict per row."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import pyarrow as pa

from schemas.tables import TABLES


class SchemaMismatchError(ValueError):
    """A record type does not carry the columns its table needs."""


def records_to_table(table: str, records: Sequence[Any]) -> pa.Table:
    """Build an Arrow table for ``table`` from records with one attribute per column.

    Records may be dataclasses, NamedTuples or any object with the column names as
    attributes; extra attributes are ignored.

    Raises:
        SchemaMismatchError: when a record lacks a column of the table's schema.
    """
    schema = TABLES[table]
    if not records:
        return schema.empty_table()
    first = records[0]
    missing = [name for name in schema.names if not hasattr(first, name)]
    if missing:
        raise SchemaMismatchError(
            f"{type(first).__name__} has no attribute(s) {missing} needed by table {table!r}"
        )
    columns = [
        pa.array(list(map(attrgetter(name), records)), type=field.type)
        for name, field in zip(schema.names, schema, strict=True)
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def rows_to_table(table: str, rows: Sequence[dict[str, Any]]) -> pa.Table:
    """Build an Arrow table for ``table`` from dict rows (for small tables: runs, rejects)."""
    schema = TABLES[table]
    return pa.Table.from_pylist(list(rows), schema=schema)
