"""DuckDB DDL generated from the pyarrow schemas (never typed twice)."""

from __future__ import annotations

import pyarrow as pa

from schemas import TABLES


class UnsupportedTypeError(TypeError):
    """A schema uses an Arrow type the DDL generator has no DuckDB type for."""


def duckdb_type(type_: pa.DataType) -> str:
    """DuckDB column type for an Arrow type."""
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return "VARCHAR"
    if pa.types.is_int32(type_):
        return "INTEGER"
    if pa.types.is_int64(type_):
        return "BIGINT"
    if pa.types.is_float32(type_):
        return "FLOAT"
    if pa.types.is_float64(type_):
        return "DOUBLE"
    if pa.types.is_boolean(type_):
        return "BOOLEAN"
    if pa.types.is_date32(type_):
        return "DATE"
    if pa.types.is_timestamp(type_):
        return "TIMESTAMP" if type_.tz is None else "TIMESTAMPTZ"
    if pa.types.is_list(type_):
        return f"{duckdb_type(type_.value_type)}[]"
    raise UnsupportedTypeError(f"no DuckDB type for Arrow type {type_}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(table: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for one table of the contract."""
    schema = TABLES[table]
    cols = ",\n  ".join(
        f"{field.name} {duckdb_type(field.type)}{'' if field.nullable else ' NOT NULL'}"
        for field in schema
    )
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  {cols}\n)"


def comment_sql(table: str) -> list[str]:
    """``COMMENT ON`` statements carrying the schema descriptions into the catalog."""
    schema = TABLES[table]
    meta = schema.metadata or {}
    out = [f"COMMENT ON TABLE {table} IS {_quote(meta.get(b'description', b'').decode())}"]
    for field in schema:
        desc = (field.metadata or {}).get(b"description", b"").decode()
        out.append(f"COMMENT ON COLUMN {table}.{field.name} IS {_quote(desc)}")
    return out


def all_ddl() -> list[str]:
    """Every statement that creates the contract's tables."""
    statements: list[str] = []
    for table in TABLES:
        statements.append(create_table_sql(table))
        statements.extend(comment_sql(table))
    return statements
