"""Connections to the DuckLake: the writer's, and read-only readers at the last (or an older)
snapshot that cannot write anything or read files outside the warehouse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb

from warehouse import extensions
from warehouse.errors import WarehouseError, WarehouseUnusableError
from warehouse.layout import CATALOG_ALIAS, WarehouseLayout

#: Statement types ``presslake sql`` accepts (``EXPLAIN`` only of a query, see
#: :func:`check_query`).
READ_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class ReadOnlyQueryError(WarehouseError):
    """A query given to a reader would write, attach, load or configure something."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _extensions(layout: WarehouseLayout) -> list[str]:
    names = ["ducklake", "postgres_scanner" if layout.is_postgres else "sqlite_scanner"]
    if layout.is_remote:
        names.append("httpfs")
    return names


def _s3_secret(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout) -> None:
    """An S3 secret (in memory only) for an ``s3://`` data path."""
    if not layout.is_remote:
        return
    s3 = layout.s3
    parts = ["TYPE s3", f"URL_STYLE {_quote(s3.url_style)}", f"USE_SSL {str(s3.use_ssl).lower()}"]
    for key, value in (
        ("KEY_ID", s3.key_id),
        ("SECRET", s3.secret),
        ("REGION", s3.region),
        ("ENDPOINT", s3.endpoint),
    ):
        if value:
            parts.append(f"{key} {_quote(value)}")
    con.execute(f"CREATE OR REPLACE TEMPORARY SECRET presslake_s3 ({', '.join(parts)})")


def _prepare_sqlite_catalog(path: Path) -> None:
    """Create the SQLite catalog in WAL mode, so readers never block the writer's commit and
    the writer never blocks readers."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=WAL").fetchall()
    finally:
        con.close()


def catalog_exists(layout: WarehouseLayout) -> bool:
    """Whether the catalog exists: the SQLite file, or for PostgreSQL a DuckLake holding the
    warehouse's tables (a new, empty database is no warehouse yet)."""
    sqlite_path = layout.sqlite_catalog
    if sqlite_path is not None:
        return sqlite_path.exists()
    try:
        con = connect_reader(layout)
    except duckdb.Error as err:
        # a database without a DuckLake is no warehouse yet; a server that cannot be reached
        # (down, wrong port, database, user or password) is an error, not "no warehouse"
        message = str(err)
        if "Unable to connect to Postgres" not in message:
            return False
        reason = message.split(" failed: ", 1)[-1] if " failed: " in message else message
        reason = " ".join(reason.replace(str(layout.catalog), layout.catalog_display).split())
        raise WarehouseUnusableError(
            f"cannot connect to the PostgreSQL catalog {layout.catalog_display} "
            f"({reason[:200]}); check that the server runs and the URL's host, port, "
            "database, user and password (or PGPASSWORD / ~/.pgpass)"
        ) from None
    try:
        row = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? "
            "AND table_name = 'documents'",
            [CATALOG_ALIAS],
        ).fetchone()
    finally:
        con.close()
    return bool(row and row[0])


def connect_writer(layout: WarehouseLayout) -> duckdb.DuckDBPyConnection:
    """A connection with the DuckLake attached read-write as ``lake`` (and in use), created
    if missing. Data inlining is off: every row lives in Parquet under the data path."""
    sqlite_path = layout.sqlite_catalog
    if sqlite_path is not None:
        _prepare_sqlite_catalog(sqlite_path)
    con = extensions.connect(*_extensions(layout))
    try:
        _s3_secret(con, layout)
        con.execute(
            f"ATTACH {_quote(layout.catalog_uri)} AS {CATALOG_ALIAS} "
            f"(DATA_PATH {_quote(layout.lake)}, OVERRIDE_DATA_PATH true, "
            "DATA_INLINING_ROW_LIMIT 0)"
        )
        con.execute(f"USE {CATALOG_ALIAS}")
        con.execute("SET preserve_insertion_order = false")
    except BaseException:
        con.close()
        raise
    return con


def connect_reader(
    layout: WarehouseLayout, *, snapshot: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the last committed snapshot (or to ``snapshot``).

    The catalog is attached read-only; file access is limited to the data path and locked,
    so SQL on this connection cannot write the warehouse, attach another database or read
    or write files elsewhere.
    """
    con = extensions.connect(*_extensions(layout))
    try:
        _s3_secret(con, layout)
        options = ["READ_ONLY", f"DATA_PATH {_quote(layout.lake)}", "OVERRIDE_DATA_PATH true"]
        if snapshot is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        con.execute(
            f"ATTACH {_quote(layout.catalog_uri)} AS {CATALOG_ALIAS} ({', '.join(options)})"
        )
        con.execute(f"USE {CATALOG_ALIAS}")
        con.execute(f"SET allowed_directories = [{_quote(layout.lake)}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def check_query(query: str) -> None:
    """Refuse ``query`` unless every statement in it only reads.

    The reader connection already refuses writes to the warehouse and file access outside
    it; this also refuses ``ATTACH``, ``COPY`` (even into the data path), ``SET``, ``LOAD``
    and every other statement that is not a query.

    Raises:
        ReadOnlyQueryError: naming the first statement that is not a query.
    """
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as err:
        raise ReadOnlyQueryError(" ".join(str(err).split())) from err
    for statement in statements:
        kind = statement.type
        text = " ".join(statement.query.split())
        if kind == duckdb.StatementType.EXPLAIN:
            words = text.split(maxsplit=2)
            inner = words[2] if len(words) > 2 and words[1].upper() == "ANALYZE" else text[7:]
            check_query(inner)
            continue
        if kind not in READ_STATEMENTS:
            raise ReadOnlyQueryError(
                f"only queries can run on the warehouse; refused {kind.name}: {text[:80]}"
            )
