"""Turn a warehouse of the layout before DuckLake into a DuckLake with the same rows and ids.

The old layout: ``DIR/presslake.duckdb`` (every table) and ``DIR/lake/<table>/run=<id>/``
(a Parquet copy of the document-table rows each committed run loaded, older versions of
replaced documents included).

Two routes, both ending in one DuckLake transaction that is checked before it commits:

1. **From the database file**, when this DuckDB can open it (files written by DuckDB 1.x):
   every table is copied as it is.
2. **From the Parquet lake**, when it cannot (the release before DuckLake ran DuckDB 2.0,
   whose files DuckDB 1.5 does not read): the runs are replayed in order with the load's
   rule (a document's rows come from the last run that loaded its ``doc_id``; a later run
   with the same ``source_id`` and another ``doc_id`` replaces it), and the entity dimension
   is recomputed from the mentions exactly as the old load did. The ledger (``runs`` and
   ``rejects``) exists only in the database file: export it first with the old release
   (see :data:`LEDGER_EXPORT`) into ``DIR/ledger/``.

The old files are moved to ``DIR/legacy/`` (delete them once satisfied); a migration that
stopped half-way is resumed from there.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from schemas import DOCUMENT_TABLES, TABLES
from warehouse.checks import run_checks
from warehouse.errors import WarehouseError
from warehouse.lake import connect_writer
from warehouse.layout import CATALOG_ALIAS, LEGACY_DB_NAME
from warehouse.store import Warehouse, create_schema, rebuild_entity_names, update_entities

LEGACY_DIR = "legacy"
LEDGER_DIR = "ledger"

#: How to export the ledger with the old release (its Python has DuckDB 2.0).
LEDGER_EXPORT = (
    "python -c \"import duckdb; c = duckdb.connect('DIR/presslake.duckdb', read_only=True); "
    "[c.execute(f\\\"COPY {t} TO 'DIR/ledger/{t}.parquet'\\\") for t in ('runs', 'rejects')]\""
)


class MigrationError(WarehouseError):
    """The warehouse cannot be migrated as it is."""


@dataclass
class MigrationReport:
    """What a migration did."""

    route: str
    rows: dict[str, int] = field(default_factory=dict)
    legacy: Path | None = None
    snapshot_id: int | None = None

    def describe(self) -> str:
        """A few lines for the user."""
        lines = [f"migrated from the {self.route} into a DuckLake (snapshot {self.snapshot_id})"]
        lines += [f"  {table}: {n} rows" for table, n in self.rows.items()]
        if self.legacy is not None:
            lines.append(f"old files kept in {self.legacy}; delete them once satisfied")
        return "\n".join(lines)


def _legacy_sources(wh: Warehouse) -> tuple[Path | None, Path | None]:
    """The old database file and Parquet lake, in place or already moved aside."""
    root = wh.layout.root
    db = next(
        (p for p in (root / LEGACY_DB_NAME, root / LEGACY_DIR / LEGACY_DB_NAME) if p.exists()),
        None,
    )
    lake = next(
        (
            p
            for p in (root / "lake", root / LEGACY_DIR / "lake")
            if p.is_dir() and any(p.glob("*/run=*"))
        ),
        None,
    )
    return db, lake


def read_legacy_database(path: Path) -> dict[str, pa.Table] | None:
    """Every contract table of an old database file, or ``None`` if this DuckDB cannot open
    it (a file written by a newer DuckDB)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        if "version" in str(err).lower():
            return None
        raise
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        # tables the contract gained since (e.g. the stories index) start empty
        return {table: _read_table(con, table, table) for table in TABLES if table in present}
    finally:
        con.close()


def _read_table(con: duckdb.DuckDBPyConnection, table: str, relation: str) -> pa.Table:
    """``relation`` as the contract's ``table`` (columns the old file lacks come as NULL)."""
    present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
    schema = TABLES[table]
    select = ", ".join(name if name in present else f"NULL AS {name}" for name in schema.names)
    arrow = con.execute(f"SELECT {select} FROM {relation}").to_arrow_table()
    return arrow.cast(schema)


def replay_legacy_lake(lake: Path, ledger: Path) -> dict[str, pa.Table]:
    """The tables an old warehouse held, rebuilt from its per-run Parquet and its exported
    ledger (``ledger/runs.parquet``, ``ledger/rejects.parquet``)."""
    con = duckdb.connect()
    try:
        out: dict[str, pa.Table] = {}
        for table in ("runs", "rejects"):
            path = ledger / f"{table}.parquet"
            con.execute(
                f"CREATE VIEW {table}_file AS SELECT * FROM read_parquet({_quote(str(path))})"
            )
            out[table] = _read_table(con, table, f"{table}_file")
        run_order = {
            r["run_id"]: i
            for i, r in enumerate(
                sorted(out["runs"].to_pylist(), key=lambda r: (r["started_at"], r["run_id"]))
            )
        }
        docs = _read_lake_table(con, lake, "documents")
        latest = _replay(
            [(d["doc_id"], d["source_id"], d["run"]) for d in docs.to_pylist()],
            run_order,
        )
        con.register(
            "latest",
            pa.table({"doc_id": list(latest), "run": list(latest.values())}),
        )
        for table in DOCUMENT_TABLES:
            con.register(f"lake_{table}", _read_lake_table(con, lake, table))
            kept = (
                f"(SELECT t.* FROM lake_{table} AS t SEMI JOIN latest AS l "
                "ON t.doc_id = l.doc_id AND t.run = l.run)"
            )
            out[table] = _read_table(con, table, kept)
        return out
    finally:
        con.close()


def _read_lake_table(con: duckdb.DuckDBPyConnection, lake: Path, table: str) -> pa.Table:
    pattern = str(lake / table / "run=*" / "*.parquet")
    if not list((lake / table).glob("run=*/*.parquet")):
        empty = TABLES[table].empty_table()
        return empty.append_column("run", pa.array([], pa.string()))
    return con.execute(
        f"SELECT * FROM read_parquet({_quote(pattern)}, hive_partitioning = true, "
        "union_by_name = true)"
    ).to_arrow_table()


def _replay(documents: list[tuple[str, str, str]], run_order: dict[str, int]) -> dict[str, str]:
    """``doc_id -> run`` whose rows the warehouse kept, replaying the loads in run order.

    Each load removed the documents whose ``doc_id`` it loaded again or whose ``source_id``
    it loaded under another ``doc_id``, then added its own.
    """
    by_run: dict[str, list[tuple[str, str]]] = {}
    for doc_id, source_id, run in documents:
        by_run.setdefault(run, []).append((doc_id, source_id))
    unknown = sorted(set(by_run) - set(run_order))
    if unknown:
        raise MigrationError(
            f"the lake holds runs the ledger does not know: {', '.join(unknown[:5])}"
        )
    current: dict[str, tuple[str, str]] = {}  # doc_id -> (source_id, run)
    for run in sorted(by_run, key=run_order.__getitem__):
        loaded = by_run[run]
        new_ids = {doc_id for doc_id, _ in loaded}
        sources = {source_id for _, source_id in loaded}
        for doc_id, (source_id, _) in list(current.items()):
            if doc_id in new_ids or source_id in sources:
                del current[doc_id]
        for doc_id, source_id in loaded:
            current[doc_id] = (source_id, run)
    return {doc_id: run for doc_id, (_, run) in current.items()}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def migrate_legacy(wh: Warehouse) -> MigrationReport:
    """Migrate the old warehouse at ``wh.layout.root`` into ``wh``'s DuckLake.

    Raises:
        MigrationError: when there is nothing to migrate, the DuckLake already holds runs,
            or the ledger export the Parquet route needs is missing.
    """
    root = wh.layout.root
    db, lake = _legacy_sources(wh)
    if db is None and lake is None:
        raise MigrationError(f"no warehouse of the old layout at {root} (no {LEGACY_DB_NAME})")
    if wh.exists():
        with wh.reader() as con:
            if con.execute("SELECT count(*) FROM runs").fetchone() != (0,):
                raise MigrationError(f"{root} already holds a DuckLake warehouse with runs")
    tables = read_legacy_database(db) if db is not None else None
    route = "database file"
    if tables is None:
        ledger = root / LEDGER_DIR
        if lake is None:
            raise MigrationError(
                f"{db} was written by a newer DuckDB than {duckdb.__version__} and there is "
                "no Parquet lake to rebuild from"
            )
        if not (ledger / "runs.parquet").exists() or not (ledger / "rejects.parquet").exists():
            raise MigrationError(
                f"{db} was written by a newer DuckDB than {duckdb.__version__}: export its "
                f"ledger with the old release first, then migrate again: "
                + LEDGER_EXPORT.replace("DIR", str(root))
            )
        tables = replay_legacy_lake(lake, ledger)
        route = "Parquet lake and exported ledger"

    # the old files go aside first: the new data path (DIR/lake) must hold DuckLake files only
    legacy = root / LEGACY_DIR
    legacy.mkdir(exist_ok=True)
    for old in (root / LEGACY_DB_NAME, root / f"{LEGACY_DB_NAME}.wal", root / "lake"):
        if old.exists() and (old.name != "lake" or any(old.glob("*/run=*"))):
            shutil.move(str(old), legacy / old.name)
    shutil.rmtree(wh.layout.staging_root, ignore_errors=True)

    con = connect_writer(wh.layout)
    try:
        con.execute("BEGIN TRANSACTION")
        create_schema(con)
        for table in TABLES:
            if table == "entities" or table not in tables:
                # entities are rebuilt below; tables newer than the old layout start empty,
                # and the next load gives the migrated documents their stories
                continue
            con.register(f"old_{table}", tables[table])
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM old_{table}")
        if route == "database file":
            con.register("old_entities", tables["entities"])
            con.execute("DELETE FROM entities")
            con.execute("INSERT INTO entities BY NAME SELECT * FROM old_entities")
            rebuild_entity_names(con)
        else:
            update_entities(con)
        run_checks(con)
        rows = {
            t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in TABLES
        }
        con.execute(f"CALL ducklake_set_commit_message('{CATALOG_ALIAS}', 'presslake', 'migrate')")
        con.execute("COMMIT")
        snapshot = con.execute(
            f"SELECT id FROM ducklake_current_snapshot('{CATALOG_ALIAS}')"
        ).fetchone()
    finally:
        con.close()
    return MigrationReport(
        route=route, rows=rows, legacy=legacy, snapshot_id=int(snapshot[0]) if snapshot else None
    )
